"""Single-tile row softmax, max-shifted:
y[i, j] = exp(x[i, j] - max_k x[i, k]) / sum_k exp(x[i, k] - max_k x[i, k])."""

import triton
import triton.language as tl


@triton.jit
def softmax_row_kernel(
    in_ptr, out_ptr, in_row_stride, out_row_stride, n_cols, BLOCK_SIZE: tl.constexpr
):
    row_idx = tl.program_id(0)
    col = tl.arange(0, BLOCK_SIZE)
    mask = col < n_cols
    row = tl.load(in_ptr + row_idx * in_row_stride + col, mask=mask, other=-float("inf"))
    shifted = row - tl.max(row, axis=0)
    numerator = tl.exp(shifted)
    denominator = tl.sum(numerator, axis=0)
    tl.store(out_ptr + row_idx * out_row_stride + col, numerator / denominator, mask=mask)
