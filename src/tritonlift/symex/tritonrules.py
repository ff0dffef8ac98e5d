"""Triton's compile-time rules on tiles, at concrete sizes: what Triton 3.x rejects when it builds
a kernel (`triton/language/semantic.py` `arange` and `load`, `triton/_utils.py`
`validate_block_shape`). The symbolic executor applies them where a tile is made; the prover
proves them for every size (`verify/launchrules.py`)."""

from __future__ import annotations

import operator
from typing import Any

from ..errors import LaunchRejected, SourceLoc

MAX_NUMEL = 2**20  # TRITON_MAX_TENSOR_NUMEL


def is_pow2(n: int) -> bool:
    return n >= 1 and n & (n - 1) == 0


def _static(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    try:
        return operator.index(v)
    except TypeError:
        return None


def check_arange(start: Any, end: Any, loc: SourceLoc | None) -> tuple[int, int]:
    """The bounds of a concrete `tl.arange`, or LaunchRejected with Triton's reason."""
    start, end = _static(start), _static(end)
    if start is None or end is None:
        raise LaunchRejected("tl.arange's arguments must be compile-time integers (tl.constexpr); Triton "
                             "rejects a bound passed as an ordinary argument", loc)
    if end <= start:
        raise LaunchRejected(f"tl.arange({start}, {end}): the end must be greater than the start", loc)
    if not is_pow2(end - start):
        raise LaunchRejected(f"tl.arange({start}, {end}) has {end - start} elements: Triton requires a power of "
                             f"two", loc)
    if end - start > MAX_NUMEL:
        raise LaunchRejected(f"tl.arange({start}, {end}) has {end - start} elements, more than Triton's "
                             f"maximum of 2**20 per tile", loc)
    return start, end


def check_shape(dims: tuple[int, ...], what: str, loc: SourceLoc | None) -> None:
    numel = 1
    for k, d in enumerate(dims):
        if not is_pow2(d):
            raise LaunchRejected(f"{what} of shape {list(dims)}: extent {k} ({d}) is not a power of two, which "
                                 f"Triton requires", loc)
        numel *= d
    if numel > MAX_NUMEL:
        raise LaunchRejected(f"{what} of shape {list(dims)} has {numel} elements, more than Triton's maximum of "
                             f"2**20 per tile", loc)


def check_other(mask: Any, other: Any, loc: SourceLoc | None) -> None:
    if mask is None and other is not None:
        raise LaunchRejected("tl.load with `other=` but no `mask=`: Triton rejects it (`other` cannot be "
                             "provided without `mask`)", loc)
