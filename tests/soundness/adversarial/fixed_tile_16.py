"""ADVERSARIAL (block-size dependence): a row mean read as one tile of 16 with N unconstrained: N > 16 drops columns"""

import triton
import triton.language as tl


@triton.jit
def row_mean_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + row * n + cols, mask=cols < n, other=0.0)
    tl.store(out_ptr + row, tl.sum(x, 0) / n)
