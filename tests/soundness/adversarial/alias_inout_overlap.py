"""ADVERSARIAL (aliasing and in-place): an in-place scale of an inout tensor whose row stride is min(N, 16): overlapping elements are scaled twice"""

import triton
import triton.language as tl


@triton.jit
def triple_inplace_kernel(x_ptr, n_cols, x_row, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    x = tl.load(x_ptr + row * x_row + cols, mask=mask, other=0.0)
    tl.store(x_ptr + row * x_row + cols, 3.0 * x, mask=mask)
