"""ADVERSARIAL (launches Triton rejects): a row tile loaded with other=0.0 and no mask (the spec requires N to be a power of two): Triton rejects other without mask"""

import triton
import triton.language as tl


@triton.jit
def row_max_kernel(x_ptr, out_ptr, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + row * BLOCK + cols, other=0.0)
    tl.store(out_ptr + row, tl.max(x, 0))
