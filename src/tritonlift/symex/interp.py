"""The symbolic executor's value domain: one program of a Triton kernel over tiles of Terms.

`Interpreter` is the one kernel walker (`walker.py`) over concrete tiles (`values.Tile`: numpy
arrays of numbers or Terms) with the executor's side of the `tl.*` table (`tilebuiltins.py`).
Control flow on compile-time or concrete values runs as Python would. A branch on a *symbolic*
condition (`if y == ignore_index:` with `y` loaded from memory) is executed on both sides under a
path predicate: stores are guarded by it, variables are merged with `where`, and a `return` in
the kernel body turns the rest of that path off.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dsl.term import Op, Term
from ..errors import SourceLoc, SymexError, Unsupported
from ..frontend.source import SourceIndex
from . import builtins as B
from . import ops
from .fixedwidth import wrap
from .memory import Memory
from .tilebuiltins import TileBuiltins
from .values import DTypeV, Tile, concretize, to_tile
from .walker import (
    BoundMethod,
    Frame,
    Walker,
)


class Interpreter(TileBuiltins, Walker):
    """Runs one program (one grid point) of a kernel against a shared `Memory`."""

    error = SymexError
    domain = "the symbolic executor"

    def __init__(self, index: SourceIndex, memory: Memory, program: tuple[int, int, int],
                 grid: tuple[int, int, int]):
        super().__init__(index)
        self.memory = memory
        self.program = program
        self.grid = grid
        self.pid_linear = program[0] + grid[0] * (program[1] + grid[1] * program[2])

    def exercised(self, kind: str, loc: SourceLoc, outcome: Any) -> None:
        self.memory.coverage.setdefault((kind, loc), set()).add(outcome)

    # -- the value hooks -----------------------------------------------------------------------
    def is_tile(self, v: Any) -> bool:
        return isinstance(v, Tile)

    ops = ops
    bitcast = staticmethod(ops.bitcast)
    term_tile = staticmethod(B.symbolic_scalar)

    def retype_pointer(self, v: Any, pointee: str | None) -> Any:
        t = to_tile(v)
        return Tile(t.data, pointee or t.dtype, t.ptr)

    def invert(self, v: Any, loc: SourceLoc) -> Any:
        t = to_tile(v)
        if t.dtype == "int1":
            return ops.unary(Op.NOT, t)
        if t.data.dtype != object:
            return Tile(wrap(~t.data, t.dtype), t.dtype)
        raise Unsupported("bitwise not of a symbolic integer", loc)

    def index_tile(self, v: Any, key: list[Any]) -> Any:
        return Tile(v.data[tuple(key)], v.dtype, v.ptr)

    def tile_attribute(self, v: Any, attr: str) -> Any:
        if attr in ("dtype", "type"):
            return DTypeV("ptr", v.dtype) if v.ptr is not None else DTypeV(v.dtype)
        if attr == "shape":
            return tuple(v.shape)
        if attr == "T":
            return Tile(v.data.T, v.dtype, v.ptr)
        return BoundMethod(v, attr)

    def tile_shape(self, v: Any) -> tuple[int, ...]:
        return to_tile(v).shape

    def tile_dtype(self, v: Any) -> str:
        return to_tile(v).dtype

    def tile_len(self, v: Any) -> Any:
        return v.shape[0]

    def static_int(self, v: Any, what: str) -> int | None:
        return B.as_int(v, what)  # at concrete sizes every integer is known (or an error)

    def loop_value(self, i: int, static: bool) -> Any:
        return i if static else Tile(np.array(i, dtype=np.int64), "int32")

    def truth(self, v: Any, loc: SourceLoc) -> bool | Term:
        """A condition's value: a Python bool when known, else its Term."""
        if isinstance(v, Tile):
            d = concretize(v.data)
            if d.size != 1:
                raise SymexError("the truth value of a tile with several lanes is ambiguous", loc)
            x = d.reshape(())[()]
            return x if isinstance(x, Term) else bool(x)
        if isinstance(v, Term):
            return bool(v.value) if v.op is Op.CONST else v
        return bool(v)

    def known_truth(self, v: Any) -> bool | None:
        c = self.truth(v, self.loc)  # type: ignore[arg-type]
        return c if isinstance(c, bool) else None


__all__ = ["Frame", "Interpreter"]
