"""SwiGLU with a helper imported from another module:
y[i] = silu(a[i]) * b[i] = a[i] / (1 + exp(-a[i])) * b[i]."""

import triton
import triton.language as tl
from tests.kernels.helpers_mathlib import silu


@triton.jit
def swiglu_kernel(a_ptr, b_ptr, y_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    a = tl.load(a_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    b = tl.load(b_ptr + offs, mask=mask, other=0.0)
    tl.store(y_ptr + offs, silu(a) * b, mask=mask)
