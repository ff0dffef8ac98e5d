"""Host calls of the 42 public benchmark items (corpus/*.toml), for `tritonlift trace`.

Each entry is what a user of the library writes: the call, the symbolic shapes (named and sized
like the hand-written spec, so that formulas compare), dtypes, the floats kept symbolic, int data
ranges, and where the host's launch structure must be taken (`at`, `widen`) when the benchmark's
kernel is not the one the host uses at small sizes.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CorpusCall:
    stem: str  # corpus/<stem>.toml
    call: str
    shapes: dict[str, str]
    reals: tuple[str, ...] = ()
    dtypes: dict[str, str] = field(default_factory=dict)
    ranges: dict[str, str] = field(default_factory=dict)
    at: dict[str, int] = field(default_factory=dict)
    widen: tuple[str, ...] = ()
    constraints: tuple[str, ...] = ()
    note: str = ""


def _unary(stem: str, fn: str) -> CorpusCall:
    return CorpusCall(stem, f"flag_gems.{fn}(x)", {"x": "N"})


def _binary(stem: str, fn: str, alpha: bool = False) -> CorpusCall:
    if alpha:
        return CorpusCall(stem, f"flag_gems.{fn}(x, y, alpha=alpha)", {"x": "N", "y": "N"}, ("alpha=0.5",))
    return CorpusCall(stem, f"flag_gems.{fn}(x, y)", {"x": "N", "y": "N"})


_LIGER = "liger_kernel.ops"

CALLS: tuple[CorpusCall, ...] = (
    _unary("01_abs", "abs"),
    _unary("02_neg", "neg"),
    _binary("03_add", "add", alpha=True),
    _binary("04_sub", "sub", alpha=True),
    _binary("05_mul", "mul"),
    _binary("06_div", "true_divide"),
    CorpusCall("07_pow", "flag_gems.pow_tensor_scalar(x, exponent)", {"x": "N"}, ("exponent=2.5",)),
    _unary("08_exp", "exp"),
    _unary("09_rsqrt", "rsqrt"),
    _unary("10_relu", "relu"),
    _unary("11_sigmoid", "sigmoid"),
    _unary("12_silu", "silu"),
    _unary("13_tanh", "tanh"),
    _unary("14_gelu", "gelu"),
    CorpusCall("15_sum", "flag_gems.sum(inp)", {"inp": "M"}),
    CorpusCall("16_sum_dim", "flag_gems.sum_dim(inp, [1])", {"inp": "M,N"}),
    CorpusCall("17_mean_dim", "flag_gems.mean_dim(inp, [1])", {"inp": "M,N"}),
    CorpusCall("18_max", "flag_gems.max(inp)", {"inp": "M"}),
    CorpusCall("19_max_dim", "flag_gems.max_dim(inp, dim=1)", {"inp": "M,N"}),
    CorpusCall("20_min", "flag_gems.min(inp)", {"inp": "M"}),
    CorpusCall("21_prod", "flag_gems.prod(inp)", {"inp": "M"}),
    CorpusCall("22_argmax", "flag_gems.argmax(inp, dim=1)", {"inp": "M,N"}),
    CorpusCall("23_softmax", "flag_gems.softmax(inp, dim=1)", {"inp": "M,N"}),
    CorpusCall("24_log_softmax", "flag_gems.log_softmax(inp, 1)", {"inp": "M,N"}),
    CorpusCall("25_layer_norm", "flag_gems.layer_norm(x, [N], weight, bias, eps=1e-5)",
               {"x": "M,N", "weight": "N", "bias": "N"}, ("eps: eps > 0",), at={"N": 200}, widen=("N",),
               note="the benchmark's kernel is the host's for 129 <= N <= 4096"),
    CorpusCall("26_rms_norm", "flag_gems.rms_norm(x, [N], weight, eps=1e-5)", {"x": "M,N", "weight": "N"},
               ("eps: eps > 0",)),
    CorpusCall("27_var_mean", "flag_gems.var_mean(x, dim=[1])", {"x": "M,N"}),
    CorpusCall("28_cumsum", "flag_gems.cumsum(x, dim=1)", {"x": "M,N"}),
    CorpusCall("29_dropout", "flag_gems.dropout(x, prob, True)", {"x": "N"}, ("prob=0.3: prob > 0 and prob < 1",),
               note="philox seed and offset come from the generator state, not from the sizes"),
    CorpusCall("30_mm", "flag_gems.mm(a, b)", {"a": "M,K", "b": "K,N"}),
    CorpusCall("31_addmm", "flag_gems.addmm(bias, mat1, mat2, beta=beta, alpha=alpha)",
               {"bias": "N", "mat1": "M,K", "mat2": "K,N"}, ("alpha=0.5", "beta=0.75")),
    CorpusCall("32_bmm", "flag_gems.bmm(a, b)", {"a": "BATCH,M,K", "b": "BATCH,K,N"}),
    CorpusCall("33_cross_entropy_loss", "flag_gems.cross_entropy_loss(inp, target)", {"inp": "N,C", "target": "N"},
               dtypes={"target": "i64"}, ranges={"target": "0:C"}),
    CorpusCall("34_liger_rms_norm", f'{_LIGER}.rms_norm.rms_norm_forward(x, w, eps, offset, "llama", False)',
               {"x": "M,N", "w": "N"}, ("eps=1e-6: eps > 0", "offset=0.0")),
    CorpusCall("35_liger_layer_norm", f"{_LIGER}.layer_norm.layer_norm_forward(x, w, b, eps)",
               {"x": "M,N", "w": "N", "b": "N"}, ("eps=1e-6: eps > 0",)),
    CorpusCall("36_liger_swiglu", f"{_LIGER}.swiglu.swiglu_forward(a, b, gate_multiplier=1.0)",
               {"a": "M,N", "b": "M,N"}, ("gate_multiplier",)),
    CorpusCall("37_liger_geglu", f"{_LIGER}.geglu.geglu_forward(a, b)", {"a": "M,N", "b": "M,N"}),
    CorpusCall("38_liger_softmax", f"{_LIGER}.softmax._softmax_forward(x)", {"x": "M,N"}),
    CorpusCall("39_liger_cross_entropy",
               f'{_LIGER}.cross_entropy.cross_entropy_forward(x.requires_grad_(), target, None, -100, 0.0, 0.0, '
               '"mean", None, False)', {"x": "M,V", "target": "M"}, dtypes={"target": "i64"},
               ranges={"target": "0:V"}),
    CorpusCall("40_liger_kl_div", f'{_LIGER}.kl_div.kldiv_forward_triton(y_pred, y_true, False, "batchmean", eps)',
               {"y_pred": "M,V", "y_true": "M,V"}, ("eps=1e-10: eps > 0",)),
    CorpusCall("41_liger_rope", f"{_LIGER}.rope.rope_forward(q, k, cos, sin)",
               {"q": "B,HQ,S,D", "k": "B,HK,S,D", "cos": "1,S,D", "sin": "1,S,D"}, constraints=("D % 2 == 0",),
               note="the host makes contiguous transposed copies of q and k and rotates them in place"),
    CorpusCall("42_liger_jsd", f"{_LIGER}.jsd.jsd_forward(x, target, None, 0.5, -100, False)",
               {"x": "M,V", "target": "M,V"}),
)
