"""ADVERSARIAL (size/pid/iteration thresholds): a row sum unrolled over tl.static_range(4) blocks of 4: columns from 16 on are never read"""

import triton
import triton.language as tl


@triton.jit
def row_sum_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for b in tl.static_range(4):
        offs = b * BLOCK + tl.arange(0, BLOCK)
        acc += tl.load(x_ptr + row * n + offs, mask=offs < n, other=0.0)
    tl.store(out_ptr + row, tl.sum(acc, 0))
