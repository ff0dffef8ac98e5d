"""Polynomial by Horner's rule unrolled with tl.static_range, and a constexpr flag choosing a
clamped or unclamped result:
y[i] = sum_{p<=DEGREE} c[p] * x[i]^p          (CLAMP_NONNEG = False)
y[i] = max(sum_{p<=DEGREE} c[p] * x[i]^p, 0)  (CLAMP_NONNEG = True)."""

import triton
import triton.language as tl


@triton.jit
def poly_horner_kernel(
    x_ptr, c_ptr, y_ptr, n, DEGREE: tl.constexpr, CLAMP_NONNEG: tl.constexpr, BLOCK: tl.constexpr
):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for p in tl.static_range(DEGREE + 1):
        coeff = tl.load(c_ptr + (DEGREE - p))
        acc = acc * x + coeff
    if CLAMP_NONNEG:
        out = tl.maximum(acc, 0.0)
    else:
        out = acc
    tl.store(y_ptr + offs, out, mask=mask)
