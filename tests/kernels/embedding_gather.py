"""Embedding lookup (rows gathered by an index tensor): y[i, j] = w[idx[i], j]."""

import triton
import triton.language as tl


@triton.jit
def embedding_gather_kernel(idx_ptr, w_ptr, y_ptr, D, stride_w, stride_y, BLOCK_D: tl.constexpr):
    token = tl.program_id(0)
    col_block = tl.program_id(1)
    cols = col_block * BLOCK_D + tl.arange(0, BLOCK_D)
    mask = cols < D
    vocab_row = tl.load(idx_ptr + token)
    vals = tl.load(w_ptr + vocab_row * stride_w + cols, mask=mask)
    tl.store(y_ptr + token * stride_y + cols, vals, mask=mask)
