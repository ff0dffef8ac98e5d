"""ADVERSARIAL (integer semantics): the block start pid * BLOCK is computed in int16 (pid cast first): it wraps from 32768 on and the kernel reads the wrong block"""

import triton
import triton.language as tl


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    start = pid.to(tl.int16) * BLOCK
    offs = tl.arange(0, BLOCK)
    src = start + offs
    mask = pid * BLOCK + offs < n
    x = tl.load(x_ptr + tl.where(src >= 0, src, 0), mask=mask, other=0.0)
    tl.store(y_ptr + pid * BLOCK + offs, x, mask=mask)
