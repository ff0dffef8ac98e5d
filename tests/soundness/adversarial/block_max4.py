"""ADVERSARIAL (launches Triton rejects): BLOCK = max(4, N) with N <= 8: a power of two only for N <= 4 and N = 8; Triton rejects N = 5, 6, 7"""

import triton
import triton.language as tl


@triton.jit
def inc_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=mask, other=0.0) + 1.0, mask=mask)
