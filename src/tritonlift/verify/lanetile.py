"""Tiles as functions of their lane index: the values of the lane-symbolic evaluator.

A tile of shape (s0, ..., s{r-1}) is one DSL term over the lane variables `l0 ... l{r-1}` (axis
k uses `lk`) plus its extents, which are terms too (`BLOCK` may be a size symbol). A broadcast
axis has extent 1 and its lane variable does not occur. `tl.arange(0, B)` is `l0` with extent B;
`x[:, None]` keeps `l0` and adds an axis; `x[None, :]` renames `l0` to `l1`. Broadcasting aligns
shapes on the right, renaming lanes accordingly. A pointer tile's term is an element offset into
the tensor it names. Typing follows the symbolic executor (`symex.values.promote`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..dsl import build
from ..dsl.term import ExactQuotient, Op, Term, const, var
from ..errors import Unsupported
from ..symex.values import DTypeV, is_float, is_int, promote
from .termops import subst


def lane(k: int) -> Term:
    return var(f"l{k}")


@dataclass(frozen=True)
class Lanes:
    term: Term
    shape: tuple[Term, ...]
    dtype: str
    ptr: str | None = None  # tensor name, for pointer tiles

    @property
    def rank(self) -> int:
        return len(self.shape)


ONE = const(1)


def scalar(t: Term | Any, dtype: str) -> Lanes:
    return Lanes(build.as_term(t), (), dtype)


def py_dtype(v: Any, other: Lanes | None = None) -> str:
    """The dtype a Python scalar takes (next to a tile, Triton keeps the tile's type when it can)."""
    if isinstance(v, bool):
        return "int1"
    if isinstance(v, int):
        if other is not None and is_int(other.dtype) and other.dtype != "int1":
            return other.dtype
        return "int32" if -(2**31) <= v < 2**31 else "int64"
    if isinstance(v, float):
        return other.dtype if other is not None and is_float(other.dtype) else "fp32"
    raise TypeError(f"not a number: {v!r}")


def as_lanes(v: Any, other: Lanes | None = None) -> Lanes:
    if isinstance(v, Lanes):
        return v
    if isinstance(v, ExactQuotient):  # 1.0 / 6.0: the real number 1/6, as a term
        return scalar(v.term, py_dtype(float(v), other))
    if isinstance(v, Term):
        return scalar(v, "fp32")
    if v is None:
        raise TypeError("None used as a value")
    if isinstance(v, DTypeV):
        raise TypeError("a dtype used as a value")
    if isinstance(v, float) and math.isnan(v):
        raise Unsupported("NaN constants are not modelled")
    return scalar(const(v), py_dtype(v, other))


def align(t: Lanes, rank: int) -> Lanes:
    """Prepend broadcast axes so that `t` has `rank` axes (lanes shift right)."""
    d = rank - t.rank
    if d <= 0:
        return t
    env = {f"l{k}": lane(k + d) for k in range(t.rank)}
    return Lanes(subst(t.term, env), (ONE,) * d + t.shape, t.dtype, t.ptr)


def broadcast_shapes(*shapes: tuple[Term, ...]) -> tuple[Term, ...]:
    rank = max((len(s) for s in shapes), default=0)
    out: list[Term] = []
    for k in range(rank):
        ext = ONE
        for s in shapes:
            e = s[k - rank + len(s)] if k - rank + len(s) >= 0 else ONE
            if e is ONE or e is ext:
                continue
            if ext is ONE:
                ext = e
            else:
                raise Unsupported(f"tile extents {ext} and {e} cannot be shown equal")
        out.append(ext)
    return tuple(out)


def broadcast_to(t: Lanes, shape: tuple[Term, ...]) -> Lanes:
    t = align(t, len(shape))
    for a, b in zip(t.shape, shape, strict=True):
        if a is not ONE and a is not b:
            raise Unsupported(f"cannot broadcast a tile of extent {a} to {b}")
    return Lanes(t.term, shape, t.dtype, t.ptr)


def expand(t: Lanes, key: list[Any]) -> Lanes:
    """`t[:, None]`-style indexing: `slice(None)` keeps an axis, None inserts one."""
    if any(k is Ellipsis for k in key):
        n_new = sum(1 for k in key if k is None)
        i = key.index(Ellipsis)
        key = key[:i] + [slice(None)] * (t.rank - (len(key) - 1 - n_new)) + key[i + 1:]
    old = 0
    shape: list[Term] = []
    env: dict[str, Term] = {}
    for k in key:
        if k is None:
            shape.append(ONE)
        else:
            env[f"l{old}"] = lane(len(shape))
            shape.append(t.shape[old])
            old += 1
    if old != t.rank:
        raise Unsupported(f"indexing a rank-{t.rank} tile with {len(key)} entries")
    return Lanes(subst(t.term, env), tuple(shape), t.dtype, t.ptr)


def _bool_as_int(t: Lanes) -> Lanes:
    if t.dtype != "int1":
        return t
    return Lanes(build.where(t.term, 1, 0), t.shape, "int32")


ARITH = {Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.FLOORDIV, Op.MOD, Op.POW, Op.MIN, Op.MAX}
CMP = {Op.LT, Op.LE, Op.GT, Op.GE, Op.EQ, Op.NE}


def binary(op: Op, x: Any, y: Any) -> Lanes:
    a = as_lanes(x, y if isinstance(y, Lanes) else None)
    b = as_lanes(y, a)
    if a.ptr is not None or b.ptr is not None:
        return _pointer(op, a, b)
    rank = max(a.rank, b.rank)
    a, b = align(a, rank), align(b, rank)
    shape = broadcast_shapes(a.shape, b.shape)
    if op in CMP or op in (Op.AND, Op.OR):
        dt = "int1"
    elif op in (Op.DIV, Op.POW):
        p = promote(a.dtype, b.dtype)
        dt = p if is_float(p) else "fp32"
    else:
        dt = promote(a.dtype, b.dtype)
    if op in ARITH and (a.dtype == "int1" or b.dtype == "int1"):
        a, b = _bool_as_int(a), _bool_as_int(b)
    if op in (Op.BAND, Op.BOR) and dt == "int1":
        op = Op.AND if op is Op.BAND else Op.OR
    if op in (Op.BAND, Op.BOR, Op.BXOR, Op.SHL, Op.SHR):  # on integers: encode.py's bitwise section
        if not (is_int(a.dtype) and is_int(b.dtype)):
            raise Unsupported(f"bitwise {op.name.lower()} on a floating-point value")
        if op in (Op.SHL, Op.SHR):
            dt = a.dtype
    if op is Op.FLOORDIV and not (is_int(a.dtype) and is_int(b.dtype)):
        return Lanes(build.unary(Op.FLOOR, build.div(a.term, b.term)), shape, dt)
    if op is Op.MOD and not (is_int(a.dtype) and is_int(b.dtype)):
        raise Unsupported("floating-point % is not modelled by the prover")
    return Lanes(build.apply(op, a.term, b.term), shape, dt)


def _pointer(op: Op, a: Lanes, b: Lanes) -> Lanes:
    rank = max(a.rank, b.rank)
    a, b = align(a, rank), align(b, rank)
    shape = broadcast_shapes(a.shape, b.shape)
    if op is Op.ADD and (a.ptr is None) != (b.ptr is None):
        p, o = (a, b) if a.ptr is not None else (b, a)
        if is_float(o.dtype):
            raise TypeError("a pointer offset must be an integer")
        return Lanes(build.add(p.term, _bool_as_int(o).term), shape, p.dtype, p.ptr)
    if op is Op.SUB and a.ptr is not None and b.ptr is None:
        return Lanes(build.sub(a.term, b.term), shape, a.dtype, a.ptr)
    if op in CMP | {Op.SUB} and a.ptr is not None and a.ptr == b.ptr:
        return binary(op, Lanes(a.term, a.shape, "int64"), Lanes(b.term, b.shape, "int64"))
    raise Unsupported(f"pointer arithmetic {op.name.lower()}")


def unary(op: Op, x: Any) -> Lanes:
    t = as_lanes(x)
    if op is Op.NOT:
        if t.dtype != "int1":
            return Lanes(build.compare(Op.EQ, t.term, 0), t.shape, "int1")
        return Lanes(build.logical_not(t.term), t.shape, "int1")
    dt = t.dtype
    if op not in (Op.NEG, Op.ABS, Op.FLOOR, Op.CEIL) and not is_float(dt):
        dt = "fp32"
    if op is Op.TRUNC:
        dt = "int32"
    return Lanes(build.apply(op, _bool_as_int(t).term), t.shape, dt)


def where(c: Any, x: Any, y: Any) -> Lanes:
    ct = as_lanes(c)
    a = as_lanes(x, y if isinstance(y, Lanes) else None)
    b = as_lanes(y, a)
    rank = max(ct.rank, a.rank, b.rank)
    ct, a, b = align(ct, rank), align(a, rank), align(b, rank)
    shape = broadcast_shapes(ct.shape, a.shape, b.shape)
    if a.ptr is not None or b.ptr is not None:
        if a.ptr != b.ptr:
            raise Unsupported("tl.where over pointers into different tensors")
        dt, ptr = a.dtype, a.ptr
    else:
        dt, ptr = promote(a.dtype, b.dtype), None
    cond = ct.term if ct.dtype == "int1" else build.compare(Op.NE, ct.term, 0)
    return Lanes(build.where(cond, a.term, b.term), shape, dt, ptr)


def cast(x: Any, dtype: str) -> Lanes:
    """`.to(dtype)`: float types are the identity on reals, float to int truncates, a number to
    bool compares with zero, bool to a number is 0/1. Integer wrap-around is not modelled."""
    t = as_lanes(x)
    if t.ptr is not None:
        return Lanes(t.term, t.shape, dtype, t.ptr)
    src = t.dtype
    if dtype == "int1":
        return t if src == "int1" else Lanes(build.compare(Op.NE, t.term, 0), t.shape, "int1")
    if src == "int1":
        one, zero = (1, 0) if is_int(dtype) else (1.0, 0.0)
        return Lanes(build.where(t.term, one, zero), t.shape, dtype)
    if is_int(dtype) and is_float(src):
        return Lanes(build.unary(Op.TRUNC, t.term), t.shape, dtype)
    return Lanes(t.term, t.shape, dtype)
