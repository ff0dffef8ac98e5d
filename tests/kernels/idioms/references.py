"""float64 numpy references for the launch specs of this folder, with the sizes
``tests/test_idioms.py`` runs each one at (past every block cap the host has, and not multiples
of the blocks) and, where random normal data is not enough, a ``prepare`` step that edits the
random inputs (ignored labels, positive temperatures, ties for arg-reductions, ...).

A reference maps ``(inputs, sizes, reals)`` to the spec's ``out``/``inout`` tensors: ``inputs``
holds every ``in``/``inout`` tensor (float64 / int64 arrays over the logical shape), ``sizes`` the
size symbols and ``[let]`` names, ``reals`` the spec's real scalars.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import erf, sqrt

import numpy as np


@dataclass
class Case:
    ref: Callable
    sizes: list[dict[str, int]]
    prepare: Callable | None = None
    rtol: float = 1e-4
    atol: float = 1e-5  # times max(1, max |reference|)


CASES: dict[str, Case] = {}


def case(name: str, sizes: list[dict[str, int]], prepare: Callable | None = None,
         rtol: float = 1e-4, atol: float = 1e-5):
    def register(fn):
        assert name not in CASES, name
        CASES[name] = Case(fn, sizes, prepare, rtol, atol)
        return fn
    return register


# -- math helpers ----------------------------------------------------------------------------

_erf = np.vectorize(erf)


def gelu_exact(x):
    return 0.5 * x * (1.0 + _erf(x / sqrt(2.0)))


def gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def logsumexp(x, axis=-1, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def softmax(x, axis=-1):
    return np.exp(x - logsumexp(x, axis=axis, keepdims=True))


def first_argmax(x, axis=-1):
    return np.argmax(x, axis=axis)  # numpy returns the first occurrence


def to_ties(inputs, names, rng, levels=5):
    """Round float inputs to a few values so arg-reductions and scans meet ties."""
    for n in names:
        inputs[n] = rng.integers(-levels, levels + 1, size=inputs[n].shape).astype(np.float64) / 2


# -- unsloth ---------------------------------------------------------------------------------

_GEGLU_SIZES = [{"B": 2, "S": 3, "H": 401}, {"B": 1, "S": 5, "H": 613}]  # 2406, 3065 > 2 * 1024


@case("unsloth_geglu_exact", _GEGLU_SIZES)
def _(t, s, r):
    return {"out": gelu_exact(t["gate"]) * t["up"]}


@case("unsloth_geglu_approx", _GEGLU_SIZES)
def _(t, s, r):
    return {"out": gelu_tanh(t["gate"]) * t["up"]}


@case("unsloth_rope_inplace", [{"B": 2, "S": 3, "H": 9, "D": 10}, {"B": 1, "S": 4, "H": 11, "D": 64}])
def _(t, s, r):
    q, half = t["q"], s["D"] // 2
    cos = t["cos"][None, :, None, :half]
    sin = t["sin"][None, :, None, :half]
    q1, q2 = q[..., :half], q[..., half:]
    return {"q": np.concatenate([q1 * cos - q2 * sin, q2 * cos + q1 * sin], axis=-1)}


def _unsloth_ce_labels(t, s, rng):
    t["labels"][rng.random(t["labels"].shape) < 0.3] = -100
    t["labels"][0] = -100


@case("unsloth_cross_entropy", [{"M": 5, "V": 1000}, {"M": 4, "V": 3001}], prepare=_unsloth_ce_labels)
def _(t, s, r):
    z = 0.0625 * t["logits"]
    lse = logsumexp(z)
    y = t["labels"]
    picked = z[np.arange(len(y)), np.where(y >= 0, y, 0)]
    return {"loss": np.where(y == -100, 0.0, lse - picked), "logsumexp": lse}


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    rstd = 1.0 / np.sqrt(var + eps)
    return (x - mu) * rstd * w + b, mu[..., 0], rstd[..., 0]


@case("unsloth_layernorm", [{"M": 3, "N": 1000}, {"M": 2, "N": 3001}])
def _(t, s, r):
    y, mu, rstd = layer_norm(t["x"], t["w"], t["b"], r["eps"])
    return {"y": y, "mean": mu, "rstd": rstd}


# -- fla -------------------------------------------------------------------------------------


def _chunked_cumsum(x, chunk, reverse):
    """Cumulative sum along axis 1 within chunks of ``chunk`` positions."""
    out = np.empty_like(x)
    for start in range(0, x.shape[1], chunk):
        part = x[:, start:start + chunk]
        out[:, start:start + chunk] = (np.flip(np.cumsum(np.flip(part, 1), 1), 1) if reverse
                                       else np.cumsum(part, 1))
    return out


_CUMSUM_SIZES = [{"B": 2, "T": 150, "H": 3}, {"B": 1, "T": 203, "H": 2}]


@case("fla_chunk_local_cumsum", _CUMSUM_SIZES)
def _(t, s, r):
    return {"o": _chunked_cumsum(t["g"], 64, False)}


@case("fla_chunk_local_cumsum_reverse", _CUMSUM_SIZES)
def _(t, s, r):
    return {"o": _chunked_cumsum(t["g"], 64, True)}


@case("fla_chunk_global_cumsum", _CUMSUM_SIZES)
def _(t, s, r):
    return {"o": _chunked_cumsum(t["g"], t["g"].shape[1], True)}


@case("fla_fused_recurrent", [{"B": 1, "T": 5, "H": 2, "K": 48, "V": 130},
                              {"B": 2, "T": 7, "H": 1, "K": 64, "V": 200}])
def _(t, s, r):
    q, k, v = t["q"] * r["scale"], t["k"], t["v"]
    # o[b, t, h, :] = q_t . (h0 + sum_{u <= t} k_u v_u^T)
    att = np.einsum("bthk,buhk->bhtu", q, k)
    att = att * np.tril(np.ones((q.shape[1], q.shape[1])))
    h0 = t["h0"]  # [B, H, K, V]
    o = np.einsum("bhtu,buhv->bthv", att, v) + np.einsum("bthk,bhkv->bthv", q, h0)
    return {"o": o, "ht": h0 + np.einsum("bthk,bthv->bhkv", k, v)}


@case("fla_layernorm_fwd", [{"M": 3, "N": 1000}, {"M": 2, "N": 3001}])
def _(t, s, r):
    h = t["x"] + t["residual"]
    y, mu, rstd = layer_norm(h, t["w"], t["b"], r["eps"])
    return {"y": y, "residual_out": h, "mean": mu, "rstd": rstd}


def rms_norm(x, w, eps):
    rstd = 1.0 / np.sqrt((x * x).mean(-1, keepdims=True) + eps)
    return x * rstd * w, rstd[..., 0]


@case("fla_rmsnorm_fwd", [{"M": 3, "N": 1000}, {"M": 2, "N": 3001}])
def _(t, s, r):
    y, rstd = rms_norm(t["x"], t["w"], r["eps"])
    return {"y": y, "rstd": rstd}


@case("fla_logcumsumexp", [{"B": 1, "H": 2, "T": 150, "S": 3}, {"B": 2, "H": 1, "T": 203, "S": 20}])
def _(t, s, r):
    return {"z": np.logaddexp.accumulate(t["x"], axis=2)}


# -- xformers --------------------------------------------------------------------------------


@case("xf_softmax", [{"B": 2, "M": 5, "K": 300}, {"B": 1, "M": 4, "K": 1000}])
def _(t, s, r):
    x = t["x"].copy()
    M, K = x.shape[1], x.shape[2]
    hidden = np.arange(K)[None, :] > np.arange(M)[:, None]
    x[:, hidden] = -np.inf
    return {"y": softmax(x)}


@case("xf_log_softmax", [{"B": 2, "M": 3, "K": 300}, {"B": 1, "M": 2, "K": 1000}])
def _(t, s, r):
    return {"y": t["x"] - logsumexp(t["x"], keepdims=True)}


@case("xf_sum_0", [{"M": 4100, "N": 20}, {"M": 4500, "N": 11}, {"M": 300, "N": 35}, {"M": 700, "N": 3}])
def _(t, s, r):
    return {"y": t["x"].sum(0)}


@case("xf_splitk_gemv", [{"N": 70, "K": 2100}, {"N": 40, "K": 3000}, {"N": 33, "K": 37}])
def _(t, s, r):
    return {"y": t["w"] @ t["x"] + t["bias"]}


def smelu(x, beta=2.0):
    return np.where(x <= -beta, 0.0, np.where(x >= beta, x, (x + beta) ** 2 / (4 * beta)))


def _smelu_inputs(t, s, rng):
    t["x"] *= 2.5  # reach all three pieces of smelu


@case("xf_bias_act", [{"M": 40, "N": 300}, {"M": 17, "N": 517}], prepare=_smelu_inputs)
def _(t, s, r):
    return {"y": smelu(t["x"] + t["bias"])}


@case("xf_matmul_bias_gelu", [{"M": 70, "N": 130, "K": 70}, {"M": 33, "N": 65, "K": 100}])
def _(t, s, r):
    return {"out": gelu_exact(t["x"] @ t["w"].T + t["bias"])}


@case("xf_rmsnorm_add", [{"M": 2, "N": 33000}, {"M": 3, "N": 16500}, {"M": 3, "N": 100}])
def _(t, s, r):
    h = t["x"] + t["y"]
    y, _ = rms_norm(h, t["w"], r["eps"])
    return {"x": h, "out": y}


# -- vLLM ------------------------------------------------------------------------------------


@case("vllm_merge_attn_states", [{"T": 5, "H": 3, "D": 80}, {"T": 7, "H": 2, "D": 112}])
def _(t, s, r):
    p, q = t["prefix_lse"].T[..., None], t["suffix_lse"].T[..., None]  # [T, H, 1]
    m = np.maximum(p, q)
    wp, wq = np.exp(p - m), np.exp(q - m)
    out = (t["prefix_output"] * wp + t["suffix_output"] * wq) / (wp + wq)
    return {"output": out, "output_lse": (np.log(wp + wq) + m)[..., 0].T}


def _decode_seqlens(t, s, rng):
    t["seqlens"][:] = rng.integers(1, 20, size=t["seqlens"].shape)  # short: some splits empty
    t["seqlens"][0] = 1
    t["mid_o"] *= 3.0


@case("vllm_decode_stage2", [{"B": 4, "H": 3, "DV": 80}, {"B": 3, "H": 2, "DV": 128}],
      prepare=_decode_seqlens)
def _(t, s, r):
    mid, lens = t["mid_o"], t["seqlens"]
    B, H, S, _ = mid.shape
    DV = mid.shape[-1] - 1
    o = np.empty((B, H, DV))
    for b in range(B):
        per = -(-int(lens[b]) // S)
        live = [k for k in range(S) if min(per * k + per, lens[b]) > per * k]
        lse = mid[b][:, live, DV]  # [H, live]
        w = softmax(lse)
        o[b] = np.einsum("hs,hsd->hd", w, mid[b][:, live, :DV])
    return {"o": o}


@case("vllm_group_quant", [{"M": 3, "NG": 5, "GS": 128}, {"M": 4, "NG": 3, "GS": 100}])
def _(t, s, r):
    x = t["x"].reshape(s["M"], s["NG"], s["GS"])
    scale = np.maximum(np.abs(x).max(-1), 1e-10) / 448.0
    q = np.clip(x / scale[..., None], -448.0, 448.0)
    return {"x_q": q.reshape(t["x"].shape), "x_s": scale}


@case("vllm_lora_shrink", [{"M": 33, "N": 20, "K": 16500}, {"M": 20, "N": 16, "K": 32768}])
def _(t, s, r):
    return {"out": r["scaling"] * t["x"] @ t["lora_a"].T}


def _positive_temperature(t, s, rng):
    t["temperature"][:] = rng.uniform(0.5, 1.5, size=t["temperature"].shape)


@case("vllm_temp_log_softmax", [{"M": 3, "V": 2500}, {"M": 9, "V": 3100}], prepare=_positive_temperature)
def _(t, s, r):
    z = t["logits"] / t["temperature"][:, None]
    return {"logprobs": z - logsumexp(z, keepdims=True)}


@case("vllm_tensor_minmax", [{"N": 2100}, {"N": 5000}])
def _(t, s, r):
    x = t["x"]
    return {"scale": [np.abs(x).max() / 448.0], "x_max": [x.max()], "x_min": [x.min()]}


@case("vllm_silu_mul_persistent", [{"T": 5, "D": 2100, "NUM_SMS": 2}, {"T": 3, "D": 3001, "NUM_SMS": 1},
                                   {"T": 4, "D": 100, "NUM_SMS": 3}])
def _(t, s, r):
    x, d = t["x"], s["D"]
    return {"out": x[:, :d] * sigmoid(x[:, :d]) * x[:, d:]}


@case("vllm_azp_scale", [{"T": 3, "H": 2100}, {"T": 2, "H": 3001}])
def _(t, s, r):
    x = t["x"]
    scale = (x.max(1) - x.min(1)) / 255.0
    return {"scale": scale, "azp": -128.0 - x.min(1) / scale}


# -- Liger-Kernel ----------------------------------------------------------------------------


def _liger_ce_targets(t, s, rng):
    t["target"][:] = rng.integers(0, s["V"], size=t["target"].shape)
    t["target"][rng.random(t["target"].shape) < 0.3] = -100
    t["target"][1] = -100


@case("liger_cross_entropy", [{"M": 3, "V": 66000}, {"M": 4, "V": 40001}, {"M": 3, "V": 1000}],
      prepare=_liger_ce_targets)
def _(t, s, r):
    x, y = t["x"], t["target"]
    rows = np.arange(len(y))
    keep = y != -100
    lse = logsumexp(x)
    loss = np.where(keep, lse - x[rows, np.where(keep, y, 0)], 0.0)
    grad = softmax(x)
    grad[rows[keep], y[keep]] -= 1.0
    grad[~keep] = 0.0
    return {"x": grad, "loss": loss}


@case("liger_group_norm", [{"B": 1, "G": 2, "CPG": 3, "HW": 23000}, {"B": 1, "G": 1, "CPG": 2, "HW": 66000},
                           {"B": 2, "G": 3, "CPG": 2, "HW": 50}])
def _(t, s, r):
    B, G, CPG, HW = s["B"], s["G"], s["CPG"], s["HW"]
    x = t["x"].reshape(B, G, CPG * HW)
    mu = x.mean(-1)
    var = x.var(-1)
    rstd = 1.0 / np.sqrt(var + r["eps"])
    xn = ((x - mu[..., None]) * rstd[..., None]).reshape(B, G * CPG, HW)
    return {"y": xn * t["w"][None, :, None] + t["b"][None, :, None], "mean": mu, "rstd": rstd}


@case("liger_tvd", [{"M": 2, "V": 33000}, {"M": 3, "V": 17000}, {"M": 3, "V": 100}])
def _(t, s, r):
    p, q = t["p"], t["q"]
    return {"loss": 0.5 * np.abs(p - q).sum(1), "grads": np.where(p > q, 0.5, -0.5)}


@case("liger_dyt", [{"M": 2, "N": 8300}, {"M": 3, "N": 4500}])
def _(t, s, r):
    return {"y": np.tanh(t["alpha"][0] * t["x"]) * t["gamma"] + t["beta"]}


@case("liger_fused_add_rms_norm", [{"M": 3, "N": 1000}, {"M": 2, "N": 3001}])
def _(t, s, r):
    h = t["x"] + t["r"]
    y, rstd = rms_norm(h, t["w"] + r["offset"], r["eps"])
    return {"y": y, "s": h, "rstd": rstd}


@case("liger_rmsnorm_persistent", [{"M": 9, "N": 1000, "NUM_SMS": 4}, {"M": 7, "N": 3001, "NUM_SMS": 2},
                                   {"M": 2, "N": 50, "NUM_SMS": 5}])
def _(t, s, r):
    y, rstd = rms_norm(t["x"], t["w"] + r["offset"], r["eps"])
    return {"y": y, "rstd": rstd}


def _positive_rstd(t, s, rng):
    t["rstd"][:] = rng.uniform(0.5, 2.0, size=t["rstd"].shape)


@case("liger_rmsnorm_bwd", [{"M": 9, "N": 300, "NUM_SMS": 4}, {"M": 5, "N": 1000, "NUM_SMS": 8},
                            {"M": 70, "N": 20, "NUM_SMS": 40}], prepare=_positive_rstd)
def _(t, s, r):
    dy, x, rstd = t["dy"], t["x"], t["rstd"][:, None]
    wo = t["w"] + r["offset"]
    m = dy * wo
    dx = rstd * m - rstd**3 / s["N"] * (m * x).sum(1, keepdims=True) * x
    return {"dx": dx, "dw": (dy * x * rstd).sum(0)}


# -- FlagGems --------------------------------------------------------------------------------


@case("fg_sum_dim", [{"M": 5, "N": 2100}, {"M": 6, "N": 3000}])
def _(t, s, r):
    return {"out": t["x"].sum(1)}


@case("fg_mean_dim", [{"M": 2, "N": 300, "K": 530}, {"M": 3, "N": 270, "K": 20}])
def _(t, s, r):
    return {"out": t["x"].mean(1)}


def _argmax_ties(t, s, rng):
    to_ties(t, ["x"], rng)


@case("fg_argmax_dim", [{"M": 5, "N": 8300, "K": 2}, {"M": 6, "N": 4500, "K": 1}], prepare=_argmax_ties)
def _(t, s, r):
    return {"idx": first_argmax(t["x"], axis=1)}


def _argmin_ties(t, s, rng):
    to_ties(t, ["x"], rng)


@case("fg_argmin", [{"M": 9, "N": 1100}, {"M": 5, "N": 1500}, {"M": 3, "N": 37}], prepare=_argmin_ties)
def _(t, s, r):
    return {"vals": t["x"].min(1), "idx": np.argmin(t["x"], axis=1)}


@case("fg_var_mean", [{"M": 5, "N": 2100}, {"M": 2, "N": 2500}])
def _(t, s, r):
    return {"var": t["x"].var(1, ddof=1), "mean": t["x"].mean(1)}


@case("fg_cumsum", [{"N": 2100}, {"N": 5000}, {"N": 700}], atol=3e-6)
def _(t, s, r):
    return {"out": np.cumsum(t["x"])}


@case("fg_log_softmax", [{"M": 2, "N": 8300}, {"M": 3, "N": 4500}, {"M": 2, "N": 100}])
def _(t, s, r):
    return {"y": t["x"] - logsumexp(t["x"], keepdims=True)}


@case("fg_lerp_persistent", [{"N": 1100, "MAX_GRID": 65535}, {"N": 3000, "MAX_GRID": 2},
                             {"N": 2100, "MAX_GRID": 3}, {"N": 300, "MAX_GRID": 1}])
def _(t, s, r):
    return {"out": t["x"] + t["w"] * (t["y"] - t["x"])}


def cummin_last(x):
    """Running minimum along the last axis and its index; ties go to the later index."""
    vals = np.minimum.accumulate(x, axis=-1)
    idx = np.empty(x.shape, dtype=np.int64)
    for row in np.ndindex(x.shape[:-1]):
        best = 0
        for j in range(x.shape[-1]):
            if x[row + (j,)] <= x[row + (best,)]:
                best = j
            idx[row + (j,)] = best
    return vals, idx


def _cummin_ties(t, s, rng):
    to_ties(t, ["x"], rng, levels=20)


@case("fg_cummin", [{"M": 3, "N": 2100}, {"M": 2, "N": 3001}], prepare=_cummin_ties)
def _(t, s, r):
    vals, idx = cummin_last(t["x"])
    return {"vals": vals, "idx": idx}


# -- torch inductor --------------------------------------------------------------------------


@case("inductor_red_rmsnorm", [{"M": 3, "N": 4200}, {"M": 2, "N": 5000}, {"M": 2, "N": 70}])
def _(t, s, r):
    y, rstd = rms_norm(t["x"], t["w"], 1e-6)
    return {"y": y, "rstd": rstd}


@case("inductor_red_argmax", [{"M": 9, "N": 1100}, {"M": 3, "N": 1500}], prepare=_argmax_ties)
def _(t, s, r):
    return {"vals": t["x"].max(1), "idx": first_argmax(t["x"], axis=1)}


@case("inductor_red_log_softmax", [{"M": 130, "N": 37}, {"M": 70, "N": 21}])
def _(t, s, r):
    return {"y": t["x"] - logsumexp(t["x"], keepdims=True)}


@case("inductor_red_softmax_online", [{"M": 2, "N": 2100}, {"M": 3, "N": 3001}, {"M": 2, "N": 10}])
def _(t, s, r):
    return {"y": softmax(t["x"])}


@case("inductor_poi_rope_cat", [{"T": 5, "H": 3, "D": 144}, {"T": 7, "H": 2, "D": 200}])
def _(t, s, r):
    q, half = t["q"], s["D"] // 2
    cos, sin = t["cos"][:, None, :], t["sin"][:, None, :]
    rot = np.concatenate([-q[..., half:], q[..., :half]], axis=-1)
    return {"out": q * cos + rot * sin}


@case("inductor_red_welford_layernorm", [{"M": 2, "N": 4200}, {"M": 3, "N": 5000}, {"M": 2, "N": 30}])
def _(t, s, r):
    y, mu, rstd = layer_norm(t["x"], t["w"], t["b"], 1e-5)
    return {"y": y, "mean": mu, "rstd": rstd}


@case("inductor_split_sum", [{"N": 270000}, {"N": 300001}, {"N": 50}], atol=3e-6)
def _(t, s, r):
    return {"out": t["x"].sum()}


def _small_scale(t, s, rng):
    t["scale"][:] = 0.004  # some values clamp at +-448


@case("vllm_static_quant", [{"N": 20000, "NUM_SMS": 1}, {"N": 3100, "NUM_SMS": 2}, {"N": 5000, "NUM_SMS": 132}],
      prepare=_small_scale)
def _(t, s, r):
    return {"out": np.clip(t["x"] * (1.0 / np.float32(t["scale"][0])), -448.0, 448.0)}
