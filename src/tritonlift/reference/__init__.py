"""The reference library: what PyTorch operators compute, as formulas in the project's DSL.

    from tritonlift import reference
    op = reference.get("aten::elu")                     # a RefOp (one row of the table)
    inst = reference.expand(op, {"alpha": 0.5}, rank=2)  # equations for a rank-2 input
    inst.text()  # 'out[i0, i1] = where(x[i0, i1] > 0, x[i0, i1], 0.5 * (exp(x[i0, i1]) - 1))'

Rows live in ops_pointwise.py (element-wise math, activations, arithmetic, comparisons),
ops_reduce.py (reductions, scans, softmax family), ops_nn.py (norms, losses) and ops_tensor.py
(matmul family, attention, convolution, indexing, layout, creation). Every row is tested
numerically against torch in float64 (tests/reference/test_library.py). `reference.against`
maps a row onto a launch spec's tensors for `tritonlift check --against` (docs/reference.md).
"""

from __future__ import annotations

from typing import Any

from .expand import Equation, Instance, View, expand
from .model import Arg, Param, ReferenceError, RefOp
from .ops_nn import OPS as _NN
from .ops_pointwise import OPS as _POINTWISE
from .ops_reduce import OPS as _REDUCE
from .ops_tensor import OPS as _TENSOR

__all__ = ["ALIASES", "OPS", "Arg", "Equation", "Instance", "Param", "RefOp", "ReferenceError", "View",
           "categories", "expand", "get", "names"]

OPS: tuple[RefOp, ...] = _POINTWISE + _REDUCE + _NN + _TENSOR

# other spellings of a row's name: overloads that compute the same, functional names
ALIASES = {
    "aten::sum.dim_IntList": "aten::sum", "aten::mean.dim": "aten::mean", "aten::prod.dim_int": "aten::prod",
    "aten::_softmax": "aten::softmax", "aten::_log_softmax": "aten::log_softmax",
    "aten::true_divide.Tensor": "aten::div.Tensor", "aten::true_divide.Scalar": "aten::div.Scalar",
    "aten::divide.Tensor": "aten::div.Tensor", "aten::absolute": "aten::abs", "aten::arcsinh": "aten::asinh",
    "aten::arctanh": "aten::atanh", "aten::sgn": "aten::sign", "aten::clip": "aten::clamp",
    "aten::greater.Tensor": "aten::gt.Tensor", "aten::greater.Scalar": "aten::gt.Scalar",
    "aten::var.correction": "aten::var", "aten::var.dim": "aten::var", "aten::std.correction": "aten::std",
    "aten::var_mean.correction": "aten::var_mean", "aten::norm": "aten::linalg_vector_norm",
    "aten::layer_norm": "aten::native_layer_norm", "aten::group_norm": "aten::native_group_norm",
    "aten::batch_norm": "aten::native_batch_norm", "aten::nll_loss_forward": "aten::nll_loss",
    "aten::scatter_add_": "aten::scatter_add", "aten::index_add_": "aten::index_add", "aten::t": "aten::t_copy",
    "aten::alias_copy": "aten::clone", "aten::lift_fresh_copy": "aten::clone", "aten::resolve_conj": "aten::clone",
    "aten::resolve_neg": "aten::clone", "aten::fill.Tensor": "aten::fill.Scalar", "aten::gelu_tanh": "aten::gelu",
    "liger::layer_norm": "aten::native_layer_norm", "liger::softmax": "aten::softmax",
    "liger::cross_entropy": "aten::cross_entropy", "liger::group_norm": "aten::native_group_norm",
}


def names() -> list[str]:
    """Every operator name, once (variants share a name)."""
    return sorted({op.name for op in OPS})


def categories() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for op in OPS:
        out.setdefault(op.category, [])
        if op.name not in out[op.category]:
            out[op.category].append(op.name)
    return out


def resolve(name: str) -> str:
    """The row name for `name`: aliases followed, `aten::` assumed without a namespace."""
    if "::" not in name:
        name = f"aten::{name}"
    return ALIASES.get(name, name)


def get(name: str, **params: Any) -> RefOp:
    """The row for `name` whose fixed parameters agree with `params` (gelu's approximate, ...).
    Raises ReferenceError naming the closest operators when there is none."""
    full = resolve(name)
    rows = [op for op in OPS if op.name == full]
    if not rows:
        import difflib

        close = difflib.get_close_matches(full, names() + list(ALIASES), n=3)
        raise ReferenceError(f"no reference operator {name!r}" + (f" (did you mean {', '.join(close)}?)" if close else ""))
    defaults: dict[str, Any] = {}  # a variant's parameter defaults to the first row's value
    for op in rows:
        for k, v in op.fixed.items():
            defaults.setdefault(k, v)
    for op in rows:
        if all(str(params.get(k, defaults[k])) == str(v) for k, v in op.fixed.items()):
            return op
    choices = "; ".join(", ".join(f"{k}={v!r}" for k, v in op.fixed.items()) for op in rows)
    raise ReferenceError(f"{full} has no variant for {params} (variants: {choices})")
