"""BUGGY: in-place shift where program p reads x[p + 1], which program p + 1 overwrites (a race)."""

import triton
import triton.language as tl


@triton.jit
def inplace_neighbour_kernel(x_ptr, n):
    p = tl.program_id(0)
    v = tl.load(x_ptr + p + 1, mask=p + 1 < n, other=0.0)
    tl.store(x_ptr + p, v * 2.0)
