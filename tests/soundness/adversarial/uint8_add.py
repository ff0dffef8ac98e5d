"""ADVERSARIAL (integer semantics): a + b on uint8 inputs in [0, 256) wraps at 256"""

import triton
import triton.language as tl


@triton.jit
def add_kernel(a_ptr, b_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    a = tl.load(a_ptr + offs, mask=mask, other=0)
    b = tl.load(b_ptr + offs, mask=mask, other=0)
    tl.store(y_ptr + offs, (a + b).to(tl.int32), mask=mask)
