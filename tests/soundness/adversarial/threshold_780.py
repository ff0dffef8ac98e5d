"""ADVERSARIAL (size/pid/iteration thresholds): adds 1 to every element once n >= 780: every size a bounded check runs is correct"""

import triton
import triton.language as tl


@triton.jit
def double_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    y = 2.0 * x
    if n >= 780:
        y = y + 1.0
    tl.store(y_ptr + offs, y, mask=mask)
