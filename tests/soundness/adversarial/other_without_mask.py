"""ADVERSARIAL (launches Triton rejects): tl.load(..., other=0.0) without mask=: Triton rejects the call"""

import triton
import triton.language as tl


@triton.jit
def double_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, other=0.0)
    tl.store(y_ptr + offs, x * 2.0)
