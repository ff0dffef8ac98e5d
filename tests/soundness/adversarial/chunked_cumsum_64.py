"""ADVERSARIAL (size/pid/iteration thresholds): a cumsum over blocks of 8 whose carry is reset every 64 steps: a global cumsum only while T <= 64"""

import triton
import triton.language as tl


@triton.jit
def chunked_cumsum_kernel(x_ptr, y_ptr, t, BLOCK: tl.constexpr, CHUNK: tl.constexpr):
    row = tl.program_id(0)
    carry = 0.0
    for start in range(0, t, BLOCK):
        if start % CHUNK == 0:
            carry = 0.0
        offs = start + tl.arange(0, BLOCK)
        mask = offs < t
        x = tl.load(x_ptr + row * t + offs, mask=mask, other=0.0)
        c = tl.cumsum(x, 0) + carry
        tl.store(y_ptr + row * t + offs, c, mask=mask)
        carry += tl.sum(x, 0)
