"""In place: x[i] = 2·x[i], each program reading and then writing its own block (masked tail)."""

import triton
import triton.language as tl


@triton.jit
def inplace_double_kernel(x_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    tl.store(x_ptr + offs, x * 2.0, mask=mask)
