"""2-D grid-stride loops: rows strided by num_programs(0), column blocks by num_programs(1):
y[i, j] = x[i, j] * w[j] + i."""

import triton
import triton.language as tl


@triton.jit
def grid_stride_2d_kernel(x_ptr, w_ptr, y_ptr, M, N, stride_x, stride_y, BLOCK_N: tl.constexpr):
    pid_r = tl.program_id(0)
    pid_c = tl.program_id(1)
    n_r = tl.num_programs(0)
    n_c = tl.num_programs(1)
    for row in range(pid_r, M, n_r):
        for col0 in range(pid_c * BLOCK_N, N, n_c * BLOCK_N):
            cols = col0 + tl.arange(0, BLOCK_N)
            mask = cols < N
            x = tl.load(x_ptr + row * stride_x + cols, mask=mask, other=0.0)
            w = tl.load(w_ptr + cols, mask=mask, other=0.0)
            tl.store(y_ptr + row * stride_y + cols, x * w + row, mask=mask)
