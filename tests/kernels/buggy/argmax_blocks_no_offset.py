"""BUGGY: row argmax over column blocks (FlagGems max.dim style) whose index forgets the block start:
the stored index is the position inside the best block, not in the row.
Intended: idx[i] = argmax_{k<N} x[i, k]."""

import triton
import triton.language as tl


@triton.jit
def argmax_blocks_no_offset_kernel(x_ptr, idx_ptr, N, BLOCK_N: tl.constexpr):
    row = tl.program_id(0)
    best = tl.full([1], float("-inf"), dtype=tl.float32)
    best_i = tl.zeros([1], dtype=tl.int64)
    for start in range(0, N, BLOCK_N):
        cols = start + tl.arange(0, BLOCK_N)
        x = tl.load(x_ptr + row * N + cols, mask=cols < N, other=float("-inf"))
        m, k = tl.max(x[None, :], axis=1, return_indices=True)
        take = m > best
        best = tl.where(take, m, best)
        best_i = tl.where(take, k + 0 * start, best_i)
    tl.store(idx_ptr + row + tl.arange(0, 1), best_i)
