"""Element-wise operations on executor values, with Triton's typing and C integer semantics.

Concrete lanes are computed with numpy (float64 for `+ - * /` of float constants, as documented
in dsl.build). Integer lanes are fixed-width as in Triton: operands are converted to the
computation type and every constant result is wrapped into its dtype (`fixedwidth`).
Transcendental functions of constants stay symbolic (`exp(0.5)` is a term, not a float) unless
the value is exact, so nothing is silently rounded.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dsl.term import Op
from .fixedwidth import check_scalar, wrap
from .values import (
    Tile,
    as_objects,
    is_float,
    is_int,
    operand_dtype,
    promote,
    symbolic_apply,
    to_tile,
)

ARITH = {Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.FLOORDIV, Op.MOD, Op.POW, Op.MIN, Op.MAX}
CMP = {Op.LT, Op.LE, Op.GT, Op.GE, Op.EQ, Op.NE}
LOGIC = {Op.AND, Op.OR, Op.BAND, Op.BOR, Op.BXOR, Op.SHL, Op.SHR}
EXACT_UNARY = {Op.NEG, Op.ABS, Op.FLOOR, Op.CEIL, Op.TRUNC, Op.NOT}


def c_floordiv(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    q = np.abs(a) // np.abs(b)
    return np.where((a >= 0) == (b >= 0), q, -q)


def _numeric_binary(op: Op, a: np.ndarray, b: np.ndarray, ints: bool) -> np.ndarray:
    if op is Op.ADD:
        return a + b
    if op is Op.SUB:
        return a - b
    if op is Op.MUL:
        return a * b
    if op is Op.DIV:
        return np.asarray(a, dtype=np.float64) / b
    if op is Op.FLOORDIV:
        return c_floordiv(a, b) if ints else np.floor(a / b)
    if op is Op.MOD:
        return a - b * c_floordiv(a, b) if ints else np.fmod(a, b)
    if op is Op.MIN:
        return np.minimum(a, b)
    if op is Op.MAX:
        return np.maximum(a, b)
    if op is Op.POW:
        return np.power(np.asarray(a, dtype=np.float64), b)
    if op is Op.LT:
        return a < b
    if op is Op.LE:
        return a <= b
    if op is Op.GT:
        return a > b
    if op is Op.GE:
        return a >= b
    if op is Op.EQ:
        return a == b
    if op is Op.NE:
        return a != b
    if op in (Op.AND, Op.BAND):
        return np.logical_and(a, b) if a.dtype == bool else a & b
    if op in (Op.OR, Op.BOR):
        return np.logical_or(a, b) if a.dtype == bool else a | b
    if op is Op.BXOR:
        return a ^ b
    if op is Op.SHL:
        return a << b
    if op is Op.SHR:
        return a >> b
    raise NotImplementedError(op)


def binary(op: Op, x: Any, y: Any) -> Any:
    """`x op y` for tiles and Python scalars (both Python: computed in Python)."""
    if not isinstance(x, Tile) and not isinstance(y, Tile):
        xt, yt = to_tile(x), to_tile(y)
        r = binary(op, xt, yt)
        return r
    dx, dy = operand_dtype(x, y), operand_dtype(y, x)
    a, b = to_tile(x), to_tile(y)
    if a.ptr is not None or b.ptr is not None:
        return _pointer_arith(op, a, b)
    if op in CMP or op in (Op.AND, Op.OR):
        out_dt = "int1"
    elif op is Op.DIV:
        out_dt = promote(dx, dy) if is_float(promote(dx, dy)) else "fp32"
    elif op is Op.POW:
        out_dt = promote(dx, dy) if is_float(promote(dx, dy)) else "fp32"
    else:
        out_dt = promote(dx, dy)
    ints = is_int(dx) and is_int(dy)
    if op in ARITH and (dx == "int1" or dy == "int1"):
        # int1 in arithmetic is the integer 0/1 (Triton promotes it)
        a, b = _bool_as_int(a, dx), _bool_as_int(b, dy)
    if ints:
        a, b = _to_computation_type(x, a, y, b, promote(dx, dy))
    da, db = a.data, b.data
    if da.dtype != object and db.dtype != object:
        if op in (Op.FLOORDIV, Op.MOD) and ints and np.any(db == 0):
            raise ZeroDivisionError("integer division by zero")
        if op is Op.DIV and (np.any(db == 0) or not _exact_division(da, db)):
            # keep the real quotient (1/3), not its float64 rounding
            return Tile(symbolic_apply(op, da, db), out_dt)
        if op in (Op.BAND, Op.BOR) and da.dtype == bool and db.dtype == bool:
            return Tile(_numeric_binary(op, da, db, ints), "int1")
        with np.errstate(all="ignore"):
            res = _numeric_binary(op, da, db, ints)
        if out_dt == "int1":
            res = res.astype(bool)
        elif is_int(out_dt):
            res = wrap(res.astype(np.int64), out_dt)
        else:
            res = res.astype(np.float64)
        return Tile(res, out_dt)
    if op in (Op.BAND, Op.BOR) and out_dt == "int1":
        op = Op.AND if op is Op.BAND else Op.OR
    if op is Op.FLOORDIV and not ints:
        return Tile(symbolic_apply(Op.FLOOR, symbolic_apply(Op.DIV, da, db)), out_dt)
    res = symbolic_apply(op, da, db)
    return Tile(wrap(res, out_dt) if is_int(out_dt) else res, out_dt)


def _to_computation_type(x: Any, a: Tile, y: Any, b: Tile, comp: str) -> tuple[Tile, Tile]:
    """Both integer operands in the computation type `comp` (Triton's
    `binary_op_type_checking_impl`): a Python int must fit it, a tile is converted (an int32 -1
    next to a uint32 is 2**32 - 1)."""
    if comp == "int1":
        return a, b
    for v in (x, y):
        if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
            check_scalar(int(v), comp)
    return Tile(wrap(a.data, comp), a.dtype, a.ptr), Tile(wrap(b.data, comp), b.dtype, b.ptr)


def _exact_division(a: np.ndarray, b: np.ndarray) -> bool:
    from fractions import Fraction

    a2, b2 = np.broadcast_arrays(a, b)
    if a2.size > 4096:
        return True  # large concrete divisions are index arithmetic in practice; keep them numeric
    for x, y in zip(a2.reshape(-1).tolist(), b2.reshape(-1).tolist(), strict=True):
        if y != 0 and Fraction(x / y) != Fraction(x) / Fraction(y):
            return False
    return True


def _bool_as_int(t: Tile, dt: str) -> Tile:
    if dt != "int1":
        return t
    if t.data.dtype != object:
        return Tile(t.data.astype(np.int64), "int32")
    return Tile(symbolic_apply(Op.WHERE, t.data, np.array(1), np.array(0)), "int32")


def _pointer_arith(op: Op, a: Tile, b: Tile) -> Tile:
    if op is Op.ADD and (a.ptr is None) != (b.ptr is None):
        p, o = (a, b) if a.ptr is not None else (b, a)
        return Tile(_add_offsets(p.data, o.data), p.dtype, p.ptr)
    if op is Op.SUB and a.ptr is not None and b.ptr is None:
        return Tile(_add_offsets(a.data, _neg(b.data)), a.dtype, a.ptr)
    if op is Op.SUB and a.ptr is not None and b.ptr is not None and a.ptr == b.ptr:
        return binary(Op.SUB, Tile(a.data, "int64"), Tile(b.data, "int64"))
    if op in CMP and a.ptr is not None and b.ptr is not None:
        return binary(op, Tile(a.data, "int64"), Tile(b.data, "int64"))
    raise TypeError(f"pointer arithmetic {op.name.lower()} is not supported")


def _neg(d: np.ndarray) -> np.ndarray:
    return symbolic_apply(Op.NEG, d) if d.dtype == object else -d


def _add_offsets(p: np.ndarray, o: np.ndarray) -> np.ndarray:
    if p.dtype != object and o.dtype != object:
        if o.dtype == bool:
            o = o.astype(np.int64)
        if o.dtype.kind == "f":
            raise TypeError("a pointer offset must be an integer")
        return p + o
    return symbolic_apply(Op.ADD, p, o)


def unary(op: Op, x: Any) -> Any:
    t = to_tile(x)
    if op is Op.NOT:
        if t.data.dtype == bool:
            return Tile(~t.data, "int1")
        if t.data.dtype != object:
            return Tile(t.data == 0, "int1") if t.dtype == "int1" else Tile(~t.data, t.dtype)
        return Tile(symbolic_apply(Op.NOT, t.data), "int1")
    out_dt = t.dtype
    if op not in EXACT_UNARY and not is_float(out_dt):
        out_dt = "fp32"
    if op is Op.TRUNC:
        out_dt = "int32"
    if t.data.dtype != object and op in EXACT_UNARY:
        d = t.data
        r = {Op.NEG: lambda: -d, Op.ABS: lambda: np.abs(d), Op.FLOOR: lambda: np.floor(d),
             Op.CEIL: lambda: np.ceil(d), Op.TRUNC: lambda: np.trunc(d).astype(np.int64)}[op]()
        return Tile(wrap(r, out_dt) if op in (Op.NEG, Op.ABS) else r, out_dt)
    r = symbolic_apply(op, t.data)
    return Tile(wrap(r, out_dt) if op in (Op.NEG, Op.ABS) and is_int(out_dt) else r, out_dt)


def where(c: Any, x: Any, y: Any) -> Tile:
    ct, a, b = to_tile(c), to_tile(x), to_tile(y)
    if a.ptr is not None or b.ptr is not None:
        if a.ptr != b.ptr and not (a.ptr is None or b.ptr is None):
            raise TypeError("tl.where over pointers into different tensors is not supported")
        dt, ptr = (a.dtype, a.ptr) if a.ptr is not None else (b.dtype, b.ptr)
    else:
        dt, ptr = promote(operand_dtype(x, y), operand_dtype(y, x)), None
    if ct.data.dtype != object and a.data.dtype != object and b.data.dtype != object:
        r = np.where(ct.data.astype(bool), a.data, b.data)
        if dt == "int1":
            r = r.astype(bool)
        return Tile(wrap(r, dt) if ptr is None else r, dt, ptr)
    cd = ct.data if ct.data.dtype == object else ct.data.astype(bool)
    r = symbolic_apply(Op.WHERE, cd, a.data, b.data)
    return Tile(wrap(r, dt) if ptr is None and is_int(dt) else r, dt, ptr)


def cast(x: Any, dtype: str) -> Any:
    """`.to(dtype)`: reals stay reals between float types; float to int truncates; int to bool
    compares with zero; bool to a number is 0/1; int to int keeps the value modulo the target's
    width (sign- or zero-extension, truncation: `wrap`; constant lanes only, see `fixedwidth`).
    A float out of the target integer's range is not wrapped (Triton's conversion is undefined)."""
    t = to_tile(x)
    src = t.dtype
    if t.ptr is not None:
        return Tile(t.data, dtype, t.ptr)
    d = t.data
    if dtype == "int1":
        if src == "int1":
            return t
        return binary(Op.NE, t, 0)
    if is_int(dtype):
        if is_float(src):
            return Tile(np.trunc(d).astype(np.int64) if d.dtype != object else symbolic_apply(Op.TRUNC, d), dtype)
        if d.dtype == bool:
            return Tile(d.astype(np.int64), dtype)
        if src == "int1" and d.dtype == object:
            return Tile(symbolic_apply(Op.WHERE, d, np.array(1), np.array(0)), dtype)
        return Tile(wrap(d, dtype), dtype)
    # to float
    if d.dtype == bool:
        return Tile(d.astype(np.float64), dtype)
    if d.dtype != object:
        return Tile(d.astype(np.float64), dtype)
    if src == "int1":
        return Tile(symbolic_apply(Op.WHERE, d, np.array(1.0), np.array(0.0)), dtype)
    return Tile(d, dtype)


def broadcast(*tiles: Tile) -> list[Tile]:
    shape = np.broadcast_shapes(*(t.shape for t in tiles))
    return [Tile(np.broadcast_to(t.data, shape), t.dtype, t.ptr) for t in tiles]


def as_object_tile(t: Tile) -> Tile:
    return Tile(as_objects(t.data), t.dtype, t.ptr)


_NP_BITS = {"int32": np.int32, "uint32": np.uint32, "int64": np.int64, "uint64": np.uint64,
            "fp32": np.float32, "fp64": np.float64, "int16": np.int16, "uint16": np.uint16,
            "int8": np.int8, "uint8": np.uint8, "fp16": np.float16}


def bitcast(x: Any, dtype: str) -> Tile:
    """Reinterpret the bits: exact for concrete integers, an uninterpreted function otherwise."""
    from ..dsl import build

    t = to_tile(x)
    if t.dtype == dtype:
        return t
    if t.data.dtype != object and is_int(t.dtype) and is_int(dtype) and t.dtype in _NP_BITS and dtype in _NP_BITS:
        src = t.data.astype(_NP_BITS[t.dtype])
        return Tile(src.view(_NP_BITS[dtype]).astype(np.int64), dtype)
    fn = np.frompyfunc(lambda v: build.call(f"bitcast_{dtype}", v), 1, 1)
    data = fn(as_objects(t.data))
    if not isinstance(data, np.ndarray):
        arr = np.empty((), dtype=object)
        arr[()] = data
        data = arr
    return Tile(data, dtype)
