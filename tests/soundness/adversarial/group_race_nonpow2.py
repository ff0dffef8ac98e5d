"""ADVERSARIAL (aliasing and in-place): groups of G rows per program, rows masked only by M: for G not a power of two a program also writes the next group's rows (a race)"""

import triton
import triton.language as tl


@triton.jit
def group_offset_kernel(x_ptr, y_ptr, m, g, GB: tl.constexpr):
    pid = tl.program_id(0)
    rows = pid * g + tl.arange(0, GB)
    mask = rows < m
    x = tl.load(x_ptr + rows, mask=mask, other=0.0)
    tl.store(y_ptr + rows, x + pid, mask=mask)
