"""ADVERSARIAL (launches Triton rejects): tl.arange(0, N) with the constexpr N = the row length: Triton rejects every N that is not a power of two"""

import triton
import triton.language as tl


@triton.jit
def copy_kernel(x_ptr, y_ptr, N: tl.constexpr):
    offs = tl.arange(0, N)
    tl.store(y_ptr + offs, tl.load(x_ptr + offs) * 2.0)
