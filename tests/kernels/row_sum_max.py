"""Single-tile row reductions with two outputs:
s[i] = sum_{k<N} x[i, k],  m[i] = max_{k<N} x[i, k]."""

import triton
import triton.language as tl


@triton.jit
def row_sum_max_kernel(x_ptr, sum_ptr, max_ptr, n_cols, row_stride, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    x_row = x_ptr + row * row_stride
    vals = tl.load(x_row + cols, mask=mask, other=0.0)
    vals_for_max = tl.where(mask, vals, float("-inf"))
    tl.store(sum_ptr + row, tl.sum(vals, axis=0))
    tl.store(max_ptr + row, tl.max(vals_for_max, axis=0))
