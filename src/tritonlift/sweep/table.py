"""The sweep's tables of example calls: one `SweepCall` per operator of a library.

A library is a module with `CALLS: tuple[SweepCall, ...]` registered in `LIBRARIES` (FlagGems
and Liger here; fla, unsloth or xformers are one more module each: the calls are host calls
`tritonlift trace` runs, the reference operator and its parameters say what each computes).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SweepCall:
    library: str  # the library's name in the report (flag_gems, liger)
    name: str  # the operator's name in the library, unique within it
    call: str  # the host call, for `tritonlift trace`
    shapes: dict[str, str]  # tensor -> dims (size symbols), as `trace --shape`
    op: str = ""  # the reference operator (empty: none states it; `why` says why)
    params: dict[str, Any] = field(default_factory=dict)  # the reference operator's parameters
    reals: tuple[str, ...] = ()  # floats of the call kept symbolic (trace --real)
    dtypes: dict[str, str] = field(default_factory=dict)
    ranges: dict[str, str] = field(default_factory=dict)  # int tensor contents LO:HI
    constraints: tuple[str, ...] = ()
    at: dict[str, int] = field(default_factory=dict)
    widen: tuple[str, ...] = ()
    tensors: dict[str, str] = field(default_factory=dict)  # reference tensor -> traced spec tensor
    category: str = ""  # default: the reference operator's
    why: str = ""  # why the operator is not swept (reported UNSUPPORTED)

    @property
    def key(self) -> str:
        return f"{self.library}.{self.name}"


# library -> module holding CALLS (imported on use)
LIBRARIES = {"flag_gems": "tritonlift.sweep.flaggems", "liger": "tritonlift.sweep.liger"}


def calls(libraries: list[str] | None = None) -> list[SweepCall]:
    out: list[SweepCall] = []
    for lib in libraries or list(LIBRARIES):
        if lib not in LIBRARIES:
            raise KeyError(f"unknown library {lib!r} (known: {', '.join(LIBRARIES)})")
        out += list(importlib.import_module(LIBRARIES[lib]).CALLS)
    return out


def category(c: SweepCall) -> str:
    if c.category:
        return c.category
    if not c.op:
        return "other"
    from ..reference import get

    try:
        return get(c.op, **c.params).category
    except Exception:
        return "other"
