"""Reductions, scans and the softmax family: operators along one axis (`R` or `N`) that the
`dim` (or `dim` list) parameter places; `keepdim` keeps the reduced dims as size 1.

A reduction over several dims (`dim=[0, 1]`, or None for all) nests one binder per dim
(`reference.expand`); argmax/argmin take a single dim.
"""

from __future__ import annotations

from .model import Arg, Param, RefOp

_DIMS = (Param("dim", None, "dims"), Param("keepdim", False, "bool"))
_DIM1 = (Param("dim", -1, "dim"), Param("keepdim", False, "bool"))
_TESTS = ({"dim": [1]}, {"dim": [0], "keepdim": True}, {"dim": [0, 1]})
_TESTS1 = ({"dim": 0}, {"dim": 1, "keepdim": True})
X = (Arg("x", ("R",)),)
OUT = (Arg("out"),)
_MEAN = "sum(l, 0, R, x[l]) / R"
_VAR = f"sum(k, 0, R, (x[k] - {_MEAN}) ** 2) / (R - correction)"


def _red(name: str, body: str, torch: str, domain: str = "real", out: str = "float",
         params: tuple[Param, ...] = _DIMS, tests: tuple = _TESTS, outputs: tuple[Arg, ...] = OUT,
         equations: tuple[str, ...] = (), dtype: str = "float", note: str = "", cat: str = "reduction") -> RefOp:
    outs = tuple(Arg(o.name, dtype=out if o.dtype == "float" else o.dtype) for o in outputs)
    return RefOp(name, cat, (Arg("x", ("R",), dtype=dtype, domain=domain),), outs,
                 equations or (f"out[] = {body}",), torch, params, dim_axis="R", tests=tests, note=note)


def _scan(name: str, body: str, torch: str, outputs: tuple[Arg, ...] = (Arg("out", ("N",)),),
          equations: tuple[str, ...] = ()) -> RefOp:
    return RefOp(name, "scan", (Arg("x", ("N",)),), outputs, equations or (f"out[j] = {body}",), torch,
                 (Param("dim", -1, "dim"),), dim_axis="N", tests=({"dim": 0},))


def _row(name: str, body: str, torch: str, cat: str = "softmax") -> RefOp:
    return RefOp(name, cat, (Arg("x", ("N",)),), (Arg("out", ("N",)),), (f"out[j] = {body}",), torch,
                 (Param("dim", -1, "dim"),), dim_axis="N", tests=({"dim": 0},))


_LSE = "log(sum(k, 0, N, exp(x[k])))"
# sparsemax: k is in the support when 1 + |{l : x_l >= x_k}|·x_k > Σ_{l : x_l >= x_k} x_l
# (Martins & Astudillo 2016); tau = (Σ_{k in support} x_k - 1) / |support|
_IN = "where(1 + sum(l, 0, N, where(x[l] >= x[k], 1, 0)) * x[k] > sum(l, 0, N, where(x[l] >= x[k], x[l], 0)), 1, 0)"
_TAU = f"(sum(k, 0, N, {_IN} * x[k]) - 1) / sum(k, 0, N, {_IN})"

OPS: tuple[RefOp, ...] = (
    _red("aten::sum", "sum(k, 0, R, x[k])", "torch.sum(x, dim=dim, keepdim=keepdim)"),
    _red("aten::mean", "sum(k, 0, R, x[k]) / R", "torch.mean(x, dim=dim, keepdim=keepdim)"),
    _red("aten::prod", "prod(k, 0, R, x[k])", "torch.prod(x, dim[0], keepdim) if dim is not None else torch.prod(x)", params=(Param("dim", None, "dims"), Param("keepdim", False, "bool")),
         tests=({"dim": [1]}, {"dim": [0], "keepdim": True})),
    _red("aten::amax", "max_over(k, 0, R, x[k])", "torch.amax(x, dim=() if dim is None else dim, keepdim=keepdim)"),
    _red("aten::amin", "min_over(k, 0, R, x[k])", "torch.amin(x, dim=() if dim is None else dim, keepdim=keepdim)"),
    _red("aten::max", "max_over(k, 0, R, x[k])", "torch.max(x)", params=(Param("dim", None, "dims"),), tests=()),
    _red("aten::min", "min_over(k, 0, R, x[k])", "torch.min(x)", params=(Param("dim", None, "dims"),), tests=()),
    _red("aten::max.dim", "", "torch.max(x, dim, keepdim)", params=_DIM1, tests=_TESTS1,
         outputs=(Arg("values"), Arg("indices", dtype="int")),
         equations=("values[] = max_over(k, 0, R, x[k])", "indices[] = argmax(k, 0, R, x[k])")),
    _red("aten::min.dim", "", "torch.min(x, dim, keepdim)", params=_DIM1, tests=_TESTS1,
         outputs=(Arg("values"), Arg("indices", dtype="int")),
         equations=("values[] = min_over(k, 0, R, x[k])", "indices[] = argmin(k, 0, R, x[k])")),
    _red("aten::argmax", "argmax(k, 0, R, x[k])", "torch.argmax(x, dim, keepdim)", out="int", params=_DIM1,
         tests=_TESTS1, note="dim=None (the flattened tensor) is dim 0 of a rank-1 view"),
    _red("aten::argmin", "argmin(k, 0, R, x[k])", "torch.argmin(x, dim, keepdim)", out="int", params=_DIM1,
         tests=_TESTS1),
    _red("aten::var", _VAR, "torch.var(x, dim=dim, correction=correction, keepdim=keepdim)",
         params=(*_DIMS, Param("correction", 1, "int")), tests=(*_TESTS, {"dim": [1], "correction": 0})),
    _red("aten::std", f"sqrt({_VAR})", "torch.std(x, dim=dim, correction=correction, keepdim=keepdim)",
         params=(*_DIMS, Param("correction", 1, "int")), tests=_TESTS),
    _red("aten::var_mean", "", "torch.var_mean(x, dim=dim, correction=correction, keepdim=keepdim)",
         params=(*_DIMS, Param("correction", 1, "int")), tests=_TESTS, outputs=(Arg("var"), Arg("mean")),
         equations=(f"var[] = {_VAR}", f"mean[] = {_MEAN}")),
    _red("aten::logsumexp", "log(sum(k, 0, R, exp(x[k])))", "torch.logsumexp(x, dim=dim, keepdim=keepdim)",
         params=(Param("dim", [-1], "dims"), Param("keepdim", False, "bool")), cat="softmax"),
    RefOp("aten::linalg_vector_norm", "reduction", X, OUT, ("out[] = sqrt(sum(k, 0, R, x[k] * x[k]))",),
          "torch.linalg.vector_norm(x, 2, dim, keepdim)", _DIMS, {"ord": 2}, dim_axis="R", tests=_TESTS),
    RefOp("aten::linalg_vector_norm", "reduction", X, OUT, ("out[] = sum(k, 0, R, abs(x[k]))",),
          "torch.linalg.vector_norm(x, 1, dim, keepdim)", _DIMS, {"ord": 1}, dim_axis="R", tests=_TESTS),
    RefOp("aten::linalg_vector_norm", "reduction", X, OUT, ("out[] = max_over(k, 0, R, abs(x[k]))",),
          "torch.linalg.vector_norm(x, float('inf'), dim, keepdim)", _DIMS, {"ord": "inf"}, dim_axis="R",
          tests=_TESTS),
    _red("aten::count_nonzero", "sum(k, 0, R, where(x[k] != 0, 1, 0))", "torch.count_nonzero(x, dim=dim)",
         domain="small", dtype="int", out="int", params=(Param("dim", None, "dims"),),
         tests=({"dim": [1]}, {"dim": [0, 1]})),
    _red("aten::all", "sum(k, 0, R, where(x[k] == 0, 1, 0)) == 0", "torch.all(x, dim=dim, keepdim=keepdim) "
         "if dim is not None else torch.all(x)", domain="index:2", dtype="int", out="bool", cat="logic"),
    _red("aten::any", "sum(k, 0, R, where(x[k] != 0, 1, 0)) > 0", "torch.any(x, dim=dim, keepdim=keepdim) "
         "if dim is not None else torch.any(x)", domain="index:2", dtype="int", out="bool", cat="logic"),
    _red("aten::aminmax", "", "torch.aminmax(x, dim=None if dim is None else dim[0], keepdim=keepdim)",
         tests=({"dim": [1]}, {"dim": [0], "keepdim": True}), outputs=(Arg("min"), Arg("max")),
         equations=("min[] = min_over(k, 0, R, x[k])", "max[] = max_over(k, 0, R, x[k])")),
    # -- scans ----------------------------------------------------------------------------------------
    _scan("aten::cumsum", "sum(k, 0, j + 1, x[k])", "torch.cumsum(x, dim)"),
    _scan("aten::cumprod", "prod(k, 0, j + 1, x[k])", "torch.cumprod(x, dim)"),
    _scan("aten::logcumsumexp", "log(sum(k, 0, j + 1, exp(x[k])))", "torch.logcumsumexp(x, dim)"),
    _scan("aten::cummax", "", "torch.cummax(x, dim)", (Arg("values", ("N",)), Arg("indices", ("N",), dtype="int")),
          ("values[j] = max_over(k, 0, j + 1, x[k])", "indices[j] = argmax(k, 0, j + 1, x[k])")),
    _scan("aten::cummin", "", "torch.cummin(x, dim)", (Arg("values", ("N",)), Arg("indices", ("N",), dtype="int")),
          ("values[j] = min_over(k, 0, j + 1, x[k])", "indices[j] = argmin(k, 0, j + 1, x[k])")),
    # -- softmax family -----------------------------------------------------------------------------
    _row("aten::softmax", "exp(x[j]) / sum(k, 0, N, exp(x[k]))", "torch.softmax(x, dim)"),
    _row("aten::log_softmax", f"x[j] - {_LSE}", "torch.log_softmax(x, dim)"),
    _row("aten::_safe_softmax", "exp(x[j]) / sum(k, 0, N, exp(x[k]))", "torch._safe_softmax(x, dim)"),
    _row("aten::softmin", "exp(-x[j]) / sum(k, 0, N, exp(-x[k]))", "torch.nn.functional.softmin(x, dim)"),
    _row("liger::sparsemax", f"max(x[j] - {_TAU}, 0)", "ref.sparsemax(x, dim)"),
)
