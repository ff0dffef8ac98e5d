"""Reductions, scans and dot products over tiles, lane-exact.

Reductions fold left to right along the axis (over the reals the association order does not
matter; a left fold keeps the specification readable). Combiners of `tl.reduce` and
`tl.associative_scan` are jit functions, called on whole slices (vectorised over the other axes).
`tl.reduce` with a jit combine function folds as a balanced tree instead (`fold(..., tree=True)`,
neighbours combined in order, as Triton's own reduction tree does): a left fold of a Welford
combine over 1024 lanes nests its terms 1024 deep, past what Python can walk; the tree nests
them log2(1024) = 10 deep. The combine must be associative (Triton requires it), so both orders
give the same value; a combine that is not commutative still sees its left operand first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..dsl.term import Op
from . import ops
from .fixedwidth import wrap
from .values import Tile, as_objects, is_int


def _norm_axis(axis, ndim: int) -> int:
    if axis is None:
        return 0
    a = int(axis)
    if not -ndim <= a < ndim:
        raise ValueError(f"axis {a} out of range for a rank-{ndim} tile")
    return a % ndim


def _prep(ts: Sequence[Tile], axis) -> tuple[list[Tile], int]:
    if axis is None:
        ts = [Tile(t.data.reshape(-1), t.dtype) for t in ts]
    if ts[0].data.ndim == 0:
        ts = [Tile(t.data.reshape(1), t.dtype) for t in ts]
    return list(ts), _norm_axis(axis, ts[0].data.ndim)


def _slices(t: Tile, axis: int) -> list[Tile]:
    shape = t.data.shape[:axis] + t.data.shape[axis + 1:]
    return [Tile(np.take(t.data, [k], axis=axis).reshape(shape), t.dtype) for k in range(t.data.shape[axis])]


def fold(ts: Sequence[Tile], axis, combine: Callable[[list[Tile], list[Tile]], list[Tile]],
         keep_dims: bool = False, tree: bool = False) -> list[Tile]:
    """Left fold of `combine` over `axis` of the tiles (all of one shape); with `tree`, a balanced
    fold: adjacent partial results combined pairwise, left operand first, level by level."""
    ts, ax = _prep(ts, axis)
    if ts[0].data.shape[ax] == 0:
        raise ValueError("reduction over an empty axis")
    columns = [_slices(t, ax) for t in ts]
    if tree:
        level = [[c[k] for c in columns] for k in range(len(columns[0]))]
        while len(level) > 1:
            pairs = [combine(level[k], level[k + 1]) for k in range(0, len(level) - 1, 2)]
            level = pairs + level[len(level) - len(level) % 2:]
        acc = level[0]
    else:
        acc = [c[0] for c in columns]
        for k in range(1, len(columns[0])):
            acc = combine(acc, [c[k] for c in columns])
    if keep_dims:
        acc = [Tile(np.expand_dims(a.data, ax), a.dtype) for a in acc]
        if axis is None:
            shape = (1,) * ts[0].data.ndim
            acc = [Tile(a.data.reshape(shape), a.dtype) for a in acc]
    return acc


def scan(ts: Sequence[Tile], axis, combine: Callable[[list[Tile], list[Tile]], list[Tile]],
         reverse: bool = False) -> list[Tile]:
    """Inclusive prefix scan of `combine` along `axis`."""
    ts = list(ts)
    ax = _norm_axis(axis, ts[0].data.ndim)
    columns = [_slices(t, ax) for t in ts]
    n = len(columns[0])
    order = range(n - 1, -1, -1) if reverse else range(n)
    outs: list[list[Tile]] = [[None] * n for _ in ts]  # type: ignore[list-item]
    acc: list[Tile] | None = None
    for k in order:
        cur = [c[k] for c in columns]
        acc = cur if acc is None else (combine(cur, acc) if reverse else combine(acc, cur))
        for j, a in enumerate(acc):
            outs[j][k] = a
    result = []
    for j in range(len(ts)):
        datas = [o.data for o in outs[j]]
        if any(d.dtype == object for d in datas):
            datas = [as_objects(d) for d in datas]
        result.append(Tile(np.stack(datas, axis=ax), outs[j][0].dtype))
    return result


def _sum_dtype(dt: str) -> str:
    """The type a sum or product accumulates in when the caller named none (`tl.sum`, `tl.reduce`
    of `+`): booleans count in int32 (narrower integers are widened before, by `builtins.sum_dtype`)."""
    return "int32" if dt == "int1" else dt


def op_combine(op: Op) -> Callable[[list[Tile], list[Tile]], list[Tile]]:
    return lambda a, b: [ops.binary(op, a[0], b[0])]


def reduce_op(t: Tile, axis, op: Op, keep_dims: bool = False) -> Tile:
    if t.data.dtype != object and op in (Op.ADD, Op.MAX, Op.MIN, Op.MUL):
        d = t.data.astype(np.int64) if t.data.dtype == bool else t.data
        fn = {Op.ADD: np.sum, Op.MAX: np.max, Op.MIN: np.min, Op.MUL: np.prod}[op]
        r = fn(d, axis=None if axis is None else int(axis), keepdims=keep_dims)
        if keep_dims and axis is None:
            r = np.reshape(r, (1,) * d.ndim)
        dt = _sum_dtype(t.dtype) if op in (Op.ADD, Op.MUL) else t.dtype
        return Tile(wrap(np.asarray(r), dt), dt)
    (r,) = fold([t], axis, op_combine(op), keep_dims)
    if op in (Op.ADD, Op.MUL):
        r = Tile(r.data, _sum_dtype(t.dtype))
    return r


def arg_combine(op: Op, tie_break_left: bool = True):
    """(value, index) pairs: keep the better value; on ties keep the smaller index."""
    strict = Op.GT if op is Op.MAX else Op.LT

    def combine(a: list[Tile], b: list[Tile]) -> list[Tile]:
        va, ia = a
        vb, ib = b
        better = ops.binary(strict, vb, va)
        if not tie_break_left:
            better = ops.binary(Op.OR, better, ops.binary(Op.EQ, vb, va))
        return [ops.where(better, vb, va), ops.where(better, ib, ia)]

    return combine


def reduce_with_index(t: Tile, axis, op: Op, keep_dims: bool = False, tie_break_left: bool = True) -> tuple[Tile, Tile]:
    ts, ax = _prep([t], axis)
    data = ts[0].data
    shape = [1] * data.ndim
    shape[ax] = data.shape[ax]
    idx = Tile(np.broadcast_to(np.arange(data.shape[ax]).reshape(shape), data.shape).copy(), "int32")
    v, i = fold([ts[0], idx], ax, arg_combine(op, tie_break_left), keep_dims)
    if axis is None and keep_dims:
        v = Tile(v.data.reshape((1,) * t.data.ndim), v.dtype)
        i = Tile(i.data.reshape((1,) * t.data.ndim), i.dtype)
    return v, i


def dot(a: Tile, b: Tile, acc: Tile | None, out_dtype: str | None = None) -> Tile:
    if a.data.ndim not in (2, 3) or a.data.ndim != b.data.ndim:
        raise ValueError("tl.dot needs two rank-2 (or rank-3) tiles")
    if a.data.shape[-1] != b.data.shape[-2]:
        raise ValueError(f"tl.dot shapes {a.data.shape} and {b.data.shape} do not match")
    dt = out_dtype or ("int32" if is_int(a.dtype) and is_int(b.dtype) else "fp32")
    if a.data.dtype != object and b.data.dtype != object:
        r = np.matmul(a.data, b.data)
        out = Tile(wrap(r.astype(np.int64), dt) if is_int(dt) else r.astype(np.float64), dt)
    else:
        # products summed left to right over k, as Σ_k a[i,k]·b[k,j]
        K = a.data.shape[-1]
        total: Tile | None = None
        for k in range(K):
            ak = Tile(np.take(a.data, [k], axis=-1), a.dtype)
            bk = Tile(np.take(b.data, [k], axis=-2), b.dtype)
            prod = ops.binary(Op.MUL, ak, bk)
            total = prod if total is None else ops.binary(Op.ADD, total, prod)
        assert total is not None
        out = Tile(total.data, dt)
    if acc is not None:
        out = ops.binary(Op.ADD, acc, out)
    return out
