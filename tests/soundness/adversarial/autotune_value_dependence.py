"""ADVERSARIAL (block-size dependence): the value depends on the autotuned BLOCK (x * BLOCK / 2): only BLOCK = 2 gives the intended result"""

import triton
import triton.language as tl


@triton.jit
def scale_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    tl.store(y_ptr + offs, x * BLOCK / 2, mask=mask)
