"""tl.maximum / tl.minimum / tl.abs: y[i] = min(max(x[i], lo), hi), d[i] = |x[i] - z[i]|."""

import triton
import triton.language as tl


@triton.jit
def hardtanh_abs_kernel(x_ptr, z_ptr, y_ptr, d_ptr, n, lo, hi, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    z = tl.load(z_ptr + offs, mask=mask, other=0.0)
    clipped = tl.minimum(tl.maximum(x, lo), hi)
    tl.store(y_ptr + offs, clipped, mask=mask)
    tl.store(d_ptr + offs, tl.abs(x - z), mask=mask)
