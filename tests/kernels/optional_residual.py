"""Optional operand selected by a constexpr flag (pointer may be None):
y[i] = x[i] * scale + r[i]   (HAS_RESIDUAL = True)
y[i] = x[i] * scale          (HAS_RESIDUAL = False, r_ptr = None)."""

import triton
import triton.language as tl


@triton.jit
def scale_add_residual_kernel(
    x_ptr, r_ptr, y_ptr, n, scale, HAS_RESIDUAL: tl.constexpr, BLOCK: tl.constexpr
):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    y = tl.load(x_ptr + offs, mask=mask, other=0.0) * scale
    if HAS_RESIDUAL:
        y += tl.load(r_ptr + offs, mask=mask, other=0.0)
    tl.store(y_ptr + offs, y, mask=mask)
