"""ADVERSARIAL (integer semantics): (a - 1) >> 1 on uint32 with a = 0 wraps to 2**32 - 1 before the shift"""

import triton
import triton.language as tl


@triton.jit
def half_kernel(a_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    a = tl.load(a_ptr + offs, mask=mask, other=0)
    tl.store(y_ptr + offs, ((a - 1) >> 1).to(tl.int64), mask=mask)
