"""Data-dependent condition with Python `or` and `and` on tensors (element-wise in the compiler):
y[i] = 0 if (x[i] < lo or x[i] > hi) else x[i]                  (band-stop)
k[i] = x[i] if (x[i] > 0 and z[i] > 0) else 0

Under TRITON_INTERPRET=1 `a or b` evaluates to `a` and `a and b` to `b` for multi-element tiles,
so the interpreter computes y[i] = where(x < lo, 0, x) and k[i] = where(z > 0, x, 0) instead."""

import triton
import triton.language as tl


@triton.jit
def band_stop_kernel(x_ptr, z_ptr, y_ptr, k_ptr, n, lo, hi, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    z = tl.load(z_ptr + offs, mask=mask, other=0.0)
    outside = (x < lo) or (x > hi)
    tl.store(y_ptr + offs, tl.where(outside, 0.0, x), mask=mask)
    both_pos = (x > 0) and (z > 0)
    tl.store(k_ptr + offs, tl.where(both_pos, x, 0.0), mask=mask)
