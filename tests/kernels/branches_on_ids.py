"""Branches the prover runs on both sides under a path predicate.

- early_return_kernel: a grid with two spare programs that return early: y[i, j] = 2·x[i, j]
- row0_bias_kernel: only program 0 adds the bias: y[i, j] = x[i, j] + b[j] if i = 0 else x[i, j]
- ignore_row_kernel: a row whose target is IGNORE is zeroed (a branch on loaded data)
"""

import triton
import triton.language as tl


@triton.jit
def early_return_kernel(x_ptr, y_ptr, M, N, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    if row >= M:
        return
    cols = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + row * N + cols, mask=cols < N, other=0.0)
    tl.store(y_ptr + row * N + cols, 2.0 * x, mask=cols < N)


@triton.jit
def row0_bias_kernel(x_ptr, b_ptr, y_ptr, N, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + row * N + cols, mask=cols < N, other=0.0)
    if row == 0:
        x = x + tl.load(b_ptr + cols, mask=cols < N, other=0.0)
    tl.store(y_ptr + row * N + cols, x, mask=cols < N)


@triton.jit
def ignore_row_kernel(x_ptr, t_ptr, y_ptr, N, IGNORE: tl.constexpr, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    t = tl.load(t_ptr + row)
    cols = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + row * N + cols, mask=cols < N, other=0.0)
    if t == IGNORE:
        x = x * 0.0
    tl.store(y_ptr + row * N + cols, x, mask=cols < N)
