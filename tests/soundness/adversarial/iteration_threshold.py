"""ADVERSARIAL (size/pid/iteration thresholds): a row sum whose blocks from column 64 on are halved: every loop a bounded check runs stops earlier"""

import triton
import triton.language as tl


@triton.jit
def row_sum_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, n, BLOCK):
        offs = start + tl.arange(0, BLOCK)
        x = tl.load(x_ptr + row * n + offs, mask=offs < n, other=0.0)
        if start >= 64:
            x = x * 0.5
        acc += x
    tl.store(out_ptr + row, tl.sum(acc, 0))
