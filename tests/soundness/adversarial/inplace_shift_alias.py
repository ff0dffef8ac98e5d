"""ADVERSARIAL (aliasing and in-place): copies x into x + 1 (an argument pointing one element into the same tensor): block p's last lane writes block p + 1's first element before or after program p + 1 reads it"""

import triton
import triton.language as tl


@triton.jit
def copy_kernel(src_ptr, dst_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    v = tl.load(src_ptr + offs, mask=mask, other=0.0)
    tl.store(dst_ptr + offs, v, mask=mask)
