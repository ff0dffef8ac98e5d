"""Normalisations and losses.

Norms normalise along their last named axis (`N`, or `C, S` for group and batch norm); a loss
row states the per-element loss (reduction='none'); `reduction='sum'` sums it over the batch and
`'mean'` divides by the summed `loss` weight (1 per element, or only the rows whose target is
not `ignore_index`), `'batchmean'` by the first dim.
"""

from __future__ import annotations

from .model import Arg, Param, RefOp

_EPS = Param("eps", 1e-5)
_RED = Param("reduction", "mean", "str")
_RED_TESTS = ({"reduction": "none"}, {"reduction": "sum"})
_MU = "sum(l, 0, N, x[l]) / N"
_VAR = f"sum(k, 0, N, (x[k] - {_MU}) ** 2) / N"
_MS = "sum(k, 0, N, x[k] * x[k]) / N"
W = Arg("weight", ("N",), batch=False)
B = Arg("bias", ("N",), batch=False)


def _pair(name: str, body: str, torch: str, params: tuple[Param, ...] = (), domains: tuple[str, str] = ("real", "real"),
          names: tuple[str, str] = ("x", "y"), loss: str = "1", tests: tuple = _RED_TESTS) -> RefOp:
    inputs = tuple(Arg(n, domain=d) for n, d in zip(names, domains, strict=True))
    return RefOp(name, "loss", inputs, (Arg("out"),), (f"out[] = {body}",), torch, (*params, _RED), loss=loss,
                 tests=tests)


def _row_loss(name: str, body: str, torch: str, params: tuple[Param, ...] = (), loss: str = "1",
              inputs: tuple[Arg, ...] = (), tests: tuple = _RED_TESTS, reduction: str = "mean",
              note: str = "") -> RefOp:
    return RefOp(name, "loss", inputs, (Arg("out"),), (f"out[] = {body}",), torch,
                 (*params, Param("reduction", reduction, "str")), loss=loss, tests=tests, note=note)


_CE_LSE = "log(sum(k, 0, C, exp(x[k])))"
_LOGITS = "sum(h, 0, H, x[h] * weight[{c}, h])"
_M = "(beta * exp(target[k]) + (1 - beta) * exp(x[k]))"

OPS: tuple[RefOp, ...] = (
    # -- norms -----------------------------------------------------------------------------------------
    RefOp("aten::native_layer_norm", "norm", (Arg("x", ("N",)), W, B),
          (Arg("out", ("N",)), Arg("mean"), Arg("rstd")),
          (f"out[j] = (x[j] - {_MU}) / sqrt({_VAR} + eps) * weight[j] + bias[j]",
           f"mean[] = {_MU}", f"rstd[] = rsqrt({_VAR} + eps)"),
          "ref.native_layer_norm(x, weight, bias, eps)", (_EPS,), tests=({"eps": 0.5},),
          note="normalized_shape = the last dim"),
    RefOp("aten::rms_norm", "norm", (Arg("x", ("N",)), W), (Arg("out", ("N",)), Arg("rstd", optional=True)),
          (f"out[j] = x[j] / sqrt({_MS} + eps) * weight[j]", f"rstd[] = rsqrt({_MS} + eps)"),
          "F.rms_norm(x, [x.shape[-1]], weight, eps)", (Param("eps", 1e-6),), tests=({"eps": 0.5},),
          note="normalized_shape = the last dim"),
    RefOp("liger::rms_norm", "norm", (Arg("x", ("N",)), W), (Arg("out", ("N",)), Arg("rstd")),
          (f"out[j] = x[j] * rsqrt({_MS} + eps) * (offset + weight[j])", f"rstd[] = rsqrt({_MS} + eps)"),
          "ref.rms_norm_offset(x, weight, eps, offset)", (Param("eps", 1e-6), Param("offset", 0.0)),
          tests=({"offset": 1.0, "eps": 0.5},), note="Gemma's offset: (offset + weight)"),
    RefOp("liger::fused_add_rms_norm", "norm", (Arg("x", ("N",)), Arg("residual", ("N",)), W),
          (Arg("out", ("N",)), Arg("sum", ("N",)), Arg("rstd")),
          ("out[j] = (x[j] + residual[j]) * rsqrt(sum(k, 0, N, (x[k] + residual[k]) ** 2) / N + eps) * (offset + weight[j])",
           "sum[j] = x[j] + residual[j]", "rstd[] = rsqrt(sum(k, 0, N, (x[k] + residual[k]) ** 2) / N + eps)"),
          "ref.fused_add_rms_norm(x, residual, weight, eps, offset)", (Param("eps", 1e-6), Param("offset", 0.0))),
    RefOp("liger::poly_norm", "norm", (Arg("x", ("N",)), Arg("weight", ("T",), batch=False), Arg("bias", (), batch=False)),
          (Arg("out", ("N",)),),
          ("out[j] = weight[0] * x[j] ** 3 * rsqrt(sum(k, 0, N, x[k] ** 6) / N + eps)"
           " + weight[1] * x[j] ** 2 * rsqrt(sum(k, 0, N, x[k] ** 4) / N + eps)"
           " + weight[2] * x[j] * rsqrt(sum(k, 0, N, x[k] ** 2) / N + eps) + bias[]",),
          "ref.poly_norm(x, weight, bias, eps)", (Param("eps", 1e-6),), sizes={"T": 3}),
    RefOp("aten::native_group_norm", "norm",
          (Arg("x", ("C", "S")), Arg("weight", ("C",), batch=False), Arg("bias", ("C",), batch=False)),
          (Arg("out", ("C", "S")),),
          ("out[c, s] = (x[c, s] - MU) / sqrt(sum(k, 0, C // groups, sum(l, 0, S, (x[(c // (C // groups)) * (C // groups) + k, l] - MU) ** 2)) / (C // groups * S) + eps) * weight[c] + bias[c]"
           .replace("MU", "sum(m, 0, C // groups, sum(n, 0, S, x[(c // (C // groups)) * (C // groups) + m, n])) / (C // groups * S)"),),
          "F.group_norm(x, groups, weight, bias, eps)", (Param("groups", 2, "int"), _EPS), sizes={"C": 6, "S": 4},
          note="x is [B, C, S] (spatial dims flattened); groups divides C"),
    RefOp("aten::native_batch_norm", "norm",
          (Arg("x", ("B", "C", "S"), batch=False), Arg("weight", ("C",), batch=False), Arg("bias", ("C",), batch=False)),
          (Arg("out", ("B", "C", "S"), batch=False),),
          ("out[b, c, s] = (x[b, c, s] - MU) / sqrt(sum(m, 0, B, sum(n, 0, S, (x[m, c, n] - MU) ** 2)) / (B * S) + eps) * weight[c] + bias[c]"
           .replace("MU", "sum(m, 0, B, sum(n, 0, S, x[m, c, n])) / (B * S)"),),
          "F.batch_norm(x, None, None, weight, bias, training=True, eps=eps)", (_EPS,), sizes={"B": 3, "C": 2, "S": 4},
          note="training mode: batch statistics"),
    RefOp("aten::_weight_norm_interface", "norm", (Arg("v", ("O", "K"), batch=False), Arg("g", ("O",), batch=False)),
          (Arg("out", ("O", "K"), batch=False),), ("out[o, k] = g[o] * v[o, k] / sqrt(sum(l, 0, K, v[o, l] ** 2))",),
          "torch._weight_norm(v, g[:, None], 0)", note="dim = 0"),
    # -- losses ------------------------------------------------------------------------------------------
    _pair("aten::mse_loss", "(x[] - y[]) ** 2", "F.mse_loss(x, y, reduction=reduction)"),
    _pair("aten::l1_loss", "abs(x[] - y[])", "F.l1_loss(x, y, reduction=reduction)"),
    _pair("aten::smooth_l1_loss", "where(abs(x[] - y[]) < beta, 0.5 * (x[] - y[]) ** 2 / beta, abs(x[] - y[]) - 0.5 * beta)",
          "F.smooth_l1_loss(x, y, reduction=reduction, beta=beta)", (Param("beta", 1.0),)),
    _pair("aten::huber_loss", "where(abs(x[] - y[]) < delta, 0.5 * (x[] - y[]) ** 2, delta * (abs(x[] - y[]) - 0.5 * delta))",
          "F.huber_loss(x, y, reduction=reduction, delta=delta)", (Param("delta", 1.0),)),
    _pair("aten::soft_margin_loss", "log(1 + exp(-y[] * x[]))", "F.soft_margin_loss(x, y, reduction=reduction)"),
    _pair("aten::binary_cross_entropy", "-(y[] * log(x[]) + (1 - y[]) * log(1 - x[]))",
          "F.binary_cross_entropy(x, y, reduction=reduction)", domains=("unit", "unit")),
    _pair("aten::binary_cross_entropy_with_logits", "(1 - y[]) * x[] + log(1 + exp(-x[]))",
          "F.binary_cross_entropy_with_logits(x, y, reduction=reduction)", domains=("real", "unit")),
    _pair("aten::kl_div", "y[] * (log(y[]) - x[])", "F.kl_div(x, y, reduction=reduction)",
          domains=("logprob", "prob"), tests=(*_RED_TESTS, {"reduction": "batchmean"})),
    RefOp("aten::margin_ranking_loss", "loss", (Arg("x1"), Arg("x2"), Arg("y")), (Arg("out"),),
          ("out[] = max(-y[] * (x1[] - x2[]) + margin, 0)",),
          "F.margin_ranking_loss(x1, x2, y, margin=margin, reduction=reduction)", (Param("margin", 0.0), _RED),
          loss="1", tests=({"margin": 0.3, "reduction": "sum"}, {"reduction": "none"})),
    _row_loss("aten::nll_loss", "where(target[] != ignore_index, -x[target[]], 0)",
              "F.nll_loss(x, target, ignore_index=ignore_index, reduction=reduction)",
              (Param("ignore_index", -100, "int"),), "where(target[] != ignore_index, 1, 0)",
              (Arg("x", ("C",), domain="logprob"), Arg("target", dtype="int", domain="index:C:ignore_index")),
              note="x is [B, C]; no class weights"),
    _row_loss("aten::cross_entropy",
              f"where(target[] != ignore_index, (1 - label_smoothing) * ({_CE_LSE} - x[target[]])"
              f" + label_smoothing / C * sum(l, 0, C, {_CE_LSE} - x[l]), 0)",
              "F.cross_entropy(x, target, ignore_index=ignore_index, label_smoothing=label_smoothing, "
              "reduction=reduction)", (Param("ignore_index", -100, "int"), Param("label_smoothing", 0.0)),
              "where(target[] != ignore_index, 1, 0)",
              (Arg("x", ("C",)), Arg("target", dtype="int", domain="index:C:ignore_index")),
              tests=(*_RED_TESTS, {"label_smoothing": 0.1}), note="x is [B, C] logits; no class weights"),
    _row_loss("liger::fused_linear_cross_entropy",
              f"where(target[] != ignore_index, log(sum(k, 0, V, exp({_LOGITS.format(c='k')})))"
              f" - {_LOGITS.format(c='target[]')}, 0)",
              "F.cross_entropy(x @ weight.T, target, ignore_index=ignore_index, reduction=reduction)",
              (Param("ignore_index", -100, "int"),), "where(target[] != ignore_index, 1, 0)",
              (Arg("x", ("H",)), Arg("weight", ("V", "H"), batch=False),
               Arg("target", dtype="int", domain="index:V:ignore_index")),
              note="cross entropy of x @ weight.T, the logits never stored"),
    _row_loss("liger::kl_div", "sum(k, 0, V, y[k] * (log(max(y[k], eps)) - x[k]))",
              "ref.liger_kl_div(x, y, eps, reduction)", (Param("eps", 1e-10),),
              inputs=(Arg("x", ("V",), domain="logprob"), Arg("y", ("V",), domain="prob")),
              tests=({"reduction": "sum"},), reduction="batchmean",
              note="rows of V log-probabilities (x) against probabilities (y); Liger clamps y at eps in log"),
    _row_loss("liger::jsd",
              f"sum(k, 0, V, beta * exp(target[k]) * (target[k] - log({_M})) + (1 - beta) * exp(x[k]) * (x[k] - log({_M})))",
              "ref.jsd(x, target, beta)", (Param("beta", 0.5),),
              inputs=(Arg("x", ("V",), domain="logprob"), Arg("target", ("V",), domain="logprob")),
              tests=({"beta": 0.25},),
              note="generalised JSD of log-probabilities x (student) and target (teacher), averaged over rows"),
    _row_loss("liger::tvd", "sum(k, 0, V, abs(p[k] - q[k])) / 2", "ref.tvd(p, q, reduction)",
              inputs=(Arg("p", ("V",), domain="prob"), Arg("q", ("V",), domain="prob")), reduction="batchmean",
              tests=({"reduction": "sum"}, {"reduction": "none"}), note="total variation distance per row"),
)
