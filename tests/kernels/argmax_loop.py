"""Row argmax over column blocks with a per-lane running (value, index) pair, then a
cross-lane reduction taking the smallest index among lanes holding the maximum:
idx[i] = argmax_{k<N} x[i, k] (first occurrence), val[i] = max_{k<N} x[i, k]."""

import triton
import triton.language as tl


@triton.jit
def argmax_loop_kernel(x_ptr, val_ptr, idx_ptr, N, stride, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    x_row = x_ptr + row * stride
    best_val = tl.full([BLOCK], float("-inf"), dtype=tl.float32)
    best_idx = tl.zeros([BLOCK], dtype=tl.int32)
    for start in range(0, N, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        x = tl.load(x_row + cols, mask=cols < N, other=float("-inf"))
        take = x > best_val
        best_idx = tl.where(take, cols, best_idx)
        best_val = tl.where(take, x, best_val)
    row_max = tl.max(best_val, axis=0)
    first = tl.min(tl.where(best_val == row_max, best_idx, N), axis=0)
    tl.store(val_ptr + row, row_max)
    tl.store(idx_ptr + row, first)
