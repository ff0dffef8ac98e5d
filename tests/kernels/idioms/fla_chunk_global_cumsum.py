"""Cumulative sum over the whole sequence with a carry across chunks, in the style of fla's
ops/utils/cumsum.py (`chunk_global_cumsum_scalar_kernel`): one program per (sequence, head)
walks the chunks of BT positions, scans each with `tl.cumsum` and adds the running total `b_z`
(a 0-d `tl.zeros([])` carry); the reverse variant walks the chunks backwards and turns the
prefix sums into suffix sums. BT is autotuned over [16, 32, 64]."""

import torch
import triton
import triton.language as tl


@triton.heuristics({
    "IS_VARLEN": lambda args: args["cu_seqlens"] is not None,
})
@triton.autotune(
    configs=[
        triton.Config({"BT": BT}, num_warps=num_warps)
        for BT in [16, 32, 64]
        for num_warps in [2, 4, 8]
    ],
    key=["B", "H", "IS_VARLEN", "REVERSE"],
)
@triton.jit(do_not_specialize=["T"])
def chunk_global_cumsum_scalar_kernel(
    s,
    o,
    cu_seqlens,
    T,
    B: tl.constexpr,
    H: tl.constexpr,
    BT: tl.constexpr,
    IS_VARLEN: tl.constexpr,
    REVERSE: tl.constexpr,
):
    i_nh = tl.program_id(0)
    i_n, i_h = i_nh // H, i_nh % H
    if IS_VARLEN:
        bos, eos = tl.load(cu_seqlens + i_n).to(tl.int32), tl.load(cu_seqlens + i_n + 1).to(tl.int32)
    else:
        bos, eos = i_n * T, i_n * T + T
    T = eos - bos

    b_z = tl.zeros([], dtype=tl.float32)
    NT = tl.cdiv(T, BT)
    for i_c in range(NT):
        i_t = NT - 1 - i_c if REVERSE else i_c
        o_t = i_t * BT + tl.arange(0, BT)
        m_t = o_t < T
        p_s = s + (bos + o_t) * H + i_h
        p_o = o + (bos + o_t) * H + i_h
        b_s = tl.load(p_s, mask=m_t, other=0).to(tl.float32)
        b_o = tl.cumsum(b_s, axis=0)
        b_ss = tl.sum(b_s, 0)
        if REVERSE:
            b_o = -b_o + b_ss + b_s
        b_o += b_z
        if i_c >= 0:
            b_z += b_ss
        tl.store(p_o, b_o.to(p_o.dtype.element_ty), mask=m_t)


def chunk_global_cumsum_scalar(s, reverse=False, cu_seqlens=None, output_dtype=torch.float):
    B, T, H = s.shape
    N = B if cu_seqlens is None else len(cu_seqlens) - 1
    z = torch.empty_like(s, dtype=output_dtype or s.dtype)
    grid = (N * H,)
    chunk_global_cumsum_scalar_kernel[grid](s, z, cu_seqlens, T=T, B=B, H=H, REVERSE=reverse)
    return z
