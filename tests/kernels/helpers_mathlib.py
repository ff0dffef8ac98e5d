"""@triton.jit scalar/tile helpers used by kernels in other modules (no kernels here).

Helpers call each other: silu -> sigmoid_exp, gelu_tanh -> tanh_exp -> sigmoid_exp.
Everything is written with tl.exp so it also runs under TRITON_INTERPRET=1 (no libdevice).
"""

import triton
import triton.language as tl

SQRT_2_OVER_PI = tl.constexpr(0.7978845608028654)
GELU_CUBIC = tl.constexpr(0.044715)


@triton.jit
def sigmoid_exp(x):
    return 1.0 / (1.0 + tl.exp(-x))


@triton.jit
def silu(x):
    return x * sigmoid_exp(x)


@triton.jit
def tanh_exp(x):
    # tanh(x) = 2 * sigmoid(2x) - 1
    return 2.0 * sigmoid_exp(2.0 * x) - 1.0


@triton.jit
def gelu_tanh(x):
    inner = SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x)
    return 0.5 * x * (1.0 + tanh_exp(inner))
