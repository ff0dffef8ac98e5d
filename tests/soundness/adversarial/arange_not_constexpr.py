"""ADVERSARIAL (launches Triton rejects): tl.arange(0, BLOCK) with BLOCK an ordinary (not tl.constexpr) parameter: Triton rejects it"""

import triton
import triton.language as tl


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK):
    offs = tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=mask, other=0.0), mask=mask)
