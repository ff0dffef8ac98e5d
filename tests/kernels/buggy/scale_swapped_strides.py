"""BUGGY: 2-D scale kernel (y = 2·x) that swaps the row and column strides of the input."""

import triton
import triton.language as tl


@triton.jit
def scale_swapped_kernel(x_ptr, y_ptr, M, N, stride_r, stride_c, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    rows = tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)
    cols = tl.program_id(1) * BLOCK_N + tl.arange(0, BLOCK_N)
    mask = (rows[:, None] < M) & (cols[None, :] < N)
    x = tl.load(x_ptr + rows[:, None] * stride_c + cols[None, :] * stride_r, mask=mask, other=0.0)
    tl.store(y_ptr + rows[:, None] * stride_r + cols[None, :] * stride_c, 2.0 * x, mask=mask)
