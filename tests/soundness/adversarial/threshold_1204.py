"""ADVERSARIAL (size/pid/iteration thresholds): the store mask also says offs < 1203: the last elements stay unwritten once N > 1203"""

import triton
import triton.language as tl


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n, other=0.0)
    tl.store(y_ptr + offs, x, mask=(offs < n) & (offs < 1203))
