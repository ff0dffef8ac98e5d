"""ADVERSARIAL (size/pid/iteration thresholds): loads past element 66560 are masked to 0: wrong only from N = 66561 on"""

import triton
import triton.language as tl


@triton.jit
def neg_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask & (offs < 66560), other=0.0)
    tl.store(y_ptr + offs, -x, mask=mask)
