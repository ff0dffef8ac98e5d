"""Chunk-local cumulative sum (fla style, head-first [BH, T] layout): within every chunk of BT
time steps, o[bh, t] = sum of s[bh, k] over k in t's chunk with k <= t. Grid (chunk,
batch*head); plain pointers (Triton 3.9 removed block pointers), the result cast back to the
output's element type through `o.dtype.element_ty`."""

import triton
import triton.language as tl


@triton.jit
def chunk_local_cumsum_scalar_kernel(s, o, T, BT: tl.constexpr):
    i_t, i_bh = tl.program_id(0), tl.program_id(1)
    o_t = i_t * BT + tl.arange(0, BT)
    m_t = o_t < T
    b_s = tl.load(s + i_bh * T + o_t, mask=m_t, other=0).to(tl.float32)
    b_o = tl.cumsum(b_s, axis=0)
    tl.store(o + i_bh * T + o_t, b_o.to(o.dtype.element_ty), mask=m_t)
