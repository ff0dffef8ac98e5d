"""Several rows per program; keep_dims reductions and tl.full accumulators:
y[i, j] = (x[i, j] - mean_k x[i, k]) / (max_k |x[i, k] - mean_k x[i, k]| + 1)."""

import triton
import triton.language as tl


@triton.jit
def row_center_kernel(x_ptr, y_ptr, M, N, stride, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    rows = tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)
    cols = tl.arange(0, BLOCK_N)
    mask = (rows[:, None] < M) & (cols[None, :] < N)
    x = tl.load(x_ptr + rows[:, None] * stride + cols[None, :], mask=mask, other=0.0)
    total = tl.full((BLOCK_M, 1), 0.0, dtype=tl.float32)
    total += tl.sum(x, axis=1, keep_dims=True)
    centered = tl.where(mask, x - total / N, 0.0)
    spread = tl.max(tl.abs(centered), axis=1, keep_dims=True) + 1.0
    tl.store(y_ptr + rows[:, None] * stride + cols[None, :], centered / spread, mask=mask)
