"""Cumulative product down the columns: y[i, j] = prod_{k <= i} x[k, j]. One 2-D tile holds all
rows of BLOCK_N columns; the grid runs over column blocks and tl.cumprod scans axis 0."""

import triton
import triton.language as tl


@triton.jit
def cumprod_dim0_kernel(x_ptr, y_ptr, M, N, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    pid = tl.program_id(0)
    rows = tl.arange(0, BLOCK_M)
    cols = pid * BLOCK_N + tl.arange(0, BLOCK_N)
    offs = rows[:, None] * N + cols[None, :]
    mask = (rows[:, None] < M) & (cols[None, :] < N)
    x = tl.load(x_ptr + offs, mask=mask, other=1.0)
    y = tl.cumprod(x, axis=0)
    tl.store(y_ptr + offs, y, mask=mask)
