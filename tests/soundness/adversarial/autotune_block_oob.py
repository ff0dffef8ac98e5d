"""ADVERSARIAL (block-size dependence): unmasked blocks; N % 4 == 0 is required but the autotuned BLOCK may be 8: BLOCK = 8 writes past y at N = 12"""

import triton
import triton.language as tl


@triton.jit
def neg_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(y_ptr + offs, -tl.load(x_ptr + offs))
