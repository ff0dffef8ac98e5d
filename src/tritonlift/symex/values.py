"""Runtime values of the symbolic executor: tiles of terms, dtypes, promotion, element-wise ops.

A `Tile` is a numpy array plus a Triton dtype. Its array is numeric (int64, float64 or bool) while
every lane is concrete, and an object array of `Term`s once any lane is symbolic. A pointer tile
additionally names the buffer it points into; its array holds element offsets. Python ints,
floats, bools, strings and `DTypeV` stand for constexprs and host scalars, as in Triton.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..dsl import build
from ..dsl.term import ExactQuotient, Op, Term, const
from .fixedwidth import int_promote

FLOATS = ("fp8e4nv", "fp8e5", "fp16", "bf16", "fp32", "fp64")
INTS = ("int1", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
_WIDTH = {"int1": 1, "int8": 8, "uint8": 8, "int16": 16, "uint16": 16, "int32": 32, "uint32": 32,
          "int64": 64, "uint64": 64, "fp8e4nv": 8, "fp8e5": 8, "fp16": 16, "bf16": 16, "fp32": 32, "fp64": 64}


@dataclass(frozen=True)
class DTypeV:
    """A Triton dtype as a value (`tl.float32`, `x.dtype`), or a pointer type."""

    name: str
    pointee: str | None = None  # for pointer types: the element dtype

    @property
    def is_floating(self) -> bool:
        return self.name in FLOATS

    @property
    def is_int(self) -> bool:
        return self.name in INTS

    @property
    def element_ty(self) -> DTypeV:
        return DTypeV(self.pointee) if self.pointee else self

    @property
    def primitive_bitwidth(self) -> int:
        return _WIDTH.get(self.name, 64)


def is_float(dt: str) -> bool:
    return dt in FLOATS


def is_int(dt: str) -> bool:
    return dt in INTS


@dataclass
class Tile:
    data: np.ndarray
    dtype: str  # element dtype (for pointers: the pointee dtype)
    ptr: str | None = None  # buffer name for a pointer tile

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def symbolic(self) -> bool:
        return self.data.dtype == object

    def with_data(self, data: np.ndarray, dtype: str | None = None) -> Tile:
        return Tile(data, dtype or self.dtype, self.ptr)


def scalar_dtype(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "int1"
    if isinstance(v, (int, np.integer)):
        return "int32" if -(2**31) <= int(v) < 2**31 else "int64"
    if isinstance(v, (float, np.floating)):
        return "fp32"
    if isinstance(v, Term):
        return "fp32"
    raise TypeError(f"not a scalar: {v!r}")


def to_tile(v: Any) -> Tile:
    if isinstance(v, Tile):
        return v
    if isinstance(v, ExactQuotient):  # 1.0 / 6.0: the real number 1/6, as a term
        v = v.term
    if isinstance(v, Term):
        arr = np.empty((), dtype=object)
        arr[()] = v
        return Tile(arr, "fp32")
    dt = scalar_dtype(v)
    if dt == "int1":
        return Tile(np.array(bool(v)), dt)
    if is_int(dt):
        return Tile(np.array(int(v), dtype=np.int64), dt)
    return Tile(np.array(float(v), dtype=np.float64), dt)


def promote(a: str, b: str) -> str:
    """Triton's binary-op result type, simplified for floats (float beats int, wider beats
    narrower); two integer types follow C's usual arithmetic conversions (`int_promote`)."""
    if a == b:
        return a
    fa, fb = is_float(a), is_float(b)
    if fa and fb:
        return a if _WIDTH[a] >= _WIDTH[b] else b
    if fa:
        return a
    if fb:
        return b
    return int_promote(a, b)


def operand_dtype(v: Any, other: Any) -> str:
    """The dtype a Python scalar takes next to a tile (Triton keeps the tile's type when it can)."""
    if isinstance(v, Tile):
        return v.dtype
    if isinstance(other, Tile):
        if isinstance(v, (bool, np.bool_)):
            return "int1"
        if isinstance(v, (int, np.integer)):
            return other.dtype if other.dtype != "int1" else "int32"
        if isinstance(v, (float, np.floating)) or isinstance(v, Term):
            return other.dtype if is_float(other.dtype) else "fp32"
    return scalar_dtype(v)


# -- element-wise application -------------------------------------------------------------------

def as_objects(arr: np.ndarray) -> np.ndarray:
    if arr.dtype == object:
        return arr
    out = np.empty(arr.shape, dtype=object)
    flat = out.reshape(-1)
    for i, x in enumerate(arr.reshape(-1).tolist()):
        flat[i] = const(x)
    return out


_UFUNCS: dict[tuple[Op, int], Any] = {}


def _ufunc(op: Op, nargs: int):
    key = (op, nargs)
    f = _UFUNCS.get(key)
    if f is None:
        f = np.frompyfunc(lambda *a: build.apply(op, *a), nargs, 1)
        _UFUNCS[key] = f
    return f


def symbolic_apply(op: Op, *arrays: np.ndarray) -> np.ndarray:
    objs = [as_objects(np.asarray(a)) for a in arrays]
    with np.errstate(all="ignore"):
        out = _ufunc(op, len(objs))(*objs)
    if not isinstance(out, np.ndarray):
        arr = np.empty((), dtype=object)
        arr[()] = out
        return arr
    return out


def concretize(arr: np.ndarray) -> np.ndarray:
    """An object array whose lanes are all constants, as a numeric array; otherwise unchanged."""
    if arr.dtype != object:
        return arr
    flat = arr.reshape(-1)
    vals = []
    for t in flat:
        if not isinstance(t, Term) or t.op is not Op.CONST:
            return arr
        vals.append(t.value)
    if not vals:
        return np.zeros(arr.shape, dtype=np.float64)
    if all(isinstance(v, bool) for v in vals):
        return np.array(vals, dtype=bool).reshape(arr.shape)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
        return np.array(vals, dtype=np.int64).reshape(arr.shape)
    return np.array([float(v) for v in vals], dtype=np.float64).reshape(arr.shape)


def lane_term(x: Any) -> Term:
    """One lane as a Term (numbers become constants)."""
    if isinstance(x, Term):
        return x
    if isinstance(x, (np.bool_, bool)):
        return const(bool(x))
    if isinstance(x, (np.integer, int)):
        return const(int(x))
    return const(float(x))


def numeric_array(v: Any, dtype: str) -> np.ndarray:
    """Storage type for concrete values of a Triton dtype."""
    if dtype == "int1":
        return np.asarray(v, dtype=bool)
    if is_int(dtype):
        return np.asarray(v, dtype=np.int64)
    return np.asarray(v, dtype=np.float64)
