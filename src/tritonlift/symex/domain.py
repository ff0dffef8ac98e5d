"""The value-domain protocol of the kernel walker (`walker.py`): everything about values.

The walker executes Python; a domain says what a tile is and what the operations on tiles do.
Two domains implement it: concrete tiles of Terms (`interp.Interpreter`, the symbolic executor)
and lane-symbolic tiles (`verify.vcgen.Evaluator`, the prover). Together with the domain side of
the `tl.*` table (`tl_<name>` hooks, `builtins.py`) this is the whole difference between them.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from ..dsl.term import Op, Term
from ..errors import SourceLoc, SymexError, TritonLiftError, Unsupported
from .values import DTypeV

if TYPE_CHECKING:
    from .walker import Frame


class ValueDomain:
    error: type[TritonLiftError] = SymexError  # Python errors in the kernel become this, located
    domain = "executor"  # how error messages name the domain ("the prover")
    loc: SourceLoc | None

    def is_tile(self, v: Any) -> bool:
        raise NotImplementedError

    def term_tile(self, t: Term, dtype: str = "fp32") -> Any:
        """A bare Term (a symbolic scalar) as a tile."""
        raise NotImplementedError

    def lift(self, v: Any) -> Any:
        """An operand: a bare Term becomes a tile; tiles and Python scalars stay as they are (a
        Python scalar next to a tile takes the tile's type, as in Triton); None and dtypes are
        not numbers."""
        if isinstance(v, Term):
            return self.term_tile(v)
        if v is None:
            raise TypeError("None used as a number")
        if isinstance(v, DTypeV):
            raise TypeError("a dtype used as a number")
        return v

    ops: Any  # the domain's module of element-wise operations: binary, unary, where, cast

    def binary(self, op: Op, a: Any, b: Any) -> Any:
        return self.ops.binary(op, a, b)

    def unary(self, op: Op, a: Any) -> Any:
        return self.ops.unary(op, a)

    def where(self, c: Any, a: Any, b: Any) -> Any:
        return self.ops.where(c, a, b)

    def cast(self, v: Any, dtype: str) -> Any:
        return self.ops.cast(v, dtype)

    def bitcast(self, v: Any, dtype: str) -> Any:
        raise Unsupported(f"bitcast is not modelled by {self.domain}", self.loc)

    def retype_pointer(self, v: Any, pointee: str) -> Any:
        raise NotImplementedError

    def invert(self, v: Any, loc: SourceLoc) -> Any:
        """`~v` on a tile (bool tiles: logical not)."""
        raise NotImplementedError

    def index_tile(self, v: Any, key: list[Any]) -> Any:
        """`t[:, None]`-style indexing: `slice(None)` keeps an axis, None inserts one."""
        raise NotImplementedError

    def tile_attribute(self, v: Any, attr: str) -> Any:
        """`.dtype`, `.shape`, `.T` of a tile; anything else is a method (BoundMethod)."""
        raise NotImplementedError

    def static_int(self, v: Any, what: str) -> int | None:
        """A compile-time integer, None when `v` is symbolic (TypeError when not an integer)."""
        raise NotImplementedError

    def truth(self, v: Any, loc: SourceLoc) -> bool | Term:
        """A condition's value: a Python bool when known, else a Term (the domain may refuse)."""
        raise NotImplementedError

    def known_truth(self, v: Any) -> bool | None:
        """The truth of `v` when known at this point, else None (never raises for symbolic values)."""
        raise NotImplementedError

    def loop_value(self, i: int, static: bool) -> Any:
        """The value of a loop variable at iteration value i (`tl.static_range`: a Python int)."""
        raise NotImplementedError

    def symbolic_for(self, st: ast.For, frame: Frame, bounds: list[Any]) -> None:
        raise Unsupported(f"a loop whose bounds are not compile-time integers is not supported by {self.domain}",
                          frame.module.loc(st))

    def tile_len(self, v: Any) -> Any:
        raise NotImplementedError

    def tile_shape(self, v: Any) -> tuple[Any, ...]:
        raise NotImplementedError

    def tile_dtype(self, v: Any) -> str:
        raise NotImplementedError

    def reduction(self, op: str, t: Any, axis: Any, keep_dims: bool, index: bool, tie_break_left: bool) -> Any:
        """`op` (sum, max, min) over `axis` (None: all); with `index`, the pair (value, first
        index of the extreme value when `tie_break_left`)."""
        raise NotImplementedError

    def scan(self, op: str, t: Any, axis: int, reverse: bool) -> Any:
        """The inclusive scan `op` (sum, prod) along `axis`."""
        raise NotImplementedError
