"""Elementwise unary map with a masked tail: y[i] = exp(x[i]) * 2 + 1."""

import triton
import triton.language as tl


@triton.jit
def exp_affine_kernel(x_ptr, y_ptr, n_elements, BLOCK: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    y = tl.exp(x) * 2.0 + 1.0
    tl.store(y_ptr + offsets, y, mask=mask)
