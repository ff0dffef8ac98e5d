"""Row scaling by the row sum, two loops with a scalar carry: s = sum_k x[i, k] accumulated
block by block with tl.sum, then y[i, j] = x[i, j] / s stored block by block. The block is a
fixed 128, so any row longer than 128 loops."""

import triton
import triton.language as tl


@triton.jit
def row_scale_kernel(x_ptr, y_ptr, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    base = row * n_cols
    total = 0.0
    for start in range(0, n_cols, BLOCK):
        offs = start + tl.arange(0, BLOCK)
        x = tl.load(x_ptr + base + offs, mask=offs < n_cols, other=0.0)
        total += tl.sum(x, axis=0)
    for start in range(0, n_cols, BLOCK):
        offs = start + tl.arange(0, BLOCK)
        mask = offs < n_cols
        x = tl.load(x_ptr + base + offs, mask=mask, other=0.0)
        tl.store(y_ptr + base + offs, x / total, mask=mask)
