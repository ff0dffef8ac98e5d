"""ADVERSARIAL (aliasing and in-place): the same kernel with the row stride min(N, 64) written inline in the strides: for N > 64 rows overlap"""

import triton
import triton.language as tl


@triton.jit
def double_rows_kernel(x_ptr, y_ptr, n_cols, x_row, y_row, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    x = tl.load(x_ptr + row * x_row + cols, mask=mask, other=0.0)
    tl.store(y_ptr + row * y_row + cols, 2.0 * x, mask=mask)
