"""The executor's side of the `tl.*` table: the domain hooks (`tl_<name>`) over concrete tiles.

Memory (loads, stores, atomics against the shared `Memory`, under the path predicate), program
ids of the running program, tile creation and shapes as numpy arrays, reductions, scans and
`dot` lane by lane (`reduce.py`), and Philox as uninterpreted functions. Everything that means
the same in both domains is in `builtins.py` itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dsl import build
from ..dsl.term import Op, Term
from ..errors import SourceLoc
from . import ops, reduce
from .builtins import as_int, dtype_name
from .memory import Memory
from .tritonrules import check_arange, check_other, check_shape
from .values import DTypeV, Tile, as_objects, is_int, numeric_array, to_tile


def _shape(v: Any) -> tuple[int, ...]:
    if isinstance(v, (list, tuple)):
        return tuple(as_int(x, "shape") for x in v)
    return (as_int(v, "shape"),)


def _mask(v: Any) -> Tile | None:
    if v is None:
        return None
    t = to_tile(v)
    return Tile(t.data if t.data.dtype == object else t.data.astype(bool), "int1")


def _object_array(d: Any) -> np.ndarray:
    if isinstance(d, np.ndarray):
        return d
    arr = np.empty((), dtype=object)
    arr[()] = d
    return arr


def _apply(name: str, tiles: list[Tile], out_dtype: str) -> Tile:
    """An uninterpreted function `name` applied lane-wise to broadcast tiles."""
    shape = np.broadcast_shapes(*(t.shape for t in tiles))
    f = np.frompyfunc(lambda *a: build.call(name, *a), len(tiles), 1)
    return Tile(_object_array(f(*[np.broadcast_to(as_objects(t.data), shape) for t in tiles])), out_dtype)


class TileBuiltins:
    """Mixed into the executor (`interp.Interpreter`), which provides these attributes."""

    memory: Memory
    program: tuple[int, int, int]
    grid: tuple[int, int, int]
    pid_linear: int
    active: Term | bool
    loc: SourceLoc | None
    call_value: Any  # the walker's: a jit combine function called on tiles

    # -- program and memory ------------------------------------------------------------------------
    def tl_program_id(self, axis: Any) -> Tile:
        return Tile(np.array(self.program[as_int(axis, "axis")], dtype=np.int64), "int32")

    def tl_num_programs(self, axis: Any) -> Tile:
        return Tile(np.array(self.grid[as_int(axis, "axis")], dtype=np.int64), "int32")

    def tl_arange(self, start: Any, end: Any) -> Tile:
        lo, hi = check_arange(start, end, self.loc)
        return Tile(np.arange(lo, hi, dtype=np.int64), "int32")

    def tl_load(self, pointer: Any, mask: Any = None, other: Any = None, **kw: Any) -> Tile:
        p = to_tile(pointer)
        if p.ptr is None:
            raise TypeError("tl.load needs a pointer")
        check_other(mask, other, self.loc)
        o = None if other is None else ops.cast(to_tile(other), p.dtype) if not isinstance(other, Tile) else other
        data = self.memory.load(p, _mask(mask), o, self.active, self.loc, self.program)
        if data.dtype != object:
            data = numeric_array(data, p.dtype)
        return Tile(data, p.dtype)

    def tl_store(self, pointer: Any, value: Any, mask: Any = None, **kw: Any) -> None:
        p = to_tile(pointer)
        if p.ptr is None:
            raise TypeError("tl.store needs a pointer")
        v = to_tile(value)
        if v.ptr is not None:
            raise TypeError("storing a pointer is not supported")
        if v.dtype != p.dtype and (v.dtype == "int1" or (p.dtype != "int1" and (is_int(p.dtype) or is_int(v.dtype)))):
            v = ops.cast(v, p.dtype)  # Triton casts to the element type: an int8 store keeps 8 bits
        self.memory.store(p, v, _mask(mask), self.active, self.loc, self.program, self.pid_linear)

    def _atomic(self, kind: str, pointer: Any, val: Any, mask: Any = None, cmp: Any = None) -> Tile:
        p = to_tile(pointer)
        if p.ptr is None:
            raise TypeError("atomic operations need a pointer")
        v = to_tile(val)
        if v.dtype != p.dtype and is_int(p.dtype) and p.dtype != "int1":
            v = ops.cast(v, p.dtype)  # Triton converts the operand to the element type
        data = self.memory.atomic(kind, p, v, _mask(mask), self.active, self.loc, self.program,
                                  **({} if cmp is None else {"cmp": to_tile(cmp)}))
        return Tile(data, p.dtype)

    def tl_atomic_add(self, pointer: Any, val: Any, mask: Any = None, **kw: Any) -> Tile:
        return self._atomic("add", pointer, val, mask)

    def tl_atomic_max(self, pointer: Any, val: Any, mask: Any = None, **kw: Any) -> Tile:
        return self._atomic("max", pointer, val, mask)

    def tl_atomic_min(self, pointer: Any, val: Any, mask: Any = None, **kw: Any) -> Tile:
        return self._atomic("min", pointer, val, mask)

    def tl_atomic_xchg(self, pointer: Any, val: Any, mask: Any = None, **kw: Any) -> Tile:
        return self._atomic("xchg", pointer, val, mask)

    def tl_atomic_and(self, pointer: Any, val: Any, mask: Any = None, **kw: Any) -> Tile:
        return self._atomic("and", pointer, val, mask)

    def tl_atomic_or(self, pointer: Any, val: Any, mask: Any = None, **kw: Any) -> Tile:
        return self._atomic("or", pointer, val, mask)

    def tl_atomic_xor(self, pointer: Any, val: Any, mask: Any = None, **kw: Any) -> Tile:
        return self._atomic("xor", pointer, val, mask)

    def tl_atomic_cas(self, pointer: Any, cmp: Any, val: Any, **kw: Any) -> Tile:
        return self._atomic("cas", pointer, val, None, cmp)

    # -- creation, shape ---------------------------------------------------------------------------
    def tl_full(self, shape: Any, value: Any, dtype: Any = None) -> Tile:
        dt = dtype_name(dtype) if dtype is not None else to_tile(value).dtype
        v = ops.cast(to_tile(value), dt)
        check_shape(_shape(shape), "a tile (tl.zeros/tl.full)", self.loc)
        data = np.broadcast_to(v.data, _shape(shape)).copy()
        return Tile(data if data.dtype == object else numeric_array(data, dt), dt)

    def tl_broadcast_to(self, x: Any, *shape: Any) -> Tile:
        t = to_tile(x)
        shp = _shape(shape[0] if len(shape) == 1 else list(shape))
        return Tile(np.broadcast_to(t.data, shp).copy(), t.dtype, t.ptr)

    def tl_broadcast(self, a: Any, b: Any) -> tuple[Tile, Tile]:
        x, y = ops.broadcast(to_tile(a), to_tile(b))
        return x, y

    def tl_reshape(self, x: Any, *shape: Any, can_reorder: bool = False) -> Tile:
        t = to_tile(x)
        shp = _shape(shape[0] if len(shape) == 1 else list(shape))
        return Tile(t.data.reshape(shp), t.dtype, t.ptr)

    def tl_expand_dims(self, x: Any, axis: Any) -> Tile:
        t = to_tile(x)
        d = t.data
        for a in axis if isinstance(axis, (list, tuple)) else [axis]:
            d = np.expand_dims(d, as_int(a, "axis"))
        return Tile(d, t.dtype, t.ptr)

    def tl_trans(self, x: Any, *dims: Any) -> Tile:
        t = to_tile(x)
        order = None
        if dims:
            order = [as_int(d) for d in (dims[0] if len(dims) == 1 and isinstance(dims[0], (list, tuple)) else dims)]
        return Tile(np.transpose(t.data, order), t.dtype, t.ptr)

    # -- random numbers and bit tricks: uninterpreted functions -----------------------------------
    def tl_umulhi(self, a: Any, b: Any) -> Tile:
        ta = to_tile(a)
        return _apply("umulhi", [ta, to_tile(b)], ta.dtype)

    def tl_philox(self, seed: Any, c0: Any, c1: Any, c2: Any, c3: Any, n_rounds: Any = None) -> tuple:
        """Philox 4x32: four uninterpreted functions of (seed, counters)."""
        ts = [to_tile(v) for v in (seed, c0, c1, c2, c3)]
        return tuple(_apply(f"philox{k}", ts, "uint32") for k in range(4))

    def tl_uint_to_uniform_float(self, x: Any) -> Tile:
        """uint -> uniform float in [0, 1): uninterpreted, like the random bits it maps."""
        return _apply("uint_to_uniform_float", [to_tile(x)], "fp32")

    def tl_rand(self, seed: Any, offset: Any, *rest: Any, **kw: Any) -> Tile:
        return _apply("rand", [to_tile(seed), to_tile(offset)], "fp32")

    def tl_randn(self, seed: Any, offset: Any, *rest: Any, **kw: Any) -> Tile:
        return _apply("randn", [to_tile(seed), to_tile(offset)], "fp32")

    def tl_randint(self, seed: Any, offset: Any, *rest: Any, **kw: Any) -> Tile:
        return _apply("randint", [to_tile(seed), to_tile(offset)], "uint32")

    # -- reductions and scans ----------------------------------------------------------------------
    def reduction(self, op: str, t: Any, axis: Any, keep_dims: bool, index: bool, tie_break_left: bool) -> Any:
        x = to_tile(t)
        ax = None if axis is None else as_int(axis, "axis")
        o = {"sum": Op.ADD, "max": Op.MAX, "min": Op.MIN}[op]
        if index:
            return reduce.reduce_with_index(x, ax, o, keep_dims, tie_break_left)
        return reduce.reduce_op(x, ax, o, keep_dims)

    def tl_xor_sum(self, x: Any, axis: Any = None, keep_dims: bool = False) -> Tile:
        (r,) = reduce.fold([to_tile(x)], axis, reduce.op_combine(Op.BXOR), keep_dims)
        return r

    def _combiner(self, fn: Any, n: int):
        def combine(a: list[Tile], b: list[Tile]) -> list[Tile]:
            out = self.call_value(fn, [*a, *b], {})
            return list(out) if isinstance(out, tuple) else [to_tile(out)] if n == 1 else list(out)

        return combine

    @staticmethod
    def _tuple_in(x: Any) -> tuple[list[Tile], bool]:
        if isinstance(x, (tuple, list)):
            return [to_tile(v) for v in x], True
        return [to_tile(x)], False

    def tl_reduce(self, input: Any, axis: Any, combine_fn: Any, keep_dims: bool = False) -> Any:
        ts, is_tuple = self._tuple_in(input)
        ax = None if axis is None else as_int(axis, "axis")
        ts = [Tile(t.data, t.dtype) for t in ops.broadcast(*ts)]
        out = reduce.fold(ts, ax, self._combiner(combine_fn, len(ts)), keep_dims, tree=True)
        return tuple(out) if is_tuple else out[0]

    def tl_associative_scan(self, input: Any, axis: Any, combine_fn: Any, reverse: bool = False) -> Any:
        ts, is_tuple = self._tuple_in(input)
        out = reduce.scan(ts, as_int(axis, "axis"), self._combiner(combine_fn, len(ts)), reverse)
        return tuple(out) if is_tuple else out[0]

    def scan(self, op: str, t: Any, axis: int, reverse: bool) -> Tile:
        o = {"sum": Op.ADD, "prod": Op.MUL}[op]
        return reduce.scan([to_tile(t)], axis, reduce.op_combine(o), reverse)[0]

    def tl_dot(self, a: Any, b: Any, acc: Any = None, out_dtype: Any = None, **kw: Any) -> Tile:
        od = dtype_name(out_dtype) if out_dtype is not None else None
        return reduce.dot(to_tile(a), to_tile(b), None if acc is None else to_tile(acc), od)


__all__ = ["DTypeV", "TileBuiltins"]
