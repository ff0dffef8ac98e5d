"""ADVERSARIAL (size/pid/iteration thresholds): the host caps the grid at min(cdiv(N, 4), 4) programs but the kernel has no grid-stride loop: elements past 16 stay unwritten"""

import triton
import triton.language as tl


@triton.jit
def square_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    tl.store(y_ptr + offs, x * x, mask=mask)
