"""Softmax backward, two passes over column blocks: dx = y * (dy - sum_k y[k] * dy[k]). The row
dot product is accumulated in a vector and reduced once after the first loop."""

import triton
import triton.language as tl


@triton.jit
def softmax_backward_kernel(dy_ptr, y_ptr, dx_ptr, stride_row, n_cols, BLOCK_N: tl.constexpr):
    row_off = tl.program_id(0).to(tl.int64) * stride_row
    dot = tl.zeros([BLOCK_N], dtype=tl.float32)
    for start in tl.range(0, n_cols, BLOCK_N):
        offs = start + tl.arange(0, BLOCK_N)
        mask = offs < n_cols
        dy = tl.load(dy_ptr + row_off + offs, mask=mask, other=0.0)
        y = tl.load(y_ptr + row_off + offs, mask=mask, other=0.0)
        dot += dy * y
    total = tl.sum(dot, axis=0)
    for start in tl.range(0, n_cols, BLOCK_N):
        offs = start + tl.arange(0, BLOCK_N)
        mask = offs < n_cols
        dy = tl.load(dy_ptr + row_off + offs, mask=mask, other=0.0)
        y = tl.load(y_ptr + row_off + offs, mask=mask, other=0.0)
        tl.store(dx_ptr + row_off + offs, y * (dy - total), mask=mask)
