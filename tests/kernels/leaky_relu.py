"""Data-dependent select: y[i] = x[i] if x[i] > 0 else slope * x[i]; also r[i] = max(x[i], 0)
written as tl.where(x > 0, x, 0)."""

import triton
import triton.language as tl


@triton.jit
def leaky_relu_kernel(x_ptr, y_ptr, r_ptr, n, negative_slope, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    positive = x > 0
    tl.store(y_ptr + offs, tl.where(positive, x, x * negative_slope), mask=mask)
    tl.store(r_ptr + offs, tl.where(positive, x, 0.0), mask=mask)
