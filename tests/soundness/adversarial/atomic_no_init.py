"""ADVERSARIAL (aliasing and in-place): accumulates with tl.atomic_add into an output nobody zero-fills (no init): it reads uninitialised memory"""

import triton
import triton.language as tl


@triton.jit
def atomic_total_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n, other=0.0)
    tl.atomic_add(out_ptr, tl.sum(x, 0))
