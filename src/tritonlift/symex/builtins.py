"""The one table of Triton builtins: `tl.*`, libdevice, `triton.*`, `math.*`, for both domains.

Each entry is `fn(ctx, *args, **kwargs) -> value`, where `ctx` is the running walker
(`symex.walker.Walker`): the symbolic executor (`symex/interp.py`, tiles at concrete sizes) or the
prover's lane-symbolic evaluator (`verify/vcgen.py`). Entries whose meaning is the same in both
domains are written here once, over the walker's value hooks (`ctx.binary`, `ctx.unary`,
`ctx.where`, `ctx.cast`, ...): element-wise math, `fma`, `clamp`, `cdiv`, `zeros`, `softmax`,
compile-time helpers. Entries that touch memory, program ids, tile shapes, reductions, scans and
`dot` are *domain hooks*: the entry calls the domain's method `tl_<name>`; a domain without it
refuses the builtin by name at the call site.

Names are looked up by their last component within a namespace ("tl" covers triton.language, its
math/standard/core submodules and libdevice; "triton" the host helpers; "math" Python's math).
Keyword arguments that only tune performance (cache modifiers, eviction policies, num_stages...)
are accepted and ignored; anything else unknown raises at the call site.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..dsl.term import Op, Term
from ..errors import Unsupported
from .values import DTypeV, Tile, concretize, is_int

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


def dtype_name(v: Any) -> str:
    if isinstance(v, DTypeV):
        return v.name
    if isinstance(v, str) and v in DTYPE_NAMES.values():
        return v
    raise TypeError(f"expected a dtype, got {v!r}")


# -- entries written once, over the walker's value hooks --------------------------------------------

def _unary(op: Op):
    return lambda ctx, x, **kw: ctx.unary(op, ctx.lift(x))


def _binary(op: Op):
    return lambda ctx, a, b, **kw: ctx.binary(op, ctx.lift(a), ctx.lift(b))


def _hook(name: str):
    """An entry whose meaning depends on the domain: the domain's method `tl_<name>`."""

    def fn(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        impl = getattr(ctx, "tl_" + name, None)
        if impl is None:
            raise Unsupported(f"tl.{name} is not supported by {ctx.domain}", ctx.loc)
        return impl(*args, **kwargs)

    return fn


def where(ctx: Any, c: Any, x: Any, y: Any) -> Any:
    return ctx.where(ctx.lift(c), ctx.lift(x), ctx.lift(y))


def cast(ctx: Any, x: Any, dtype: Any, **kw: Any) -> Any:
    if kw.get("bitcast"):
        return ctx.bitcast(ctx.lift(x), dtype_name(dtype))
    return ctx.cast(ctx.lift(x), dtype_name(dtype))


def fma(ctx: Any, a: Any, b: Any, c: Any, **kw: Any) -> Any:
    return ctx.binary(Op.ADD, ctx.binary(Op.MUL, ctx.lift(a), ctx.lift(b)), ctx.lift(c))


def clamp(ctx: Any, x: Any, lo: Any, hi: Any, **kw: Any) -> Any:
    return ctx.binary(Op.MIN, ctx.binary(Op.MAX, ctx.lift(x), ctx.lift(lo)), ctx.lift(hi))


def cdiv(ctx: Any, a: Any, b: Any) -> Any:
    if not ctx.is_tile(a) and not ctx.is_tile(b):
        return -(-as_int(a) // as_int(b))
    return ctx.binary(Op.FLOORDIV, ctx.binary(Op.SUB, ctx.binary(Op.ADD, ctx.lift(a), ctx.lift(b)), 1), ctx.lift(b))


def _expm1(ctx: Any, x: Any) -> Any:
    return ctx.binary(Op.SUB, ctx.unary(Op.EXP, ctx.lift(x)), 1.0)


def zeros(ctx: Any, shape: Any, dtype: Any = None) -> Any:
    dt = dtype_name(dtype) if dtype is not None else "fp32"
    return ctx.tl_full(shape, 0 if is_int(dt) else 0.0, DTypeV(dt))


def zeros_like(ctx: Any, x: Any, dtype: Any = None) -> Any:
    t = ctx.lift(x)
    return zeros(ctx, list(ctx.tile_shape(t)), dtype if dtype is not None else DTypeV(ctx.tile_dtype(t)))


def full_like(ctx: Any, x: Any, value: Any, dtype: Any = None) -> Any:
    t = ctx.lift(x)
    return ctx.tl_full(list(ctx.tile_shape(t)), value, dtype if dtype is not None else DTypeV(ctx.tile_dtype(t)))


def _isnan(ctx: Any, x: Any) -> Any:
    # NaN is not modelled: no real is NaN.
    return zeros_like(ctx, x, DTypeV("int1"))


def _isinf(ctx: Any, x: Any) -> Any:
    return ctx.binary(Op.EQ, ctx.unary(Op.ABS, ctx.lift(x)), math.inf)


def _softmax(ctx: Any, x: Any, ieee_rounding: bool = False, **kw: Any) -> Any:
    t = ctx.lift(x)
    last = len(ctx.tile_shape(t)) - 1
    m = ctx.reduction("max", t, last, True, False, True)
    e = ctx.unary(Op.EXP, ctx.binary(Op.SUB, t, m))
    return ctx.binary(Op.DIV, e, ctx.reduction("sum", e, last, True, False, True))


def sum_dtype(dt: str) -> str:
    """Triton's accumulation type for `tl.sum`/`tl.cumsum`/`tl.cumprod` without `dtype=`: integers
    narrower than 32 bits widen to int32 (uint32 when unsigned), so an int8 sum does not wrap
    at 127. int1 is left to the reduction (it counts in int32 there)."""
    if dt in ("int8", "int16"):
        return "int32"
    if dt in ("uint8", "uint16"):
        return "uint32"
    return dt


def _sum(ctx: Any, x: Any, axis: Any = None, keep_dims: bool = False, dtype: Any = None) -> Any:
    t = ctx.lift(x)
    if dtype is not None:
        t = ctx.cast(t, dtype_name(dtype))
    elif sum_dtype(ctx.tile_dtype(t)) != ctx.tile_dtype(t):
        t = ctx.cast(t, sum_dtype(ctx.tile_dtype(t)))
    return ctx.reduction("sum", t, axis, keep_dims, False, True)


def _extreme(op: str):
    def fn(ctx: Any, x: Any, axis: Any = None, return_indices: bool = False,
           return_indices_tie_break_left: bool = True, keep_dims: bool = False) -> Any:
        return ctx.reduction(op, ctx.lift(x), axis, keep_dims, return_indices, return_indices_tie_break_left)

    return fn


def _arg(op: str):
    def fn(ctx: Any, x: Any, axis: Any, tie_break_left: bool = True, keep_dims: bool = False) -> Any:
        return ctx.reduction(op, ctx.lift(x), axis, keep_dims, True, tie_break_left)[1]

    return fn


def _scan(op: str):
    def fn(ctx: Any, x: Any, axis: Any = 0, reverse: bool = False, dtype: Any = None) -> Any:
        t = ctx.lift(x)
        if dtype is not None:
            t = ctx.cast(t, dtype_name(dtype))
        elif ctx.tile_dtype(t) == "int1":
            t = ctx.cast(t, "int32")
        elif sum_dtype(ctx.tile_dtype(t)) != ctx.tile_dtype(t):
            t = ctx.cast(t, sum_dtype(ctx.tile_dtype(t)))
        a = ctx.static_int(axis, "axis")
        if a is None:
            raise TypeError("the scan axis must be a compile-time integer")
        return ctx.scan(op, t, a, bool(reverse))

    return fn


def _identity(ctx: Any, x: Any, *a: Any, **kw: Any) -> Any:
    return x


def _noop(ctx: Any, *a: Any, **kw: Any) -> None:
    return None


def static_assert(ctx: Any, cond: Any, msg: Any = "", **kw: Any) -> None:
    known = ctx.known_truth(cond)
    if known is None:
        raise Unsupported("static_assert on a symbolic value", ctx.loc)
    if not known:
        raise AssertionError(f"tl.static_assert failed: {msg}")


def _constexpr(ctx: Any, x: Any = None) -> Any:
    return x


def next_power_of_2(ctx: Any, n: Any) -> int:
    v = ctx.static_int(n, "next_power_of_2 argument")
    if v is None:
        raise Unsupported("next_power_of_2 of a symbolic value inside the kernel", ctx.loc)
    return 1 if v <= 1 else 1 << (v - 1).bit_length()


HOOKS = ("program_id", "num_programs", "arange", "load", "store", "atomic_add", "atomic_max", "atomic_min",
         "atomic_xchg", "atomic_and", "atomic_or", "atomic_xor", "atomic_cas", "full", "broadcast_to",
         "broadcast", "reshape", "expand_dims", "trans", "xor_sum", "reduce", "associative_scan", "dot", "umulhi", "philox", "uint_to_uniform_float",
         "rand", "randn", "randint")

TL: dict[str, Any] = {
    **{name: _hook(name) for name in HOOKS},
    "view": _hook("reshape"), "permute": _hook("trans"),
    "sum": _sum, "max": _extreme("max"), "min": _extreme("min"), "argmax": _arg("max"), "argmin": _arg("min"),
    "cumsum": _scan("sum"), "cumprod": _scan("prod"),
    "zeros": zeros, "zeros_like": zeros_like, "full_like": full_like,
    "where": where, "cast": cast, "fma": fma, "clamp": clamp, "cdiv": cdiv,
    "maximum": _binary(Op.MAX), "minimum": _binary(Op.MIN), "fmax": _binary(Op.MAX), "fmin": _binary(Op.MIN),
    "pow": _binary(Op.POW), "div_rn": _binary(Op.DIV), "fdiv": _binary(Op.DIV), "fast_dividef": _binary(Op.DIV),
    "exp": _unary(Op.EXP), "exp2": _unary(Op.EXP2), "log": _unary(Op.LOG), "log2": _unary(Op.LOG2),
    "log1p": _unary(Op.LOG1P), "expm1": _expm1, "sqrt": _unary(Op.SQRT), "sqrt_rn": _unary(Op.SQRT),
    "rsqrt": _unary(Op.RSQRT), "abs": _unary(Op.ABS), "fabs": _unary(Op.ABS), "sin": _unary(Op.SIN),
    "cos": _unary(Op.COS), "tanh": _unary(Op.TANH), "erf": _unary(Op.ERF), "sigmoid": _unary(Op.SIGMOID),
    "floor": _unary(Op.FLOOR), "ceil": _unary(Op.CEIL), "trunc": _unary(Op.TRUNC), "rint": _unary(Op.RINT),
    "round": _unary(Op.RINT), "nearbyint": _unary(Op.RINT), "fast_expf": _unary(Op.EXP),
    "fast_logf": _unary(Op.LOG), "exp_": _unary(Op.EXP), "isnan": _isnan, "isinf": _isinf, "softmax": _softmax,
    "multiple_of": _identity, "max_contiguous": _identity, "max_constancy": _identity,
    "debug_barrier": _noop, "device_print": _noop, "static_print": _noop, "device_assert": _noop,
    "assume": _noop,
    "static_assert": static_assert, "constexpr": _constexpr,
}
TRITON: dict[str, Any] = {"cdiv": cdiv, "next_power_of_2": next_power_of_2}
MATH_CONSTANTS = {"pi": math.pi, "e": math.e, "inf": math.inf}
MATH_FUNCS = {"log": math.log, "log2": math.log2, "sqrt": math.sqrt, "exp": math.exp, "ceil": math.ceil,
              "floor": math.floor, "isqrt": math.isqrt, "tanh": math.tanh, "erf": math.erf}


def _host_math(f: Any):
    """`math.*` on compile-time numbers (a symbolic argument is refused)."""
    return lambda ctx, *args: f(*[ctx.python_number(a) for a in args])


MATH: dict[str, Any] = {k: _host_math(f) for k, f in MATH_FUNCS.items()}

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
        return MATH.get(leaf)
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
