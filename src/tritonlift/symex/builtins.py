"""The one table of Triton builtins the executor models: `tl.*`, libdevice, `triton.*`, `math.*`.

Each entry is `fn(ctx, *args, **kwargs) -> value`, where `ctx` is the running `Interpreter`
(program ids, memory, path predicate, source location of the call, callbacks for jit combiners).
Names are looked up by their last component within a namespace ("tl" covers triton.language, its
math/standard/core submodules and libdevice; "triton" the host helpers; "math" Python's math).
Keyword arguments that only tune performance (cache modifiers, eviction policies, num_stages...)
are accepted and ignored; anything else unknown raises `Unsupported` at the call site.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..dsl import build
from ..dsl.term import Op, Term
from . import ops, reduce
from .values import DTypeV, Tile, concretize, numeric_array, to_tile

if TYPE_CHECKING:
    from .interp import Interpreter

PERF_KWARGS = {"cache_modifier", "eviction_policy", "volatile", "num_stages", "loop_unroll_factor",
               "disallow_acc_multi_buffer", "flatten", "warp_specialize", "input_precision",
               "allow_tf32", "max_num_imprecise_acc", "sanitize_overflow", "boundary_check",
               "padding_option", "sem", "scope", "can_reorder", "propagate_nan"}

DTYPE_NAMES = {
    "float16": "fp16", "bfloat16": "bf16", "float32": "fp32", "float64": "fp64",
    "int1": "int1", "int8": "int8", "int16": "int16", "int32": "int32", "int64": "int64",
    "uint8": "uint8", "uint16": "uint16", "uint32": "uint32", "uint64": "uint64",
    "float8e4nv": "fp8e4nv", "float8e5": "fp8e5",
}


def as_int(v: Any, what: str = "value") -> int:
    if isinstance(v, Tile):
        d = concretize(v.data)
        if d.dtype == object or d.ndim != 0:
            raise TypeError(f"{what} must be a compile-time or concrete integer")
        return int(d[()])
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    raise TypeError(f"{what} must be an integer, got {v!r}")


def _shape(v: Any) -> tuple[int, ...]:
    if isinstance(v, (list, tuple)):
        return tuple(as_int(x, "shape") for x in v)
    return (as_int(v, "shape"),)


def _dtype(v: Any) -> str:
    if isinstance(v, DTypeV):
        return v.name
    if isinstance(v, str) and v in DTYPE_NAMES.values():
        return v
    raise TypeError(f"expected a dtype, got {v!r}")


def _unary(op: Op):
    return lambda ctx, x, **kw: ops.unary(op, x)


def _binary(op: Op):
    return lambda ctx, a, b, **kw: ops.binary(op, a, b)


# -- program and memory ------------------------------------------------------------------------

def program_id(ctx: Interpreter, axis: Any) -> Tile:
    return Tile(np.array(ctx.program[as_int(axis, "axis")], dtype=np.int64), "int32")


def num_programs(ctx: Interpreter, axis: Any) -> Tile:
    return Tile(np.array(ctx.grid[as_int(axis, "axis")], dtype=np.int64), "int32")


def arange(ctx: Interpreter, start: Any, end: Any) -> Tile:
    return Tile(np.arange(as_int(start, "start"), as_int(end, "end"), dtype=np.int64), "int32")


def _mask(v: Any) -> Tile | None:
    if v is None:
        return None
    t = to_tile(v)
    return Tile(t.data if t.data.dtype == object else t.data.astype(bool), "int1")


def load(ctx: Interpreter, pointer: Any, mask: Any = None, other: Any = None, **kw: Any) -> Tile:
    p = to_tile(pointer)
    if p.ptr is None:
        raise TypeError("tl.load needs a pointer")
    m = _mask(mask)
    o = None if other is None else ops.cast(to_tile(other), p.dtype) if not isinstance(other, Tile) else other
    data = ctx.memory.load(p, m, o, ctx.active, ctx.loc, ctx.program)
    if data.dtype != object:
        data = numeric_array(data, p.dtype)
    return Tile(data, p.dtype)


def store(ctx: Interpreter, pointer: Any, value: Any, mask: Any = None, **kw: Any) -> None:
    p = to_tile(pointer)
    if p.ptr is None:
        raise TypeError("tl.store needs a pointer")
    v = to_tile(value)
    if v.ptr is not None:
        raise TypeError("storing a pointer is not supported")
    v = ops.cast(v, p.dtype) if (v.dtype in ("int1",) or (p.dtype.startswith("int") != v.dtype.startswith("int"))) else v
    ctx.memory.store(p, v, _mask(mask), ctx.active, ctx.loc, ctx.program, ctx.pid_linear)


def _atomic(kind: str):
    def fn(ctx: Interpreter, pointer: Any, val: Any, mask: Any = None, **kw: Any) -> Tile:
        p = to_tile(pointer)
        if p.ptr is None:
            raise TypeError("atomic operations need a pointer")
        data = ctx.memory.atomic(kind, p, to_tile(val), _mask(mask), ctx.active, ctx.loc, ctx.program)
        return Tile(data, p.dtype)

    return fn


def atomic_cas(ctx: Interpreter, pointer: Any, cmp: Any, val: Any, **kw: Any) -> Tile:
    p = to_tile(pointer)
    data = ctx.memory.atomic("cas", p, to_tile(val), None, ctx.active, ctx.loc, ctx.program, cmp=to_tile(cmp))
    return Tile(data, p.dtype)


# -- creation, shape ------------------------------------------------------------------------------

def zeros(ctx: Interpreter, shape: Any, dtype: Any = None) -> Tile:
    dt = _dtype(dtype) if dtype is not None else "fp32"
    return Tile(numeric_array(np.zeros(_shape(shape)), dt), dt)


def full(ctx: Interpreter, shape: Any, value: Any, dtype: Any = None) -> Tile:
    dt = _dtype(dtype) if dtype is not None else to_tile(value).dtype
    v = ops.cast(to_tile(value), dt)
    data = np.broadcast_to(v.data, _shape(shape)).copy()
    return Tile(data if data.dtype == object else numeric_array(data, dt), dt)


def zeros_like(ctx: Interpreter, x: Any, dtype: Any = None) -> Tile:
    t = to_tile(x)
    return zeros(ctx, list(t.shape), dtype if dtype is not None else DTypeV(t.dtype))


def full_like(ctx: Interpreter, x: Any, value: Any, dtype: Any = None) -> Tile:
    t = to_tile(x)
    return full(ctx, list(t.shape), value, dtype if dtype is not None else DTypeV(t.dtype))


def broadcast_to(ctx: Interpreter, x: Any, *shape: Any) -> Tile:
    t = to_tile(x)
    shp = _shape(shape[0] if len(shape) == 1 else list(shape))
    return Tile(np.broadcast_to(t.data, shp).copy(), t.dtype, t.ptr)


def broadcast(ctx: Interpreter, a: Any, b: Any) -> tuple[Tile, Tile]:
    x, y = ops.broadcast(to_tile(a), to_tile(b))
    return x, y


def reshape(ctx: Interpreter, x: Any, *shape: Any, can_reorder: bool = False) -> Tile:
    t = to_tile(x)
    shp = _shape(shape[0] if len(shape) == 1 else list(shape))
    return Tile(t.data.reshape(shp), t.dtype, t.ptr)


def expand_dims(ctx: Interpreter, x: Any, axis: Any) -> Tile:
    t = to_tile(x)
    axes = axis if isinstance(axis, (list, tuple)) else [axis]
    d = t.data
    for a in axes:
        d = np.expand_dims(d, as_int(a, "axis"))
    return Tile(d, t.dtype, t.ptr)


def trans(ctx: Interpreter, x: Any, *dims: Any) -> Tile:
    t = to_tile(x)
    order = None
    if dims:
        order = [as_int(d) for d in (dims[0] if len(dims) == 1 and isinstance(dims[0], (list, tuple)) else dims)]
    return Tile(np.transpose(t.data, order), t.dtype, t.ptr)


def where(ctx: Interpreter, c: Any, x: Any, y: Any) -> Tile:
    return ops.where(c, x, y)


def cast(ctx: Interpreter, x: Any, dtype: Any, **kw: Any) -> Any:
    return ops.cast(x, _dtype(dtype))


def fma(ctx: Interpreter, a: Any, b: Any, c: Any, **kw: Any) -> Any:
    return ops.binary(Op.ADD, ops.binary(Op.MUL, a, b), c)


def clamp(ctx: Interpreter, x: Any, lo: Any, hi: Any, **kw: Any) -> Any:
    return ops.binary(Op.MIN, ops.binary(Op.MAX, x, lo), hi)


def cdiv(ctx: Interpreter, a: Any, b: Any) -> Any:
    if not isinstance(a, Tile) and not isinstance(b, Tile):
        return -(-as_int(a) // as_int(b))
    return ops.binary(Op.FLOORDIV, ops.binary(Op.SUB, ops.binary(Op.ADD, a, b), 1), b)


def _pow(ctx: Interpreter, a: Any, b: Any) -> Any:
    return ops.binary(Op.POW, a, b)


def _div_rn(ctx: Interpreter, a: Any, b: Any, **kw: Any) -> Any:
    return ops.binary(Op.DIV, a, b)


def _expm1(ctx: Interpreter, x: Any) -> Any:
    return ops.binary(Op.SUB, ops.unary(Op.EXP, x), 1.0)


def _isnan(ctx: Interpreter, x: Any) -> Tile:
    # NaN is not modelled: no real is NaN.
    t = to_tile(x)
    return Tile(np.zeros(t.shape, dtype=bool), "int1")


def _isinf(ctx: Interpreter, x: Any) -> Tile:
    t = to_tile(x)
    inf = ops.binary(Op.EQ, ops.unary(Op.ABS, t), math.inf)
    return inf


def _round(ctx: Interpreter, x: Any) -> Any:
    return ops.unary(Op.RINT, x)


def _sqrt_rn(ctx: Interpreter, x: Any, **kw: Any) -> Any:
    return ops.unary(Op.SQRT, x)


def _sigmoid(ctx: Interpreter, x: Any) -> Any:
    return ops.unary(Op.SIGMOID, x)


def _softmax(ctx: Interpreter, x: Any, ieee_rounding: bool = False, **kw: Any) -> Any:
    t = to_tile(x)
    m = reduce.reduce_op(t, t.data.ndim - 1, Op.MAX, keep_dims=True)
    e = ops.unary(Op.EXP, ops.binary(Op.SUB, t, m))
    return ops.binary(Op.DIV, e, reduce.reduce_op(e, t.data.ndim - 1, Op.ADD, keep_dims=True))


def _umulhi(ctx: Interpreter, a: Any, b: Any) -> Any:
    ta, tb = to_tile(a), to_tile(b)
    shape = np.broadcast_shapes(ta.shape, tb.shape)
    fn = np.frompyfunc(lambda x, y: build.call("umulhi", x, y), 2, 1)
    from .values import as_objects

    return Tile(fn(np.broadcast_to(as_objects(ta.data), shape), np.broadcast_to(as_objects(tb.data), shape)), ta.dtype)


def _random(name: str, out_dtype: str):
    """Philox-based random numbers: an uninterpreted function of (seed, offset)."""

    def fn(ctx: Interpreter, seed: Any, offset: Any, *rest: Any, **kw: Any) -> Tile:
        from .values import as_objects

        ts, to = to_tile(seed), to_tile(offset)
        shape = np.broadcast_shapes(ts.shape, to.shape)
        f = np.frompyfunc(lambda s, o: build.call(name, s, o), 2, 1)
        data = f(np.broadcast_to(as_objects(ts.data), shape), np.broadcast_to(as_objects(to.data), shape))
        if not isinstance(data, np.ndarray):
            arr = np.empty((), dtype=object)
            arr[()] = data
            data = arr
        return Tile(data, out_dtype)

    return fn


def philox(ctx: Interpreter, seed: Any, c0: Any, c1: Any, c2: Any, c3: Any, n_rounds: Any = None) -> tuple:
    """Philox 4x32: four uninterpreted functions of (seed, counters)."""
    from .values import as_objects

    ts = [to_tile(v) for v in (seed, c0, c1, c2, c3)]
    shape = np.broadcast_shapes(*(t.shape for t in ts))
    objs = [np.broadcast_to(as_objects(t.data), shape) for t in ts]
    outs = []
    for k in range(4):
        f = np.frompyfunc(lambda *a, k=k: build.call(f"philox{k}", *a), 5, 1)
        d = f(*objs)
        if not isinstance(d, np.ndarray):
            arr = np.empty((), dtype=object)
            arr[()] = d
            d = arr
        outs.append(Tile(d, "uint32"))
    return tuple(outs)


def _uniform(ctx: Interpreter, x: Any) -> Tile:
    """uint -> uniform float in [0, 1): uninterpreted, like the random bits it maps."""
    from .values import as_objects

    t = to_tile(x)
    f = np.frompyfunc(lambda v: build.call("uint_to_uniform_float", v), 1, 1)
    d = f(as_objects(t.data))
    if not isinstance(d, np.ndarray):
        arr = np.empty((), dtype=object)
        arr[()] = d
        d = arr
    return Tile(d, "fp32")


# -- reductions and scans ------------------------------------------------------------------------

def _red(op: Op):
    def fn(ctx: Interpreter, x: Any, axis: Any = None, return_indices: bool = False,
           return_indices_tie_break_left: bool = True, keep_dims: bool = False, **kw: Any):
        t = to_tile(x)
        ax = None if axis is None else as_int(axis, "axis")
        if return_indices:
            return reduce.reduce_with_index(t, ax, op, keep_dims, return_indices_tie_break_left)
        return reduce.reduce_op(t, ax, op, keep_dims)

    return fn


def _argred(op: Op):
    def fn(ctx: Interpreter, x: Any, axis: Any, tie_break_left: bool = True, keep_dims: bool = False) -> Tile:
        t = to_tile(x)
        ax = None if axis is None else as_int(axis, "axis")
        return reduce.reduce_with_index(t, ax, op, keep_dims, tie_break_left)[1]

    return fn


def _xor_sum(ctx: Interpreter, x: Any, axis: Any = None, keep_dims: bool = False) -> Tile:
    (r,) = reduce.fold([to_tile(x)], axis, reduce.op_combine(Op.BXOR), keep_dims)
    return r


def _combiner(ctx: Interpreter, fn: Any, n: int):
    def combine(a: list[Tile], b: list[Tile]) -> list[Tile]:
        out = ctx.call_value(fn, [*a, *b], {})
        return list(out) if isinstance(out, tuple) else [to_tile(out)] if n == 1 else list(out)

    return combine


def _tuple_in(x: Any) -> tuple[list[Tile], bool]:
    if isinstance(x, (tuple, list)):
        return [to_tile(v) for v in x], True
    return [to_tile(x)], False


def reduce_(ctx: Interpreter, input: Any, axis: Any, combine_fn: Any, keep_dims: bool = False) -> Any:
    ts, is_tuple = _tuple_in(input)
    ax = None if axis is None else as_int(axis, "axis")
    ts = [Tile(t.data, t.dtype) for t in ops.broadcast(*ts)]
    out = reduce.fold(ts, ax, _combiner(ctx, combine_fn, len(ts)), keep_dims)
    return tuple(out) if is_tuple else out[0]


def associative_scan(ctx: Interpreter, input: Any, axis: Any, combine_fn: Any, reverse: bool = False) -> Any:
    ts, is_tuple = _tuple_in(input)
    out = reduce.scan(ts, as_int(axis, "axis"), _combiner(ctx, combine_fn, len(ts)), reverse)
    return tuple(out) if is_tuple else out[0]


def _scan_op(op: Op):
    def fn(ctx: Interpreter, x: Any, axis: Any = 0, reverse: bool = False, dtype: Any = None) -> Tile:
        t = to_tile(x)
        if dtype is not None:
            t = ops.cast(t, _dtype(dtype))
        elif t.dtype == "int1":
            t = ops.cast(t, "int32")
        return reduce.scan([t], as_int(axis, "axis"), reduce.op_combine(op), reverse)[0]

    return fn


def dot(ctx: Interpreter, a: Any, b: Any, acc: Any = None, out_dtype: Any = None, **kw: Any) -> Tile:
    od = _dtype(out_dtype) if out_dtype is not None else None
    return reduce.dot(to_tile(a), to_tile(b), None if acc is None else to_tile(acc), od)


def _identity(ctx: Interpreter, x: Any, *a: Any, **kw: Any) -> Any:
    return x


def _noop(ctx: Interpreter, *a: Any, **kw: Any) -> None:
    return None


def static_assert(ctx: Interpreter, cond: Any, msg: Any = "", **kw: Any) -> None:
    if not cond:
        raise AssertionError(f"tl.static_assert failed: {msg}")


def _constexpr(ctx: Interpreter, x: Any = None) -> Any:
    return x


def next_power_of_2(ctx: Interpreter, n: Any) -> int:
    n = as_int(n)
    return 1 if n <= 1 else 1 << (n - 1).bit_length()


TL: dict[str, Any] = {
    "program_id": program_id, "num_programs": num_programs, "arange": arange,
    "load": load, "store": store,
    "atomic_add": _atomic("add"), "atomic_max": _atomic("max"), "atomic_min": _atomic("min"),
    "atomic_xchg": _atomic("xchg"), "atomic_and": _atomic("and"), "atomic_or": _atomic("or"),
    "atomic_xor": _atomic("xor"), "atomic_cas": atomic_cas,
    "zeros": zeros, "full": full, "zeros_like": zeros_like, "full_like": full_like,
    "broadcast_to": broadcast_to, "broadcast": broadcast, "reshape": reshape, "view": reshape,
    "expand_dims": expand_dims, "trans": trans, "permute": trans,
    "where": where, "cast": cast, "fma": fma, "clamp": clamp, "cdiv": cdiv,
    "maximum": _binary(Op.MAX), "minimum": _binary(Op.MIN), "fmax": _binary(Op.MAX), "fmin": _binary(Op.MIN),
    "exp": _unary(Op.EXP), "exp2": _unary(Op.EXP2), "log": _unary(Op.LOG), "log2": _unary(Op.LOG2),
    "log1p": _unary(Op.LOG1P), "expm1": _expm1, "sqrt": _unary(Op.SQRT), "sqrt_rn": _sqrt_rn,
    "rsqrt": _unary(Op.RSQRT), "abs": _unary(Op.ABS), "fabs": _unary(Op.ABS), "sin": _unary(Op.SIN),
    "cos": _unary(Op.COS), "tanh": _unary(Op.TANH), "erf": _unary(Op.ERF), "sigmoid": _sigmoid,
    "floor": _unary(Op.FLOOR), "ceil": _unary(Op.CEIL), "trunc": _unary(Op.TRUNC), "rint": _round,
    "round": _round, "nearbyint": _round, "pow": _pow, "div_rn": _div_rn, "fdiv": _div_rn,
    "fast_dividef": _div_rn, "fast_expf": _unary(Op.EXP), "fast_logf": _unary(Op.LOG),
    "exp_": _unary(Op.EXP), "isnan": _isnan, "isinf": _isinf, "softmax": _softmax,
    "umulhi": _umulhi, "philox": philox, "uint_to_uniform_float": _uniform,
    "rand": _random("rand", "fp32"), "randn": _random("randn", "fp32"), "randint": _random("randint", "uint32"),
    "sum": _red(Op.ADD), "max": _red(Op.MAX), "min": _red(Op.MIN), "argmax": _argred(Op.MAX),
    "argmin": _argred(Op.MIN), "xor_sum": _xor_sum, "reduce": reduce_,
    "associative_scan": associative_scan, "cumsum": _scan_op(Op.ADD), "cumprod": _scan_op(Op.MUL),
    "dot": dot,
    "multiple_of": _identity, "max_contiguous": _identity, "max_constancy": _identity,
    "debug_barrier": _noop, "device_print": _noop, "static_print": _noop, "device_assert": _noop,
    "assume": _noop,
    "static_assert": static_assert, "constexpr": _constexpr,
}
TRITON: dict[str, Any] = {"cdiv": cdiv, "next_power_of_2": next_power_of_2}
MATH_CONSTANTS = {"pi": math.pi, "e": math.e, "inf": math.inf}
MATH_FUNCS = {"log": math.log, "log2": math.log2, "sqrt": math.sqrt, "exp": math.exp, "ceil": math.ceil,
              "floor": math.floor, "isqrt": math.isqrt, "tanh": math.tanh, "erf": math.erf}

# libdevice functions are looked up by name in TL (one table for the math library)
TL_NAMESPACES = ("triton.language", "tl")


def lookup(qualname: str) -> Any:
    """The builtin for a qualified name such as `triton.language.extra.libdevice.tanh`, or None."""
    parts = qualname.split(".")
    leaf = parts[-1]
    if parts[0] == "triton":
        if len(parts) >= 3 and parts[1] == "language":
            return TL.get(leaf)
        if len(parts) == 2:
            return TRITON.get(leaf)
        return None
    if parts[0] == "math" and len(parts) == 2:
        return MATH_FUNCS.get(leaf)
    return None


def lookup_value(qualname: str) -> Any:
    """Non-callable builtins: dtypes (`tl.float32`), `math.pi`, `tl.constexpr` (as the type)."""
    parts = qualname.split(".")
    leaf = parts[-1]
    if parts[0] == "triton" and len(parts) >= 3 and parts[1] == "language" and leaf in DTYPE_NAMES:
        return DTypeV(DTYPE_NAMES[leaf])
    if parts[0] == "math" and leaf in MATH_CONSTANTS:
        return MATH_CONSTANTS[leaf]
    return None


def symbolic_scalar(t: Term, dtype: str = "fp32") -> Tile:
    arr = np.empty((), dtype=object)
    arr[()] = t
    return Tile(arr, dtype)
