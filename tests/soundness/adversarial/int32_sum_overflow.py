"""ADVERSARIAL (integer semantics): tl.sum of int32 values in [0, 2**30) accumulates in int32 and wraps for N >= 3"""

import triton
import triton.language as tl


@triton.jit
def total_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n, other=0)
    tl.store(out_ptr, tl.sum(x, 0).to(tl.int64))
