"""BUGGY: row argmax over column blocks whose running value is never updated (the index is
compared against the first block's maximum only): a later block beats it whenever it beats the
first one, not the best so far. Intended: idx[i] = argmax_{k<N} x[i, k]."""

import triton
import triton.language as tl


@triton.jit
def argmax_blocks_stale_value_kernel(x_ptr, idx_ptr, N, BLOCK_N: tl.constexpr):
    row = tl.program_id(0)
    cols0 = tl.arange(0, BLOCK_N)
    x0 = tl.load(x_ptr + row * N + cols0, mask=cols0 < N, other=float("-inf"))
    best, best_i = tl.max(x0[None, :], axis=1, return_indices=True)
    best_i = best_i.to(tl.int64)
    for start in range(BLOCK_N, N, BLOCK_N):
        cols = start + tl.arange(0, BLOCK_N)
        x = tl.load(x_ptr + row * N + cols, mask=cols < N, other=float("-inf"))
        m, k = tl.max(x[None, :], axis=1, return_indices=True)
        best_i = tl.where(m > best, start + k, best_i)
    tl.store(idx_ptr + row + tl.arange(0, 1), best_i)
