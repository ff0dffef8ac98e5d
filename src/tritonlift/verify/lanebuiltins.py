"""The prover's side of the `tl.*` table (`symex/builtins.py`): the domain hooks `tl_<name>`.

Each hook maps tiles (`Lanes`) to tiles. Memory builtins record an `Access` (the decoded
index of every lane, the mask, the lane extents and, for a store, the value); reductions over a
tile axis become binder terms over [0, extent) of the lane body (a scan over [0, lane + 1)).
Keyword arguments that only tune performance are accepted and ignored; any other unknown one, and
any builtin not listed, is refused by the evaluator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..dsl import build
from ..dsl.term import Op, Term, const, var
from ..errors import SourceLoc, Unsupported
from ..symex.builtins import dtype_name
from . import lanetile as L
from .lanetile import ONE, Lanes, as_lanes
from .termops import subst


@dataclass(frozen=True)
class Access:
    """One load or store site, for every program and lane: `index` is the decoded logical index
    (terms over program ids, lanes and sizes), `mask` a boolean term (true when unmasked),
    `shape` the lane extents, `value` the stored term. `loops` are the enclosing loops over
    symbolic trip counts, innermost last: (iteration variable, trip count); the access happens
    for every iteration 0 ≤ t < K of each (`vcgen.Evaluator.symbolic_for`)."""

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


class LaneBuiltins:
    """The prover's domain hooks; the evaluator provides `decode`, `grid`, `loc`, `accesses` and
    counters."""

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

    def _on_path(self, mask: Term) -> Term:
        """An access happens where its mask holds on the current path (a symbolic branch's side)."""
        active = getattr(self, "active", True)
        return mask if active is True else build.logical_and(active, mask)

    # -- the tl.* table: program, memory ----------------------------------------------------------
    def tl_program_id(self, axis: Any) -> Lanes:
        a = static_int(axis)
        return L.scalar(const(0) if self.grid[a] is const(1) else var(f"p{a}"), "int32")

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
        on = self._on_path(m)
        idx, how = self.decode(p.ptr, p.term, on, shape, self.loc, loops)
        self.accesses.append(Access("load", p.ptr, p.term, idx, on, shape, None, self.loc, how, loops))
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
        m = self._on_path(m)
        idx, how = self.decode(p.ptr, p.term, m, shape, self.loc, loops)
        self.accesses.append(Access("store", p.ptr, p.term, idx, m, shape, v.term, self.loc, how, loops))

    # -- creation, shape ---------------------------------------------------------------------------
    def tl_full(self, shape: Any, value: Any, dtype: Any = None) -> Lanes:
        dims = tuple(extent(s) for s in (shape if isinstance(shape, (list, tuple)) else [shape]))
        v = as_lanes(value)
        dt = dtype_name(dtype) if dtype is not None else v.dtype
        return Lanes(L.cast(v, dt).term, dims, dt)

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

    # -- random numbers and bit tricks: the same uninterpreted functions as symex/tilebuiltins.py --
    def tl_umulhi(self, a: Any, b: Any) -> Lanes:
        return _apply("umulhi", [a, b], as_lanes(a).dtype)

    def tl_philox(self, seed: Any, c0: Any, c1: Any, c2: Any, c3: Any, n_rounds: Any = None) -> tuple:
        """Philox 4x32: four uninterpreted functions of (seed, counters). A proof about it shows
        that the kernel passes the generator the inputs the formula names, nothing about its bits."""
        return tuple(_apply(f"philox{k}", [seed, c0, c1, c2, c3], "uint32") for k in range(4))

    def tl_uint_to_uniform_float(self, x: Any) -> Lanes:
        return _apply("uint_to_uniform_float", [x], "fp32")

    def tl_rand(self, seed: Any, offset: Any, *rest: Any, **kw: Any) -> Lanes:
        return _apply("rand", [seed, offset], "fp32")

    def tl_randn(self, seed: Any, offset: Any, *rest: Any, **kw: Any) -> Lanes:
        return _apply("randn", [seed, offset], "fp32")

    def tl_randint(self, seed: Any, offset: Any, *rest: Any, **kw: Any) -> Lanes:
        return _apply("randint", [seed, offset], "uint32")

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
        dt = dtype_name(out_dtype) if out_dtype is not None else ("fp32" if x.dtype.startswith(("fp", "bf")) else "int32")
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

    def reduction(self, op: str, t: Any, axis: Any, keep_dims: bool, index: bool, tie_break_left: bool) -> Any:
        o = {"sum": Op.SUM, "max": Op.MAXR, "min": Op.MINR}[op]
        if not index:
            return self._reduce(o, t, axis, keep_dims)
        if not tie_break_left:
            raise Unsupported(f"arg{op} without tie_break_left", self.loc)
        arg = Op.ARGMAX if op == "max" else Op.ARGMIN
        return self._reduce(o, t, axis, keep_dims), self._reduce(arg, t, axis, keep_dims)

    def scan(self, op: str, t: Any, axis: int, reverse: bool) -> Lanes:
        """Inclusive prefix sum: lane l of the axis is Σ over [0, l + 1) of the lane body."""
        if reverse or op != "sum":
            raise Unsupported(f"{'reverse ' if reverse else ''}{op} scans are not modelled by the prover", self.loc)
        x = as_lanes(t)
        a = axis + x.rank if axis < 0 else axis
        b = self._fresh()
        body = subst(x.term, {f"l{a}": var(b)})
        return Lanes(build.binder(Op.SUM, b, 0, build.add(L.lane(a), 1), body), x.shape, x.dtype)


def _apply(name: str, xs: list[Any], dtype: str) -> Lanes:
    """The uninterpreted function `name` applied lane-wise to broadcast operands."""
    ts = [as_lanes(x) for x in xs]
    rank = max(t.rank for t in ts)
    ts = [L.align(t, rank) for t in ts]
    shape = L.broadcast_shapes(*(t.shape for t in ts))
    return Lanes(build.call(name, *(L.broadcast_to(t, shape).term for t in ts)), shape, dtype)
