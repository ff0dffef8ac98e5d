"""ADVERSARIAL (integer semantics): the store mask compares offsets cast to int16: from N >= 32768 the cast wraps negative, lanes past N pass the mask and the kernel writes past y"""

import triton
import triton.language as tl


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n, other=0.0)
    tl.store(y_ptr + offs, x * 2.0, mask=offs.to(tl.int16) < n)
