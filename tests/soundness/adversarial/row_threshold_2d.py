"""ADVERSARIAL (size/pid/iteration thresholds): rows from 100 on are scaled by 3 instead of 2 (a program-id threshold on the row axis)"""

import triton
import triton.language as tl


@triton.jit
def scale_rows_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < n
    x = tl.load(x_ptr + row * n + cols, mask=mask, other=0.0)
    s = 2.0
    if row >= 100:
        s = 3.0
    tl.store(y_ptr + row * n + cols, x * s, mask=mask)
