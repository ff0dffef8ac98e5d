"""Single-query (decode) attention per head, flash-decoding style: loop over the keys in blocks of
BLOCK_S with an online softmax in the exp2 domain (scores pre-multiplied by sm_scale * log2 e),
scalar running max / normaliser and a rescaled [BLOCK_D] accumulator:
o[h, d] = sum_t softmax_t(sm_scale * q[h] . k[h, t]) * v[h, t, d]."""

import triton
import triton.language as tl

LOG2E: tl.constexpr = 1.4426950408889634


@triton.jit
def _decode_attn_kernel(
    q_ptr, k_ptr, v_ptr, o_ptr,
    sm_scale,
    seq_len, head_dim,
    stride_qh,
    stride_kh, stride_ks,
    stride_vh, stride_vs,
    stride_oh,
    BLOCK_S: tl.constexpr,
    BLOCK_D: tl.constexpr,
):
    h = tl.program_id(0)
    offs_d = tl.arange(0, BLOCK_D)
    mask_d = offs_d < head_dim
    q = tl.load(q_ptr + h * stride_qh + offs_d, mask=mask_d, other=0.0).to(tl.float32)
    qk_scale = sm_scale * LOG2E
    m_i = float("-inf")
    l_i = 0.0
    acc = tl.zeros([BLOCK_D], dtype=tl.float32)
    for start in tl.range(0, seq_len, BLOCK_S):
        offs_s = start + tl.arange(0, BLOCK_S)
        mask_s = offs_s < seq_len
        kv_mask = mask_s[:, None] & mask_d[None, :]
        k = tl.load(k_ptr + h * stride_kh + offs_s[:, None] * stride_ks + offs_d[None, :],
                    mask=kv_mask, other=0.0)
        qk = tl.sum(q[None, :] * k, axis=1) * qk_scale
        qk = tl.where(mask_s, qk, float("-inf"))
        m_new = tl.maximum(m_i, tl.max(qk, axis=0))
        alpha = tl.exp2(m_i - m_new)
        p = tl.exp2(qk - m_new)
        v = tl.load(v_ptr + h * stride_vh + offs_s[:, None] * stride_vs + offs_d[None, :],
                    mask=kv_mask, other=0.0)
        l_i = l_i * alpha + tl.sum(p, axis=0)
        acc = acc * alpha + tl.sum(p[:, None] * v, axis=0)
        m_i = m_new
    tl.store(o_ptr + h * stride_oh + offs_d, acc / l_i, mask=mask_d)
