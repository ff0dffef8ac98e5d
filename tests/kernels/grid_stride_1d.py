"""Persistent 1-D grid-stride loop on num_programs: y[i] = x[i] * x[i] - x[i]."""

import triton
import triton.language as tl


@triton.jit
def grid_stride_square_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    nprog = tl.num_programs(0)
    for block_start in range(pid * BLOCK, n, nprog * BLOCK):
        offs = block_start + tl.arange(0, BLOCK)
        mask = offs < n
        x = tl.load(x_ptr + offs, mask=mask)
        tl.store(y_ptr + offs, x * x - x, mask=mask)
