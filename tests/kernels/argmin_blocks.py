"""Row minimum and its first index over column blocks, a running (value, index) pair per row:
tl.min(..., return_indices=True) inside a block, a strict `<` across blocks (an earlier block
wins ties), blocks of 4.
vmin[i] = min_{k<N} x[i, k], imin[i] = argmin_{k<N} x[i, k] (first occurrence)."""

import triton
import triton.language as tl


@triton.jit
def argmin_blocks_kernel(x_ptr, vmin_ptr, imin_ptr, M, N, stride, BLOCK: tl.constexpr):
    rows = tl.program_id(0) + tl.arange(0, 1)
    best = tl.full([1], float("inf"), dtype=tl.float32)
    best_i = tl.zeros([1], dtype=tl.int32)
    for start in range(0, N, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        x = tl.load(x_ptr + rows[:, None] * stride + cols[None, :], mask=cols[None, :] < N, other=float("inf"))
        m, k = tl.min(x, axis=1, return_indices=True)
        better = m < best
        best = tl.where(better, m, best)
        best_i = tl.where(better, start + k, best_i)
    tl.store(vmin_ptr + rows, best)
    tl.store(imin_ptr + rows, best_i)
