"""ADVERSARIAL (aliasing and in-place): two lanes of one tl.store write one address (y + offs // 2): which lane wins is unspecified on a GPU"""

import triton
import triton.language as tl


@triton.jit
def pair_store_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    tl.store(y_ptr + offs // 2, x, mask=mask)
