"""tl.reduce with a custom combiner (product): p[i] = prod_{k<N} x[i, k]."""

import triton
import triton.language as tl


@triton.jit
def _mul_combine(a, b):
    return a * b


@triton.jit
def row_prod_kernel(x_ptr, p_ptr, N, stride, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + row * stride + cols, mask=cols < N, other=1.0)
    tl.store(p_ptr + row, tl.reduce(x, 0, _mul_combine))
