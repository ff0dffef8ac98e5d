"""Column sums split over row blocks, combined with vector atomic_add into a zero-filled output:
out[j] = sum_{i<M} x[i, j]."""

import triton
import triton.language as tl


@triton.jit
def zero_fill_kernel(out_ptr, N, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(out_ptr + offs, tl.zeros([BLOCK], dtype=tl.float32), mask=offs < N)


@triton.jit
def column_sum_atomic_kernel(
    x_ptr, out_ptr, M, N, stride_m, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr
):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rows = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    cols = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    tile = tl.load(
        x_ptr + rows[:, None] * stride_m + cols[None, :],
        mask=(rows[:, None] < M) & (cols[None, :] < N),
        other=0.0,
    )
    part = tl.sum(tile, axis=0)
    tl.atomic_add(out_ptr + cols, part, mask=cols < N)
