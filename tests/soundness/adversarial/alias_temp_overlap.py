"""ADVERSARIAL (aliasing and in-place): two launches through a temp buffer whose row stride is min(N, 8): the first launch's rows overlap"""

import triton
import triton.language as tl


@triton.jit
def scale_kernel(x_ptr, t_ptr, n_cols, t_row, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    x = tl.load(x_ptr + row * n_cols + cols, mask=mask, other=0.0)
    tl.store(t_ptr + row * t_row + cols, 2.0 * x, mask=mask)


@triton.jit
def shift_kernel(t_ptr, y_ptr, n_cols, t_row, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    t = tl.load(t_ptr + row * t_row + cols, mask=mask, other=0.0)
    tl.store(y_ptr + row * n_cols + cols, t + 1.0, mask=mask)
