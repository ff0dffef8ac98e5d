"""libdevice math (tanh, pow, erf, exp):
y[i] = 0.5 * x (1 + tanh(sqrt(2/pi) * (x + 0.044715 * pow(x, 3))))   with x = x[i]
z[i] = erf(x[i]) * exp(-x[i]^2)
NOT runnable under TRITON_INTERPRET=1 (the interpreter has no libdevice)."""

import triton
import triton.language as tl
from triton.language.extra import libdevice


@triton.jit
def gelu_libdevice_kernel(x_ptr, y_ptr, z_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0).to(tl.float32)
    inner = 0.7978845608028654 * (x + 0.044715 * libdevice.pow(x, 3.0))
    tl.store(y_ptr + offs, 0.5 * x * (1.0 + libdevice.tanh(inner)), mask=mask)
    tl.store(z_ptr + offs, libdevice.erf(x) * libdevice.exp(-x * x), mask=mask)
