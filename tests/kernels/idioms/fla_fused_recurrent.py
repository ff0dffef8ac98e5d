"""Fused recurrent linear attention (no decay) with an initial and a final state, in the style of fla's
ops/common/fused_recurrent.py: program (i_v, i_k, i_nh) keeps a [BK, BV] state b_h in registers
and walks the T time steps, `b_h += k v^T`, `o_t = sum_k b_h * q_t * scale`, advancing the
pointers by H*K / H*V per step. Layout [B, T, H, K]. The host takes BK = min(next_pow2(K), 64),
BV = min(next_pow2(V), 64) and asserts NK == 1 (so K <= 64); NV value blocks run in parallel."""

import torch
import triton
import triton.language as tl


@triton.jit(do_not_specialize=["T"])
def fused_recurrent_fwd_kernel(
    q,
    k,
    v,
    o,
    h0,
    ht,
    scale,
    T,
    B: tl.constexpr,
    H: tl.constexpr,
    K: tl.constexpr,
    V: tl.constexpr,
    BK: tl.constexpr,
    BV: tl.constexpr,
    USE_INITIAL_STATE: tl.constexpr,
    STORE_FINAL_STATE: tl.constexpr,
):
    # indices
    i_v, i_k, i_nh = tl.program_id(0).to(tl.int64), tl.program_id(1).to(tl.int64), tl.program_id(2).to(tl.int64)
    i_n, i_h = i_nh // H, i_nh % H
    bos, all = i_n * T, B * T

    o_k = i_k * BK + tl.arange(0, BK)
    o_v = i_v * BV + tl.arange(0, BV)
    p_q = q + (bos * H + i_h) * K + o_k
    p_k = k + (bos * H + i_h) * K + o_k
    p_v = v + (bos * H + i_h) * V + o_v
    p_o = o + ((i_k * all + bos) * H + i_h) * V + o_v

    mask_k = o_k < K
    mask_v = o_v < V
    mask_h = mask_k[:, None] & mask_v[None, :]

    b_h = tl.zeros([BK, BV], dtype=tl.float32)
    if USE_INITIAL_STATE:
        p_h0 = h0 + i_nh * K * V + o_k[:, None] * V + o_v[None, :]
        b_h += tl.load(p_h0, mask=mask_h, other=0).to(tl.float32)

    for _ in range(0, T):
        b_q = tl.load(p_q, mask=mask_k, other=0).to(tl.float32) * scale
        b_k = tl.load(p_k, mask=mask_k, other=0).to(tl.float32)
        b_v = tl.load(p_v, mask=mask_v, other=0).to(tl.float32)
        # [BK, BV]
        b_h += b_k[:, None] * b_v[None, :]
        b_o = tl.sum(b_h * b_q[:, None], 0)
        tl.store(p_o, b_o.to(p_o.dtype.element_ty), mask=mask_v)

        p_q += H * K
        p_k += H * K
        p_v += H * V
        p_o += H * V

    if STORE_FINAL_STATE:
        p_ht = ht + i_nh * K * V + o_k[:, None] * V + o_v[None, :]
        tl.store(p_ht, b_h.to(p_ht.dtype.element_ty), mask=mask_h)


def fused_recurrent_fwd(q, k, v, scale=None, initial_state=None, output_final_state=False):
    B, T, H, K, V = *k.shape, v.shape[-1]
    if scale is None:
        scale = K ** -0.5
    BK, BV = min(triton.next_power_of_2(K), 64), min(triton.next_power_of_2(V), 64)
    NK, NV = triton.cdiv(K, BK), triton.cdiv(V, BV)
    assert NK == 1, "NK > 1 is not supported yet"
    o = q.new_empty(NK, *v.shape, dtype=torch.float)
    ht = q.new_empty(B, H, K, V, dtype=torch.float) if output_final_state else None
    grid = (NV, NK, B * H)
    fused_recurrent_fwd_kernel[grid](
        q, k, v, o, initial_state, ht, scale, T=T, B=B, H=H, K=K, V=V, BK=BK, BV=BV,
        USE_INITIAL_STATE=initial_state is not None, STORE_FINAL_STATE=ht is not None,
    )
    return o.sum(0), ht
