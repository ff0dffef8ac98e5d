"""ADVERSARIAL (integer semantics): x + 1 (int32 values in [0, 1000)) stored into an int8 output wraps around"""

import triton
import triton.language as tl


@triton.jit
def inc_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0)
    tl.store(y_ptr + offs, x + 1, mask=mask)
