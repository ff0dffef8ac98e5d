"""ADVERSARIAL (size/pid/iteration thresholds): programs with pid >= 40 add 1: wrong only once the grid has 41 programs (N > 160)"""

import triton
import triton.language as tl


@triton.jit
def pid_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    y = x * 3.0
    if pid >= 40:
        y = y + 1.0
    tl.store(y_ptr + offs, y, mask=mask)
