"""ADVERSARIAL (size/pid/iteration thresholds): a two-stage sum whose second stage reads one tile of 16 partial sums: more than 16 partials (M > 64) are dropped"""

import triton
import triton.language as tl


@triton.jit
def partial_kernel(x_ptr, mid_ptr, m, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < m, other=0.0)
    tl.store(mid_ptr + pid, tl.sum(x, 0))


@triton.jit
def finish_kernel(mid_ptr, out_ptr, mid_size, BLOCK_MID: tl.constexpr):
    offs = tl.arange(0, BLOCK_MID)
    v = tl.load(mid_ptr + offs, mask=offs < mid_size, other=0.0)
    tl.store(out_ptr, tl.sum(v, 0))
