"""ADVERSARIAL (size/pid/iteration thresholds): the store mask is offs < n - (n > 500): the last element is dropped only for N > 500"""

import triton
import triton.language as tl


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n, other=0.0)
    limit = n
    if n > 500:
        limit = n - 1
    tl.store(y_ptr + offs, x + 1.0, mask=offs < limit)
