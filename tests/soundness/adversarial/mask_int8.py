"""ADVERSARIAL (integer semantics): the store mask compares offsets cast to int8: from N >= 128 lanes past N pass it and the kernel writes past y"""

import triton
import triton.language as tl


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n, other=0.0)
    tl.store(y_ptr + offs, x + 1.0, mask=offs.to(tl.int8) < n)
