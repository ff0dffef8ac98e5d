"""GELU (tanh approximation) on a 2-D tensor through a helper module imported as an alias:
y[i, j] = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) with x = x[i, j]."""

import triton
import triton.language as tl
from tests.kernels import helpers_mathlib as mathlib


@triton.jit
def gelu_tanh_kernel(
    x_ptr, y_ptr, M, N, stride_x, stride_y, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr
):
    rows = tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)
    cols = tl.program_id(1) * BLOCK_N + tl.arange(0, BLOCK_N)
    mask = (rows[:, None] < M) & (cols[None, :] < N)
    x = tl.load(x_ptr + rows[:, None] * stride_x + cols[None, :], mask=mask, other=0.0)
    y = mathlib.gelu_tanh(x)
    tl.store(y_ptr + rows[:, None] * stride_y + cols[None, :], y, mask=mask)
