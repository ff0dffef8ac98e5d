"""Flat 1-D launch over an [M, N] tensor, decoding (row, col) with // and %:
y[i, j] = x[i, j] * s[i] + b[j]."""

import triton
import triton.language as tl


@triton.jit
def flat_affine_kernel(x_ptr, s_ptr, b_ptr, y_ptr, total, N, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < total
    row = offs // N
    col = offs % N
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    s = tl.load(s_ptr + row, mask=mask, other=0.0)
    b = tl.load(b_ptr + col, mask=mask, other=0.0)
    tl.store(y_ptr + offs, x * s + b, mask=mask)
