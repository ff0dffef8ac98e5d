"""Chunk-local cumulative sum of a gate tensor, in the style of fla's ops/utils/cumsum.py
(`chunk_local_cumsum_scalar_kernel`): s is [B, T, H] (head-last layout), program (i_t, i_bh)
scans the BT = chunk_size positions of chunk i_t for head i_h; the varlen path (cu_seqlens /
chunk_indices) and the reverse scan are constexpr branches. Triton 3.9 has no block pointers any
more, so the tile is addressed with plain pointer arithmetic and a mask on T."""

import torch
import triton
import triton.language as tl


@triton.heuristics({
    "IS_VARLEN": lambda args: args["cu_seqlens"] is not None,
})
@triton.jit(do_not_specialize=["T"])
def chunk_local_cumsum_scalar_kernel(
    s,
    o,
    cu_seqlens,
    chunk_indices,
    T,
    B: tl.constexpr,
    H: tl.constexpr,
    BT: tl.constexpr,
    REVERSE: tl.constexpr,
    IS_VARLEN: tl.constexpr,
    HEAD_FIRST: tl.constexpr,
):
    i_t, i_bh = tl.program_id(0), tl.program_id(1)
    i_b, i_h = i_bh // H, i_bh % H
    if IS_VARLEN:
        i_n, i_t = tl.load(chunk_indices + i_t * 2).to(tl.int32), tl.load(chunk_indices + i_t * 2 + 1).to(tl.int32)
        bos, eos = tl.load(cu_seqlens + i_n).to(tl.int32), tl.load(cu_seqlens + i_n + 1).to(tl.int32)
        T = eos - bos
    else:
        bos, eos = i_b * T, i_b * T + T

    o_t = i_t * BT + tl.arange(0, BT)
    m_t = o_t < T
    if HEAD_FIRST:
        p_s = s + bos * H + i_h * T + o_t
        p_o = o + bos * H + i_h * T + o_t
    else:
        p_s = s + (bos + o_t) * H + i_h
        p_o = o + (bos + o_t) * H + i_h
    # [BT]
    b_s = tl.load(p_s, mask=m_t, other=0).to(tl.float32)
    b_o = tl.cumsum(b_s, axis=0)
    if REVERSE:
        b_z = tl.sum(b_s, axis=0)
        b_o = -b_o + b_z[None] + b_s
    tl.store(p_o, b_o.to(p_o.dtype.element_ty), mask=m_t)


def chunk_local_cumsum_scalar(g, chunk_size=64, reverse=False, cu_seqlens=None, head_first=False,
                              output_dtype=torch.float):
    if head_first:
        B, H, T = g.shape
    else:
        B, T, H = g.shape
    assert chunk_size == 2 ** (chunk_size.bit_length() - 1), "chunk_size must be a power of 2"
    BT = chunk_size
    NT = triton.cdiv(T, BT)
    g_org, g = g, torch.empty_like(g, dtype=output_dtype or g.dtype)
    grid = (NT, B * H)
    chunk_local_cumsum_scalar_kernel[grid](
        g_org, g, cu_seqlens, None, T=T, B=B, H=H, BT=BT, REVERSE=reverse, HEAD_FIRST=head_first,
    )
    return g
