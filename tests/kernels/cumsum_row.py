"""Single-tile inclusive prefix sum along a row: y[i, j] = sum_{k<=j} x[i, k]."""

import triton
import triton.language as tl


@triton.jit
def cumsum_row_kernel(x_ptr, y_ptr, N, stride, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < N
    x = tl.load(x_ptr + row * stride + cols, mask=mask, other=0.0)
    tl.store(y_ptr + row * stride + cols, tl.cumsum(x, axis=0), mask=mask)
