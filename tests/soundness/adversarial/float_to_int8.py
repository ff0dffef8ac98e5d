"""ADVERSARIAL (integer semantics): (x * 100).to(tl.int8) of standard normal x: values beyond ±127 do not fit the int8 the tool reads as trunc(x * 100)"""

import triton
import triton.language as tl


@triton.jit
def quant_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    tl.store(y_ptr + offs, (x * 100.0).to(tl.int8).to(tl.int32), mask=mask)
