"""ADVERSARIAL (size/pid/iteration thresholds): the host picks a looped path for N > 32 (flag computed in the spec) whose masked lanes load 1.0: every checked size takes the single-tile path"""

import triton
import triton.language as tl


@triton.jit
def row_sum_kernel(x_ptr, out_ptr, n, TILE: tl.constexpr, BLOCK: tl.constexpr, SINGLE: tl.constexpr):
    row = tl.program_id(0)
    if SINGLE:
        offs = tl.arange(0, TILE)
        x = tl.load(x_ptr + row * n + offs, mask=offs < n, other=0.0)
        tl.store(out_ptr + row, tl.sum(x, 0))
    else:
        acc = tl.zeros([BLOCK], dtype=tl.float32)
        for start in range(0, n, BLOCK):
            offs = start + tl.arange(0, BLOCK)
            acc += tl.load(x_ptr + row * n + offs, mask=offs < n, other=1.0)
        tl.store(out_ptr + row, tl.sum(acc, 0))
