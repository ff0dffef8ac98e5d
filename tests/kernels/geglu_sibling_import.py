"""GeGLU through a helper module imported as a sibling top-level module (`import helpers_mathlib`):
y[i] = gelu_tanh(a[i]) * b[i], gelu_tanh(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).

Python can import this file only when tests/kernels/ itself is on sys.path (unlike swiglu.py and
gelu_tanh_act.py, which need the repository root)."""

import helpers_mathlib
import triton
import triton.language as tl


@triton.jit
def geglu_kernel(a_ptr, b_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    a = tl.load(a_ptr + offs, mask=mask, other=0.0)
    b = tl.load(b_ptr + offs, mask=mask, other=0.0)
    tl.store(y_ptr + offs, helpers_mathlib.gelu_tanh(a) * b, mask=mask)
