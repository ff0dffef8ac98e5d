"""ADVERSARIAL (aliasing and in-place): the second launch reads MID + 1 partial sums of a temp buffer the first launch writes MID of: one uninitialised read"""

import triton
import triton.language as tl


@triton.jit
def partial_kernel(x_ptr, mid_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n, other=0.0)
    tl.store(mid_ptr + pid, tl.sum(x, 0))


@triton.jit
def finish_kernel(mid_ptr, out_ptr, mid_size, BLOCK_MID: tl.constexpr):
    offs = tl.arange(0, BLOCK_MID)
    m = tl.load(mid_ptr + offs, mask=offs < mid_size + 1, other=0.0)
    tl.store(out_ptr, tl.sum(m, 0))
