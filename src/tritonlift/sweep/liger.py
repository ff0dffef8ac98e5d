"""Liger-Kernel 0.8.5 operators (liger_kernel.ops forward functions): example host calls and the
reference operator of each. Losses whose kernel writes a per-row tensor that the host sums are
checked per row (reduction='none' of the reference), the host's sum being plain torch."""

from __future__ import annotations

from typing import Any

from .table import SweepCall

L = "liger"
OPS_MODULE = "liger_kernel.ops"


def _c(name: str, call: str, shapes: dict[str, str], op: str, params: dict[str, Any] | None = None, **kw: Any) -> SweepCall:
    return SweepCall(L, name, f"{OPS_MODULE}.{call}", shapes, op, dict(params or {}), **kw)


_XW = {"x": "M,N", "w": "N"}
_ROWS = {"dtypes": {"target": "i64"}, "ranges": {"target": "0:V"}}

CALLS: tuple[SweepCall, ...] = (
    _c("rms_norm", 'rms_norm.rms_norm_forward(x, w, eps, offset, "llama", False)', _XW, "liger::rms_norm",
       reals=("eps=1e-6: eps > 0", "offset=0.0"), tensors={"weight": "w"}),
    _c("rms_norm_gemma", 'rms_norm.rms_norm_forward(x, w, eps, offset, "gemma", False)', _XW, "liger::rms_norm",
       reals=("eps=1e-6: eps > 0", "offset=1.0"), tensors={"weight": "w"}),
    _c("layer_norm", "layer_norm.layer_norm_forward(x, w, b, eps)", {"x": "M,N", "w": "N", "b": "N"},
       "aten::native_layer_norm", reals=("eps=1e-6: eps > 0",), tensors={"weight": "w", "bias": "b"}),
    _c("swiglu", "swiglu.swiglu_forward(a, b, gate_multiplier=gate_multiplier)", {"a": "M,N", "b": "M,N"},
       "liger::swiglu", reals=("gate_multiplier=1.0",)),
    _c("geglu", "geglu.geglu_forward(a, b)", {"a": "M,N", "b": "M,N"}, "liger::geglu"),
    _c("relu_squared", "relu_squared.relu_squared_forward(x)", {"x": "M,N"}, "liger::relu_squared"),
    _c("softmax", "softmax._softmax_forward(x)", {"x": "M,N"}, "aten::softmax"),
    _c("sparsemax", "sparsemax._sparsemax_forward(x, -1)", {"x": "M,N"}, "liger::sparsemax"),
    _c("dyt", "dyt.liger_dyt_fwd(x, alpha, gamma, beta)", {"x": "M,N", "alpha": "1", "gamma": "N", "beta": "N"},
       "liger::dyt"),
    _c("fused_add_rms_norm", 'fused_add_rms_norm.fused_add_rms_norm_forward(x, r, w, eps, offset, "llama")',
       {"x": "M,N", "r": "M,N", "w": "N"}, "liger::fused_add_rms_norm", reals=("eps=1e-6: eps > 0", "offset=0.0"),
       tensors={"residual": "r", "weight": "w"}),
    _c("poly_norm", "poly_norm.poly_norm_forward(x, w, b, eps)", {"x": "M,N", "w": "3", "b": "1"}, "liger::poly_norm",
       reals=("eps=1e-6: eps > 0",), tensors={"weight": "w", "bias": "b"}),
    _c("group_norm", "group_norm.group_norm_forward(x, C, 2, w, b, eps)", {"x": "B,C,S", "w": "C", "b": "C"},
       "aten::native_group_norm", {"groups": 2}, reals=("eps=1e-6: eps > 0",), constraints=("C % 2 == 0",),
       tensors={"weight": "w", "bias": "b"}),
    _c("cross_entropy", 'cross_entropy.cross_entropy_forward(x.requires_grad_(), target, None, -100, 0.0, 0.0, "sum", '
       "None, False)", {"x": "M,V", "target": "M"}, "aten::cross_entropy", {"reduction": "none"}, **_ROWS),
    _c("kl_div", 'kl_div.kldiv_forward_triton(y_pred, y_true, False, "batchmean", eps)', {"y_pred": "M,V", "y_true": "M,V"},
       "liger::kl_div", {"reduction": "none"}, reals=("eps=1e-10: eps > 0",)),
    _c("jsd", "jsd.jsd_forward(x, target, None, beta, -100, False)", {"x": "M,V", "target": "M,V"}, "liger::jsd",
       {"reduction": "none"}, reals=("beta=0.5",)),
    _c("tvd", 'tvd.tv_distance_forward_triton(p, q, None, "sum", -100, False)', {"p": "M,V", "q": "M,V"}, "liger::tvd",
       {"reduction": "none"}),
    _c("rope", "rope.rope_forward(q, k, cos, sin)", {"q": "B,HQ,S,D", "k": "B,HK,S,D", "cos": "1,S,D", "sin": "1,S,D"},
       "liger::rope", constraints=("D % 2 == 0",), tensors={"q": "q", "out": "q"}),
    _c("fused_linear_cross_entropy", 'fused_linear_cross_entropy.fused_linear_cross_entropy_forward(x.requires_grad_(), '
       'w.requires_grad_(), target, reduction="sum")', {"x": "M,H", "w": "V,H", "target": "M"},
       "liger::fused_linear_cross_entropy", {"reduction": "none"}, tensors={"weight": "w"}, **_ROWS),
    _c("llama4_rope", "llama4_rope.llama4_rope_forward(q, k, freqs)", {"q": "B,S,H,D", "k": "B,S,H,D", "freqs": "S,D"},
       "", category="attention", why="complex-valued frequencies (freqs_cis): no real formula in the reference library"),
    _c("qwen2vl_mrope", "qwen2vl_mrope.qwen2vl_mrope_forward(q, k, cos, sin, [2, 1, 1])",
       {"q": "B,H,S,D", "k": "B,H,S,D", "cos": "3,B,S,D", "sin": "3,B,S,D"}, "", category="attention",
       why="multimodal rope sections: not in the reference library"),
)
