"""ADVERSARIAL (launches Triton rejects): one tile of next_power_of_2(N) elements with N <= 2**22: past 2**20 elements Triton rejects the tile"""

import triton
import triton.language as tl


@triton.jit
def neg_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(y_ptr + offs, -tl.load(x_ptr + offs, mask=mask, other=0.0), mask=mask)
