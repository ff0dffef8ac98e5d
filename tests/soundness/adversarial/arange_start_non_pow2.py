"""ADVERSARIAL (launches Triton rejects): tl.arange(1, BLOCK) (skipping column 0) has BLOCK - 1 elements: never a power of two for BLOCK >= 4"""

import triton
import triton.language as tl


@triton.jit
def tail_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(1, BLOCK)
    mask = offs < n
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=mask, other=0.0), mask=mask)
