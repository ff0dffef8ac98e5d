"""Elementwise binary with a real scalar: out[i] = x[i] + alpha * z[i]."""

import triton
import triton.language as tl


@triton.jit
def axpy_kernel(x_ptr, z_ptr, out_ptr, alpha, n, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(0)
    block_start = pid * BLOCK_SIZE
    offs = block_start + tl.arange(0, BLOCK_SIZE)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    z = tl.load(z_ptr + offs, mask=mask, other=0.0)
    tl.store(out_ptr + offs, x + alpha * z, mask=mask)
