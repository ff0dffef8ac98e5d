"""ADVERSARIAL (block-size dependence): the loop steps by the autotuned BLOCK but each step reads a fixed tile of 4: with BLOCK = 8 half of every block is skipped"""

import triton
import triton.language as tl


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    for start in range(0, n, BLOCK):
        offs = start + tl.arange(0, 4)
        mask = offs < n
        tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=mask, other=0.0) + 1.0, mask=mask)
