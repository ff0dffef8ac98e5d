"""ADVERSARIAL (launches Triton rejects): BLOCK = cdiv(N, 2) * 2 (rounded up to even): not a power of two at N = 5"""

import triton
import triton.language as tl


@triton.jit
def inc_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=mask, other=0.0) * 3.0, mask=mask)
