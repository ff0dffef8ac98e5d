"""Mask built with Python `and` on tensors (element-wise in the compiler):
y[i, j] = x[i, j] - x[i, 0] on a 2-D tile, with lower and upper bounds combined by `and`.

The first operand of each `and` (`cols >= 0`, `rows >= 0`) is always true, so the interpreter's
short-circuit semantics (`a and b` -> b for a multi-element tile) gives the same mask as the
compiler's element-wise semantics."""

import triton
import triton.language as tl


@triton.jit
def sub_first_col_kernel(x_ptr, y_ptr, M, N, stride, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    rows = tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)
    cols = tl.program_id(1) * BLOCK_N + tl.arange(0, BLOCK_N)
    row_ok = (rows >= 0) and (rows < M)
    col_ok = (cols >= 0) and (cols < N)
    mask = row_ok[:, None] & col_ok[None, :]
    x = tl.load(x_ptr + rows[:, None] * stride + cols[None, :], mask=mask, other=0.0)
    first = tl.load(x_ptr + rows * stride, mask=row_ok, other=0.0)
    tl.store(y_ptr + rows[:, None] * stride + cols[None, :], x - first[:, None], mask=mask)
