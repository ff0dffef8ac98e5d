"""BUGGY: element-wise kernel whose store mask drops the last element (`offs < n - 1`)."""

import triton
import triton.language as tl


@triton.jit
def store_drops_last_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n, other=0.0)
    tl.store(y_ptr + offs, x * 3.0 + 1.0, mask=offs < n - 1)
