"""Rejected launch: tl.load(..., mask=None, other=1.0). Spelling the mask out as None is still a
load without a mask, and Triton refuses `other` there."""

import triton
import triton.language as tl


@triton.jit
def square_kernel(x_ptr, y_ptr, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=None, other=1.0)
    tl.store(y_ptr + offs, x * x)
