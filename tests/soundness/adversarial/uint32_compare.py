"""ADVERSARIAL (integer semantics): (a - b) < 5 on uint32: when a < b the difference wraps to a huge number and the comparison is false"""

import triton
import triton.language as tl


@triton.jit
def close_kernel(a_ptr, b_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    a = tl.load(a_ptr + offs, mask=mask, other=0)
    b = tl.load(b_ptr + offs, mask=mask, other=0)
    tl.store(y_ptr + offs, tl.where(a - b < 5, 1.0, 0.0), mask=mask)
