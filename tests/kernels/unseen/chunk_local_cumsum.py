"""Chunk-local cumulative sum (fla style, head-first [BH, T] layout): within every chunk of BT
time steps, o[bh, t] = sum of s[bh, k] over k in t's chunk with k <= t. Block pointers with
boundary_check, grid (chunk, batch*head)."""

import triton
import triton.language as tl


@triton.jit
def chunk_local_cumsum_scalar_kernel(s, o, T, BT: tl.constexpr):
    i_t, i_bh = tl.program_id(0), tl.program_id(1)
    p_s = tl.make_block_ptr(s + i_bh * T, (T,), (1,), (i_t * BT,), (BT,), (0,))
    p_o = tl.make_block_ptr(o + i_bh * T, (T,), (1,), (i_t * BT,), (BT,), (0,))
    b_s = tl.load(p_s, boundary_check=(0,)).to(tl.float32)
    b_o = tl.cumsum(b_s, axis=0)
    tl.store(p_o, b_o.to(p_o.dtype.element_ty), boundary_check=(0,))
