"""2-D tile with broadcasting along both axes: out[i, j] = x[i, j] * s[i] + b[j]."""

import triton
import triton.language as tl


@triton.jit
def scale_bias_2d_kernel(
    x_ptr,
    scale_ptr,
    bias_ptr,
    out_ptr,
    M,
    N,
    stride_xm,
    stride_om,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rows = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    cols = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    row_mask = rows < M
    col_mask = cols < N
    mask = row_mask[:, None] & col_mask[None, :]
    x = tl.load(x_ptr + rows[:, None] * stride_xm + cols[None, :], mask=mask, other=0.0)
    s = tl.load(scale_ptr + rows, mask=row_mask, other=1.0)
    b = tl.load(bias_ptr + cols, mask=col_mask, other=0.0)
    y = x * s[:, None] + b[None, :]
    tl.store(out_ptr + rows[:, None] * stride_om + cols[None, :], y, mask=mask)
