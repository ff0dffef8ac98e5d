"""ADVERSARIAL (integer semantics): x * x on int16 inputs in [-300, 300) stays int16 and wraps past 32767"""

import triton
import triton.language as tl


@triton.jit
def square_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0)
    tl.store(y_ptr + offs, (x * x).to(tl.int32), mask=mask)
