"""BUGGY only for large sizes: an element-wise kernel that writes nothing past element 4096
(`offs < 4096` in the store mask). Every size a bounded check runs is correct."""

import triton
import triton.language as tl


@triton.jit
def large_only_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n, other=0.0)
    tl.store(y_ptr + offs, x * 3.0 + 1.0, mask=(offs < n) & (offs < 4096))
