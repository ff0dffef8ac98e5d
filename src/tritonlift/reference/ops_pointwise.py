"""Element-wise operators: math functions, activations, binary arithmetic, comparisons, logic.

Every row reads its tensors with no named axis (`x[]`): the operator maps over all dims (the
batch axes), inputs broadcast. Definitions follow the PyTorch documentation; the torch column is
what tests/reference/test_library.py compares with.
"""

from __future__ import annotations

from typing import Any

from .model import Arg, Param, RefOp

X = Arg("x")
OUT = Arg("out")


def _u(name: str, body: str, torch: str, cat: str = "elementwise", domain: str = "real",
       params: tuple[Param, ...] = (), fixed: dict[str, Any] | None = None, dtype: str = "float",
       out: str = "float", tests: tuple[dict[str, Any], ...] = (), note: str = "") -> RefOp:
    return RefOp(name, cat, (Arg("x", dtype=dtype, domain=domain),), (Arg("out", dtype=out),),
                 (f"out[] = {body}",), torch, params, dict(fixed or {}), tests=tests, note=note)


def _b(name: str, body: str, torch: str, cat: str = "elementwise", dy: str = "real", dx: str = "real",
       params: tuple[Param, ...] = (), fixed: dict[str, Any] | None = None, dtype: str = "float",
       out: str = "float", names: tuple[str, ...] = ("x", "y"), domains: tuple[str, ...] = ()) -> RefOp:
    doms = domains or (dx, dy)
    inputs = tuple(Arg(n, dtype=dtype if d not in ("bool",) else "bool", domain=d) for n, d in zip(names, doms, strict=True))
    return RefOp(name, cat, inputs, (Arg("out", dtype=out),), (f"out[] = {body}",), torch, params, dict(fixed or {}))


def _s(name: str, body: str, torch: str, value: float = 0.5, dx: str = "real", cat: str = "elementwise",
       params: tuple[Param, ...] = (), dtype: str = "float", out: str = "float") -> RefOp:
    """A Tensor-Scalar overload: `other` is a real parameter."""
    return _u(name, body, torch, cat, dx, (Param("other", value), *params), dtype=dtype, out=out)


_ALPHA = (Param("alpha", 1.0),)
A = "activation"

OPS: tuple[RefOp, ...] = (
    # -- math functions ---------------------------------------------------------------------------
    _u("aten::abs", "abs(x[])", "torch.abs(x)"),
    _u("aten::neg", "-x[]", "torch.neg(x)"),
    _u("aten::exp", "exp(x[])", "torch.exp(x)"),
    _u("aten::exp2", "exp2(x[])", "torch.exp2(x)"),
    _u("aten::expm1", "exp(x[]) - 1", "torch.expm1(x)"),
    _u("aten::log", "log(x[])", "torch.log(x)", domain="positive"),
    _u("aten::log2", "log2(x[])", "torch.log2(x)", domain="positive"),
    _u("aten::log10", "log(x[]) / log(10)", "torch.log10(x)", domain="positive"),
    _u("aten::log1p", "log1p(x[])", "torch.log1p(x)", domain="positive"),
    _u("aten::sqrt", "sqrt(x[])", "torch.sqrt(x)", domain="positive"),
    _u("aten::rsqrt", "rsqrt(x[])", "torch.rsqrt(x)", domain="positive"),
    _u("aten::reciprocal", "1 / x[]", "torch.reciprocal(x)", domain="nonzero"),
    _u("aten::square", "x[] * x[]", "torch.square(x)"),
    _u("aten::sin", "sin(x[])", "torch.sin(x)"),
    _u("aten::cos", "cos(x[])", "torch.cos(x)"),
    _u("aten::tan", "sin(x[]) / cos(x[])", "torch.tan(x)", domain="open"),
    _u("aten::tanh", "tanh(x[])", "torch.tanh(x)"),
    _u("aten::sinh", "(exp(x[]) - exp(-x[])) / 2", "torch.sinh(x)"),
    _u("aten::cosh", "(exp(x[]) + exp(-x[])) / 2", "torch.cosh(x)"),
    _u("aten::asinh", "log(x[] + sqrt(x[] * x[] + 1))", "torch.asinh(x)"),
    _u("aten::atanh", "log((1 + x[]) / (1 - x[])) / 2", "torch.atanh(x)", domain="open"),
    _u("aten::erf", "erf(x[])", "torch.erf(x)"),
    _u("aten::ceil", "ceil(x[])", "torch.ceil(x)"),
    _u("aten::floor", "floor(x[])", "torch.floor(x)"),
    _u("aten::trunc", "trunc(x[])", "torch.trunc(x)"),
    _u("aten::round", "rint(x[])", "torch.round(x)", note="half to even, as rint"),
    _u("aten::sign", "where(x[] > 0, 1, where(x[] < 0, -1, 0))", "torch.sign(x)"),
    _u("aten::signbit", "x[] < 0", "torch.signbit(x)", out="bool", note="-0.0 is not modelled"),
    _u("aten::angle", "where(x[] < 0, pi, 0)", "torch.angle(x)", note="real input"),
    _u("aten::logit", "log(x[] / (1 - x[]))", "torch.logit(x)", domain="unit"),
    _u("aten::clone", "x[]", "torch.clone(x)", cat="copy"),
    _u("aten::contiguous", "x[]", "x.contiguous()", cat="copy"),
    _u("aten::conj_physical", "x[]", "torch.conj_physical(x)", cat="copy", note="real input"),
    _u("aten::bitwise_not", "-x[] - 1", "torch.bitwise_not(x)", dtype="int", domain="small", out="int"),
    _u("aten::logical_not", "not x[]", "torch.logical_not(x)", dtype="bool", out="bool"),
    # -- activations --------------------------------------------------------------------------------
    _u("aten::relu", "max(x[], 0)", "torch.relu(x)", A),
    _u("aten::relu6", "min(max(x[], 0), 6)", "F.relu6(x)", A),
    _u("aten::leaky_relu", "where(x[] > 0, x[], negative_slope * x[])", "F.leaky_relu(x, negative_slope)", A,
       params=(Param("negative_slope", 0.01),)),
    _u("aten::elu", "where(x[] > 0, scale * x[], scale * alpha * (exp(input_scale * x[]) - 1))",
       "torch.ops.aten.elu(x, alpha, scale, input_scale)", A,
       params=(Param("alpha", 1.0), Param("scale", 1.0), Param("input_scale", 1.0)),
       tests=({"alpha": 0.7, "scale": 1.3, "input_scale": 0.5},),
       note="aten's scale multiplies both branches; input_scale the exponent only"),
    _u("aten::celu", "max(x[], 0) + min(alpha * (exp(x[] / alpha) - 1), 0)", "F.celu(x, alpha)", A,
       params=(Param("alpha", 1.0),), tests=({"alpha": 0.5},)),
    _u("aten::selu", "1.0507009873554805 * where(x[] > 0, x[], 1.6732632423543772 * (exp(x[]) - 1))",
       "torch.selu(x)", A),
    _u("aten::gelu", "gelu(x[])", "F.gelu(x)", A, fixed={"approximate": "none"}),
    _u("aten::gelu", "gelu_tanh(x[])", "F.gelu(x, approximate='tanh')", A, fixed={"approximate": "tanh"}),
    _u("aten::silu", "silu(x[])", "F.silu(x)", A),
    _u("aten::sigmoid", "sigmoid(x[])", "torch.sigmoid(x)", A),
    _u("aten::hardsigmoid", "min(max(x[] / 6 + 0.5, 0), 1)", "F.hardsigmoid(x)", A),
    _u("aten::hardswish", "x[] * min(max(x[] + 3, 0), 6) / 6", "F.hardswish(x)", A),
    _u("aten::hardtanh", "min(max(x[], min_val), max_val)", "F.hardtanh(x, min_val, max_val)", A,
       params=(Param("min_val", -1.0), Param("max_val", 1.0))),
    _u("aten::softplus", "where(beta * x[] > threshold, x[], log(1 + exp(beta * x[])) / beta)",
       "F.softplus(x, beta, threshold)", A, params=(Param("beta", 1.0), Param("threshold", 20.0)),
       tests=({"beta": 2.0, "threshold": 0.5},)),
    _u("aten::mish", "x[] * tanh(softplus(x[]))", "F.mish(x)", A),
    _u("aten::log_sigmoid", "log(sigmoid(x[]))", "F.logsigmoid(x)", A),
    _u("aten::softshrink", "where(x[] > lambd, x[] - lambd, where(x[] < -lambd, x[] + lambd, 0))",
       "F.softshrink(x, lambd)", A, params=(Param("lambd", 0.5),)),
    _u("aten::hardshrink", "where(abs(x[]) > lambd, x[], 0)", "F.hardshrink(x, lambd)", A,
       params=(Param("lambd", 0.5),)),
    _u("aten::threshold", "where(x[] > threshold, x[], value)", "F.threshold(x, threshold, value)", A,
       params=(Param("threshold", 0.1), Param("value", -2.0))),
    _u("aten::tanhshrink", "x[] - tanh(x[])", "F.tanhshrink(x)", A),
    _u("aten::softsign", "x[] / (1 + abs(x[]))", "F.softsign(x)", A),
    _u("liger::relu_squared", "max(x[], 0) ** 2", "torch.relu(x) ** 2", A),
    _b("liger::swiglu", "silu(gate_multiplier * a[]) * b[]", "F.silu(gate_multiplier * a) * b", A, names=("a", "b"),
       params=(Param("gate_multiplier", 1.0),)),
    _b("liger::geglu", "gelu_tanh(a[]) * b[]", "F.gelu(a, approximate='tanh') * b", A, names=("a", "b")),
    RefOp("aten::glu", A, (Arg("x", ("N",)),), (Arg("out", ("H",)),),
          ("out[j] = x[j] * sigmoid(x[j + H])",), "F.glu(x, dim)", (Param("dim", -1, "dim"),),
          dim_axis="N", dim_alias=("H",), lets={"H": "N // 2"}, sizes={"N": 6}, tests=({"dim": 0},)),
    RefOp("aten::prelu", A, (Arg("x", ("C",)), Arg("weight", ("C",), batch=False)), (Arg("out", ("C",)),),
          ("out[c] = where(x[c] > 0, x[c], weight[c] * x[c])",), "torch.prelu(x, weight)",
          (Param("dim", 1, "dim"),), dim_axis="C", note="one weight per channel (dim 1)"),
    RefOp("liger::dyt", A, (Arg("x", ("N",)), Arg("alpha", (), batch=False), Arg("gamma", ("N",), batch=False),
                            Arg("beta", ("N",), batch=False)), (Arg("out", ("N",)),),
          ("out[j] = gamma[j] * tanh(alpha[] * x[j]) + beta[j]",), "gamma * torch.tanh(alpha * x) + beta",
          note="dynamic tanh (Liger's DyT)"),
    # -- binary arithmetic --------------------------------------------------------------------------
    _b("aten::add.Tensor", "x[] + alpha * y[]", "torch.add(x, y, alpha=alpha)", params=_ALPHA),
    _s("aten::add.Scalar", "x[] + alpha * other", "torch.add(x, other, alpha=alpha)", params=_ALPHA),
    _b("aten::sub.Tensor", "x[] - alpha * y[]", "torch.sub(x, y, alpha=alpha)", params=_ALPHA),
    _s("aten::sub.Scalar", "x[] - alpha * other", "torch.sub(x, other, alpha=alpha)", params=_ALPHA),
    _b("aten::mul.Tensor", "x[] * y[]", "torch.mul(x, y)"),
    _s("aten::mul.Scalar", "x[] * other", "torch.mul(x, other)"),
    _b("aten::div.Tensor", "x[] / y[]", "torch.div(x, y)", dy="nonzero"),
    _s("aten::div.Scalar", "x[] / other", "torch.div(x, other)", value=0.75),
    _b("aten::div.Tensor_mode", "floor(x[] / y[])", "torch.div(x, y, rounding_mode='floor')", dy="nonzero",
       fixed={"rounding_mode": "floor"}),
    _b("aten::div.Tensor_mode", "trunc(x[] / y[])", "torch.div(x, y, rounding_mode='trunc')", dy="nonzero",
       fixed={"rounding_mode": "trunc"}),
    _b("aten::floor_divide", "floor(x[] / y[])", "torch.floor_divide(x, y)", dy="nonzero"),
    _b("aten::remainder.Tensor", "x[] - floor(x[] / y[]) * y[]", "torch.remainder(x, y)", dy="nonzero"),
    _s("aten::remainder.Scalar", "x[] - floor(x[] / other) * other", "torch.remainder(x, other)", value=0.75),
    _b("aten::pow.Tensor_Tensor", "x[] ** y[]", "torch.pow(x, y)", dx="positive"),
    _u("aten::pow.Tensor_Scalar", "x[] ** exponent", "torch.pow(x, exponent)", domain="positive",
       params=(Param("exponent", 2.5),)),
    _u("aten::pow.Scalar", "base ** x[]", "torch.pow(base, x)", params=(Param("base", 1.5),)),
    _b("aten::maximum", "max(x[], y[])", "torch.maximum(x, y)"),
    _b("aten::minimum", "min(x[], y[])", "torch.minimum(x, y)"),
    _b("aten::fmax", "max(x[], y[])", "torch.fmax(x, y)"),
    _b("aten::fmin", "min(x[], y[])", "torch.fmin(x, y)"),
    _b("aten::hypot", "sqrt(x[] * x[] + y[] * y[])", "torch.hypot(x, y)"),
    _b("aten::logaddexp", "log(exp(x[]) + exp(y[]))", "torch.logaddexp(x, y)"),
    _b("aten::copysign", "where(y[] < 0, -abs(x[]), abs(x[]))", "torch.copysign(x, y)"),
    _b("aten::lerp.Scalar", "x[] + weight * (y[] - x[])", "torch.lerp(x, y, weight)", params=(Param("weight", 0.3),)),
    _b("aten::lerp.Tensor", "x[] + w[] * (y[] - x[])", "torch.lerp(x, y, w)", names=("x", "y", "w"),
       domains=("real", "real", "unit")),
    _b("aten::addcmul", "x[] + value * t1[] * t2[]", "torch.addcmul(x, t1, t2, value=value)",
       names=("x", "t1", "t2"), domains=("real", "real", "real"), params=(Param("value", 1.0),)),
    _b("aten::addcdiv", "x[] + value * t1[] / t2[]", "torch.addcdiv(x, t1, t2, value=value)",
       names=("x", "t1", "t2"), domains=("real", "real", "nonzero"), params=(Param("value", 1.0),)),
    _b("aten::where.self", "where(condition[], x[], y[])", "torch.where(condition, x, y)",
       names=("condition", "x", "y"), domains=("bool", "real", "real"), cat="selection"),
    _b("aten::masked_fill.Scalar", "where(mask[], value, x[])", "x.masked_fill(mask, value)",
       names=("x", "mask"), domains=("real", "bool"), params=(Param("value", -1.5),), cat="selection"),
    _u("aten::clamp", "min(max(x[], min_val), max_val)", "torch.clamp(x, min_val, max_val)",
       params=(Param("min_val", -0.5), Param("max_val", 0.5))),
    _u("aten::clamp_min", "max(x[], min_val)", "torch.clamp_min(x, min_val)", params=(Param("min_val", -0.5),)),
    _b("aten::clamp.Tensor", "min(max(x[], lo[]), hi[])", "torch.clamp(x, lo, hi)", names=("x", "lo", "hi"),
       domains=("real", "real", "real")),
    # -- comparisons and logic ------------------------------------------------------------------
    _b("aten::eq.Tensor", "x[] == y[]", "torch.eq(x, y)", "comparison", "small", "small", dtype="int", out="bool"),
    _b("aten::ne.Tensor", "x[] != y[]", "torch.ne(x, y)", "comparison", "small", "small", dtype="int", out="bool"),
    _b("aten::lt.Tensor", "x[] < y[]", "torch.lt(x, y)", "comparison", out="bool"),
    _b("aten::le.Tensor", "x[] <= y[]", "torch.le(x, y)", "comparison", out="bool"),
    _b("aten::gt.Tensor", "x[] > y[]", "torch.gt(x, y)", "comparison", out="bool"),
    _b("aten::ge.Tensor", "x[] >= y[]", "torch.ge(x, y)", "comparison", out="bool"),
    _s("aten::eq.Scalar", "x[] == other", "torch.eq(x, other)", 1.0, "small", "comparison", dtype="int", out="bool"),
    _s("aten::ne.Scalar", "x[] != other", "torch.ne(x, other)", 1.0, "small", "comparison", dtype="int", out="bool"),
    _s("aten::lt.Scalar", "x[] < other", "torch.lt(x, other)", cat="comparison", out="bool"),
    _s("aten::le.Scalar", "x[] <= other", "torch.le(x, other)", cat="comparison", out="bool"),
    _s("aten::gt.Scalar", "x[] > other", "torch.gt(x, other)", cat="comparison", out="bool"),
    _s("aten::ge.Scalar", "x[] >= other", "torch.ge(x, other)", cat="comparison", out="bool"),
    _b("aten::isclose", "abs(x[] - y[]) <= atol + rtol * abs(y[])", "torch.isclose(x, y, rtol, atol)",
       "comparison", params=(Param("rtol", 0.3), Param("atol", 0.1)), out="bool"),
    _b("aten::logical_and", "x[] and y[]", "torch.logical_and(x, y)", "logic", "bool", "bool", out="bool"),
    _b("aten::logical_or", "x[] or y[]", "torch.logical_or(x, y)", "logic", "bool", "bool", out="bool"),
    _b("aten::logical_xor", "x[] != y[]", "torch.logical_xor(x, y)", "logic", "bool", "bool", out="bool"),
    _b("aten::bitwise_and.Tensor", "x[] & y[]", "torch.bitwise_and(x, y)", "logic", "bits", "bits", dtype="int", out="int"),
    _b("aten::bitwise_or.Tensor", "x[] | y[]", "torch.bitwise_or(x, y)", "logic", "bits", "bits", dtype="int", out="int"),
    _b("aten::bitwise_xor.Tensor", "x[] ^ y[]", "torch.bitwise_xor(x, y)", "logic", "bits", "bits", dtype="int", out="int"),
    _b("aten::bitwise_left_shift", "x[] << y[]", "torch.bitwise_left_shift(x, y)", "logic", "index:5", "bits",
       dtype="int", out="int"),
    _b("aten::bitwise_right_shift", "x[] >> y[]", "torch.bitwise_right_shift(x, y)", "logic", "index:5", "bits",
       dtype="int", out="int"),
)
