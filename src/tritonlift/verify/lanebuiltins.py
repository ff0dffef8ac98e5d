"""The `tl.*` builtins of the lane-symbolic evaluator, as methods `tl_<name>` of a mixin.

Each builtin maps tiles (`Lanes`) to tiles. Memory builtins record an `Access` (the decoded
index of every lane, the mask, the lane extents and, for a store, the value); reductions over a
tile axis become binder terms over [0, extent) of the lane body (a scan over [0, lane + 1)).
Keyword arguments that only tune performance are accepted and ignored; any other unknown one, and
any builtin not listed, is refused by the evaluator.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..dsl import build
from ..dsl.term import Op, Term, const, var
from ..errors import SourceLoc, SymexError, Unsupported
from ..symex.values import DTypeV
from . import lanetile as L
from .lanetile import ONE, Lanes, as_lanes
from .termops import subst


@dataclass(frozen=True)
class Access:
    """One load or store site, for every program and lane: `index` is the decoded logical index
    (terms over program ids, lanes and sizes), `mask` a boolean term (true when unmasked),
    `shape` the lane extents, `value` the stored term. `loops` are the enclosing loops over
    symbolic trip counts, innermost last: (iteration variable, trip count); the access happens
    for every iteration 0 ≤ t < K of each (`vcgen.Evaluator.st_For`)."""

    kind: str  # load | store
    tensor: str
    offset: Term | None
    index: tuple[Term, ...]
    mask: Term
    shape: tuple[Term, ...]
    value: Term | None
    loc: SourceLoc | None
    decoding: str
    loops: tuple[tuple[str, Term], ...] = ()


# decode(tensor, offset, mask, lane shape, location, enclosing loops) -> (logical index, how)
Decode = Callable[[str, Term, Term, tuple[Term, ...], SourceLoc | None, tuple[tuple[str, Term], ...]],
                  tuple[tuple[Term, ...], str]]


def static_int(v: Any) -> int | None:
    """A compile-time integer, or None when `v` is symbolic."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, Lanes) and v.rank == 0 and v.term.op is Op.CONST and not isinstance(v.term.value, float):
        return int(v.term.value)
    return None


def extent(v: Any) -> Term:
    """A tile extent: a constant or a size symbol (a symbolic constexpr such as BLOCK)."""
    n = static_int(v)
    if n is not None:
        return const(n)
    if isinstance(v, Lanes) and v.rank == 0 and v.ptr is None:
        return v.term
    raise TypeError(f"a tile extent must be an integer, got {v!r}")


class TlTable:
    """The builtins; the evaluator provides `decode`, `grid`, `loc`, `accesses` and counters."""

    decode: Decode
    grid: tuple[Term, Term, Term]
    loc: SourceLoc | None
    accesses: list[Access]
    loops: list[tuple[str, Term]]
    _bound: int
    _undef: int

    def _trans(self, t: Lanes) -> Lanes:
        if t.rank != 2:
            raise Unsupported("transpose of a tile that is not 2-D")
        return Lanes(subst(t.term, {"l0": L.lane(1), "l1": L.lane(0)}), (t.shape[1], t.shape[0]), t.dtype, t.ptr)

    # -- the tl.* table: program, memory ----------------------------------------------------------
    def tl_program_id(self, axis: Any) -> Lanes:
        return L.scalar(var(f"p{static_int(axis)}"), "int32")

    def tl_num_programs(self, axis: Any) -> Lanes:
        return L.scalar(self.grid[static_int(axis)], "int32")

    def tl_arange(self, start: Any, end: Any) -> Lanes:
        s, e = extent(start), extent(end)
        return Lanes(build.add(s, L.lane(0)), (build.sub(e, s),), "int32")

    def _access_shape(self, p: Lanes, *others: Any) -> tuple[Term, ...]:
        shapes = [p.shape] + [as_lanes(o).shape for o in others if o is not None]
        rank = max(len(s) for s in shapes)
        return L.broadcast_shapes(*[(ONE,) * (rank - len(s)) + s for s in shapes])

    def tl_load(self, pointer: Any, mask: Any = None, other: Any = None, **kw: Any) -> Lanes:
        p = as_lanes(pointer)
        if p.ptr is None:
            raise TypeError("tl.load needs a pointer")
        if kw:
            raise Unsupported(f"tl.load argument {sorted(kw)[0]!r}", self.loc)
        shape = self._access_shape(p, mask, other)
        p = L.broadcast_to(p, shape)
        m = L.broadcast_to(L.cast(as_lanes(mask), "int1"), shape).term if mask is not None else const(True)
        loops = tuple(self.loops)
        idx, how = self.decode(p.ptr, p.term, m, shape, self.loc, loops)
        self.accesses.append(Access("load", p.ptr, p.term, idx, m, shape, None, self.loc, how, loops))
        value = Term.make(Op.READ, idx, (p.ptr,))
        if mask is None:
            return Lanes(value, shape, p.dtype)
        if other is None:
            self._undef += 1
            lanes_ = [L.lane(k) for k in range(len(shape))] + [var(f"p{a}") for a in range(3)]
            o = build.call(f"undef{self._undef}", *lanes_)
        else:
            o = L.broadcast_to(L.cast(as_lanes(other), p.dtype), shape).term
        return Lanes(build.where(m, value, o), shape, p.dtype)

    def tl_store(self, pointer: Any, value: Any, mask: Any = None, **kw: Any) -> None:
        p = as_lanes(pointer)
        if p.ptr is None:
            raise TypeError("tl.store needs a pointer")
        if kw:
            raise Unsupported(f"tl.store argument {sorted(kw)[0]!r}", self.loc)
        v = as_lanes(value)
        shape = self._access_shape(p, v, mask)
        p, v = L.broadcast_to(p, shape), L.broadcast_to(v, shape)
        if v.dtype != p.dtype and (v.dtype == "int1" or v.dtype.startswith("int") != p.dtype.startswith("int")):
            v = L.cast(v, p.dtype)
        m = L.broadcast_to(L.cast(as_lanes(mask), "int1"), shape).term if mask is not None else const(True)
        loops = tuple(self.loops)
        idx, how = self.decode(p.ptr, p.term, m, shape, self.loc, loops)
        self.accesses.append(Access("store", p.ptr, p.term, idx, m, shape, v.term, self.loc, how, loops))

    # -- creation, shape ---------------------------------------------------------------------------
    def tl_full(self, shape: Any, value: Any, dtype: Any = None) -> Lanes:
        dims = tuple(extent(s) for s in (shape if isinstance(shape, (list, tuple)) else [shape]))
        v = as_lanes(value)
        dt = _dtype(dtype) if dtype is not None else v.dtype
        return Lanes(L.cast(v, dt).term, dims, dt)

    def tl_zeros(self, shape: Any, dtype: Any = None) -> Lanes:
        dt = _dtype(dtype) if dtype is not None else "fp32"
        return self.tl_full(shape, 0 if dt.startswith(("int", "uint")) else 0.0, DTypeV(dt))

    def tl_zeros_like(self, x: Any, dtype: Any = None) -> Lanes:
        t = as_lanes(x)
        return self.tl_zeros(list(t.shape), dtype or DTypeV(t.dtype))

    def tl_full_like(self, x: Any, value: Any, dtype: Any = None) -> Lanes:
        t = as_lanes(x)
        return self.tl_full(list(t.shape), value, dtype or DTypeV(t.dtype))

    def tl_broadcast_to(self, x: Any, *shape: Any) -> Lanes:
        dims = shape[0] if len(shape) == 1 and isinstance(shape[0], (list, tuple)) else shape
        return L.broadcast_to(as_lanes(x), tuple(extent(s) for s in dims))

    def tl_expand_dims(self, x: Any, axis: Any) -> Lanes:
        t = as_lanes(x)
        for a in axis if isinstance(axis, (list, tuple)) else [axis]:
            a = static_int(a)
            a = a + t.rank + 1 if a < 0 else a
            key: list[Any] = [slice(None)] * t.rank
            key.insert(a, None)
            t = L.expand(t, key)
        return t

    def tl_trans(self, x: Any, *dims: Any) -> Lanes:
        return self._trans(as_lanes(x))

    def tl_where(self, c: Any, x: Any, y: Any) -> Lanes:
        return L.where(c, x, y)

    def tl_cast(self, x: Any, dtype: Any, **kw: Any) -> Lanes:
        return L.cast(x, _dtype(dtype))

    def tl_fma(self, a: Any, b: Any, c: Any, **kw: Any) -> Lanes:
        return L.binary(Op.ADD, L.binary(Op.MUL, a, b), c)

    def tl_clamp(self, x: Any, lo: Any, hi: Any, **kw: Any) -> Lanes:
        return L.binary(Op.MIN, L.binary(Op.MAX, x, lo), hi)

    def tl_cdiv(self, a: Any, b: Any) -> Any:
        if _py_num(a) and _py_num(b):
            return -(-a // b)
        return L.binary(Op.FLOORDIV, L.binary(Op.SUB, L.binary(Op.ADD, a, b), 1), b)

    def tl_maximum(self, a: Any, b: Any, **kw: Any) -> Lanes:
        return L.binary(Op.MAX, a, b)

    def tl_minimum(self, a: Any, b: Any, **kw: Any) -> Lanes:
        return L.binary(Op.MIN, a, b)

    tl_fmax, tl_fmin = tl_maximum, tl_minimum

    def tl_pow(self, a: Any, b: Any) -> Lanes:
        return L.binary(Op.POW, a, b)

    def tl_div_rn(self, a: Any, b: Any, **kw: Any) -> Lanes:
        return L.binary(Op.DIV, a, b)

    tl_fdiv = tl_fast_dividef = tl_div_rn

    def tl_expm1(self, x: Any) -> Lanes:
        return L.binary(Op.SUB, L.unary(Op.EXP, x), 1.0)

    def tl_isnan(self, x: Any) -> Lanes:
        t = as_lanes(x)
        return Lanes(const(False), t.shape, "int1")  # NaN is not modelled: no real is NaN

    def tl_multiple_of(self, x: Any, *a: Any, **kw: Any) -> Any:
        return x

    tl_max_contiguous = tl_max_constancy = tl_multiple_of

    def tl_debug_barrier(self, *a: Any, **kw: Any) -> None:
        return None

    tl_device_print = tl_static_print = tl_device_assert = tl_assume = tl_debug_barrier

    def tl_static_assert(self, cond: Any, msg: Any = "", **kw: Any) -> None:
        if isinstance(cond, Lanes):
            raise Unsupported("static_assert on a symbolic value", self.loc)
        if not cond:
            raise SymexError(f"tl.static_assert failed: {msg}", self.loc)

    def tl_constexpr(self, x: Any = None) -> Any:
        return x

    def tl_next_power_of_2(self, n: Any) -> int:
        v = static_int(n)
        if v is None:
            raise Unsupported("next_power_of_2 of a symbolic value inside the kernel", self.loc)
        return 1 if v <= 1 else 1 << (v - 1).bit_length()

    # -- reductions and scans --------------------------------------------------------------------
    def _fresh(self) -> str:
        self._bound += 1
        return f"b{self._bound}"

    def reduce_axis(self, op: Op, t: Lanes, axis: int, keep: bool) -> Lanes:
        """A binder over [0, extent) of the lane body along `axis`."""
        if t.ptr is not None:
            raise TypeError("reduction of a pointer tile")
        a = axis + t.rank if axis < 0 else axis
        b = self._fresh()
        body = subst(t.term, {f"l{a}": var(b)})
        term = build.binder(op, b, 0, t.shape[a], body)
        shape = list(t.shape)
        if keep:
            shape[a] = ONE
        else:
            del shape[a]
            term = subst(term, {f"l{k}": L.lane(k - 1) for k in range(a + 1, t.rank)})
        dt = "int32" if op in (Op.ARGMAX, Op.ARGMIN) else ("int32" if t.dtype == "int1" else t.dtype)
        return Lanes(term, tuple(shape), dt)

    def tl_reduce(self, input: Any, axis: Any, combine_fn: Any, keep_dims: bool = False) -> Lanes:
        """`tl.reduce` with a combine function that is +, ·, max or min of its two arguments
        (found by running it on two opaque scalars): the corresponding binder."""
        x = as_lanes(input)
        a = Lanes(Term.make(Op.READ, (), ("%combine.a",)), (), x.dtype)
        b = Lanes(Term.make(Op.READ, (), ("%combine.b",)), (), x.dtype)
        r = self.call_function(combine_fn, [a, b], {})  # type: ignore[attr-defined]
        t = as_lanes(r).term if isinstance(r, (Lanes, int, float)) else None
        op = None
        if t is not None and t.op in (Op.ADD, Op.MUL, Op.MAX, Op.MIN) and set(t.args) == {a.term, b.term}:
            op = {Op.ADD: Op.SUM, Op.MUL: Op.PROD, Op.MAX: Op.MAXR, Op.MIN: Op.MINR}[t.op]
        elif t is not None and t.op is Op.WHERE and t.args[0].op in (Op.GT, Op.LT) and \
                set(t.args[0].args) == {a.term, b.term} and {t.args[1], t.args[2]} == {a.term, b.term}:
            bigger = (t.args[0].op is Op.GT) == (t.args[0].args[0] is t.args[1])
            op = Op.MAXR if bigger else Op.MINR
        if op is None:
            raise Unsupported("tl.reduce with a combine function other than +, ·, max or min", self.loc)
        return self._reduce(op, x, axis, keep_dims)

    def tl_dot(self, a: Any, b: Any, acc: Any = None, out_dtype: Any = None, input_precision: Any = None,
               allow_tf32: Any = None, max_num_imprecise_acc: Any = None) -> Lanes:
        """[M, K] @ [K, N] as Σ_{k∈[0,K)} a[l0, k]·b[k, l1] (plus acc): a binder over the shared
        axis, like a reduction (precision options are not modelled: real arithmetic)."""
        x, y = as_lanes(a), as_lanes(b)
        if x.rank != 2 or y.rank != 2:
            raise Unsupported("tl.dot of tiles that are not 2-D", self.loc)
        if x.shape[1] is not y.shape[0]:
            raise Unsupported("tl.dot with inner extents that cannot be shown equal", self.loc)
        k = self._fresh()
        body = build.mul(subst(x.term, {"l1": var(k)}), subst(y.term, {"l0": var(k), "l1": L.lane(1)}))
        dt = _dtype(out_dtype) if out_dtype is not None else ("fp32" if x.dtype.startswith(("fp", "bf")) else "int32")
        out = Lanes(build.binder(Op.SUM, k, 0, x.shape[1], body), (x.shape[0], y.shape[1]), dt)
        return out if acc is None else L.binary(Op.ADD, acc, out)

    def _reduce(self, op: Op, x: Any, axis: Any, keep: bool) -> Lanes:
        t = as_lanes(x)
        if t.rank == 0:
            return t
        if axis is None:
            for a in reversed(range(t.rank)):
                t = self.reduce_axis(op, t, a, keep)
            return t
        return self.reduce_axis(op, t, static_int(axis), keep)

    def _red(self, op: Op, x: Any, axis: Any = None, return_indices: bool = False,
             return_indices_tie_break_left: bool = True, keep_dims: bool = False, **kw: Any) -> Any:
        if kw:
            raise Unsupported(f"reduction argument {sorted(kw)[0]!r}", self.loc)
        if return_indices:
            if not return_indices_tie_break_left:
                raise Unsupported("return_indices without tie_break_left", self.loc)
            arg = Op.ARGMAX if op is Op.MAXR else Op.ARGMIN
            return self._reduce(op, x, axis, keep_dims), self._reduce(arg, x, axis, keep_dims)
        return self._reduce(op, x, axis, keep_dims)

    def tl_sum(self, x: Any, axis: Any = None, keep_dims: bool = False, dtype: Any = None, **kw: Any) -> Lanes:
        t = as_lanes(x)
        if dtype is not None:
            t = L.cast(t, _dtype(dtype))
        return self._red(Op.SUM, t, axis, keep_dims=keep_dims, **kw)

    def tl_max(self, x: Any, axis: Any = None, *a: Any, **kw: Any) -> Any:
        return self._red(Op.MAXR, x, axis, *a, **kw)

    def tl_min(self, x: Any, axis: Any = None, *a: Any, **kw: Any) -> Any:
        return self._red(Op.MINR, x, axis, *a, **kw)

    def tl_argmax(self, x: Any, axis: Any, tie_break_left: bool = True, keep_dims: bool = False) -> Lanes:
        if not tie_break_left:
            raise Unsupported("argmax without tie_break_left", self.loc)
        return self._reduce(Op.ARGMAX, x, axis, keep_dims)

    def tl_argmin(self, x: Any, axis: Any, tie_break_left: bool = True, keep_dims: bool = False) -> Lanes:
        if not tie_break_left:
            raise Unsupported("argmin without tie_break_left", self.loc)
        return self._reduce(Op.ARGMIN, x, axis, keep_dims)

    def tl_cumsum(self, x: Any, axis: Any = 0, reverse: bool = False, dtype: Any = None) -> Lanes:
        """Inclusive prefix sum: lane l of the axis is Σ over [0, l + 1) of the lane body."""
        t = as_lanes(x)
        if reverse:
            raise Unsupported("reverse scans", self.loc)
        if dtype is not None:
            t = L.cast(t, _dtype(dtype))
        elif t.dtype == "int1":
            t = L.cast(t, "int32")
        a = static_int(axis)
        a = a + t.rank if a < 0 else a
        b = self._fresh()
        body = subst(t.term, {f"l{a}": var(b)})
        return Lanes(build.binder(Op.SUM, b, 0, build.add(L.lane(a), 1), body), t.shape, t.dtype)


PERF_KWARGS = {"cache_modifier", "eviction_policy", "volatile", "num_stages", "loop_unroll_factor",
               "disallow_acc_multi_buffer", "flatten", "warp_specialize", "input_precision", "allow_tf32",
               "max_num_imprecise_acc", "sanitize_overflow", "boundary_check", "padding_option",
               "can_reorder", "propagate_nan"}
UNARY_MATH = {"exp": Op.EXP, "exp2": Op.EXP2, "log": Op.LOG, "log2": Op.LOG2, "log1p": Op.LOG1P,
              "sqrt": Op.SQRT, "sqrt_rn": Op.SQRT, "rsqrt": Op.RSQRT, "abs": Op.ABS, "fabs": Op.ABS,
              "sin": Op.SIN, "cos": Op.COS, "tanh": Op.TANH, "erf": Op.ERF, "sigmoid": Op.SIGMOID,
              "floor": Op.FLOOR, "ceil": Op.CEIL, "fast_expf": Op.EXP, "fast_logf": Op.LOG}
MATH = {"log": math.log, "log2": math.log2, "sqrt": math.sqrt, "exp": math.exp, "ceil": math.ceil,
        "floor": math.floor, "isqrt": math.isqrt}


def _dtype(v: Any) -> str:
    if isinstance(v, DTypeV):
        return v.name
    raise TypeError(f"expected a dtype, got {v!r}")


def _py_num(v: Any) -> bool:
    return isinstance(v, (int, float, bool)) and not isinstance(v, Lanes)
