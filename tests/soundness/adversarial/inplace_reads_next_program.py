"""ADVERSARIAL (aliasing and in-place): in place, x[i] += x[i + BLOCK]: program p reads the block program p + 1 overwrites, so the result depends on program order"""

import triton
import triton.language as tl


@triton.jit
def add_next_block_kernel(x_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    a = tl.load(x_ptr + offs, mask=mask, other=0.0)
    b = tl.load(x_ptr + offs + BLOCK, mask=offs + BLOCK < n, other=0.0)
    tl.store(x_ptr + offs, a + b, mask=mask)
