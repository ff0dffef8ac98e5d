"""The reference library's data: what a PyTorch operator computes, as DSL equations over named
axes (docs/reference.md).

A `RefOp` is one row of the table: its tensors, each with *named axes* (upper-case size
symbols such as `N`, `C`, `K`) and, unless `batch=False`, the operator's *batch axes* (any
number of leading or surrounding dimensions the operator maps over); its parameters with their
PyTorch defaults; and equations in the formula language where every tensor is read with its
named axes only (`input[j]`, `target[]`). `reference.expand` turns a row into full equations
for a concrete rank and parameter choice; `torch` is the PyTorch expression the row is tested
against (tests/reference/test_library.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import UsageError


@dataclass(frozen=True)
class Arg:
    """One tensor of an operator. `axes`: its named axes in order (size symbols); `batch`: it
    has the operator's batch axes; `dtype`: float, int or bool; `domain`: where test inputs are
    drawn (real, positive, nonzero, unit (0, 1), open (-1, 1), index:AXIS (ints in [0, AXIS)),
    small (ints in [-8, 8)), bits (ints in [0, 64)))."""

    name: str
    axes: tuple[str, ...] = ()
    batch: bool = True
    dtype: str = "float"
    domain: str = "real"
    optional: bool = False  # may be left unmapped (then the equations reading it are unchecked)


@dataclass(frozen=True)
class Param:
    """A parameter. kind: real (a symbol of the formula, replaced by its value or a spec real),
    int (a symbol too: ignore_index, diagonal), dim (position of the dim axis), dims (a list of
    reduced positions, None for all), bool (keepdim), str (reduction, approximate)."""

    name: str
    default: Any
    kind: str = "real"


@dataclass(frozen=True)
class RefOp:
    """One operator (an overload, or a variant fixed by string parameters, e.g. gelu's
    approximate='tanh'). See the module docstring for the conventions of `equations`."""

    name: str  # aten::elu, aten::add.Tensor, liger::swiglu
    category: str
    inputs: tuple[Arg, ...]
    outputs: tuple[Arg, ...]
    equations: tuple[str, ...]
    torch: str  # a Python expression over the inputs and parameters (torch, F in scope)
    params: tuple[Param, ...] = ()
    fixed: dict[str, Any] = field(default_factory=dict)  # string parameters this row is for
    dim_axis: str | None = None  # the named axis placed by the `dim` (or `dims`) parameter
    dim_alias: tuple[str, ...] = ()  # other axes at the same position (glu's half axis, gather's)
    lets: dict[str, str] = field(default_factory=dict)  # derived sizes: {"H": "N // 2"}
    sizes: dict[str, int] = field(default_factory=dict)  # test sizes of named axes (default 5)
    loss: str | None = None  # per-element weight for reduction='mean' ("1" for a plain mean)
    note: str = ""
    tests: tuple[dict[str, Any], ...] = ()  # further parameter choices the tests try
    rank: int | None = None  # the rank tests use (default: one batch dim)

    @property
    def key(self) -> str:
        return self.name + "".join(f"[{k}={v}]" for k, v in sorted(self.fixed.items()))

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def arg(self, name: str) -> Arg | None:
        return next((a for a in self.inputs + self.outputs if a.name == name), None)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params} | dict(self.fixed)


class ReferenceError(UsageError):
    """A reference operator cannot be stated for this request (unknown op, a parameter outside
    what the formula covers, tensors that do not fit)."""
