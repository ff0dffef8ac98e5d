"""argmin over the last dimension with per-lane state, in the style of FlagGems' reduction
kernels: BLOCK_M rows per program, a [BLOCK_M, BLOCK_N] tile of running minima and their indices
updated across column blocks with a strict `<` (each lane keeps its first minimum), then the row
minimum and the smallest index among the lanes that hold it (first occurrence overall). Block
sizes from the host: BLOCK_M = 8, BLOCK_N = min(next_pow2(N), 512)."""

import torch
import triton
import triton.language as tl


@triton.jit
def argmin_kernel(
    inp,
    out_value,
    out_index,
    M,
    N,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
):
    pid = tl.program_id(0)
    rows = pid * BLOCK_M + tl.arange(0, BLOCK_M)[:, None]
    row_mask = rows < M
    inp = inp + rows * N

    min_vals = tl.full([BLOCK_M, BLOCK_N], float("inf"), dtype=tl.float32)
    min_idx = tl.full([BLOCK_M, BLOCK_N], 0, dtype=tl.int64)
    for off in range(0, N, BLOCK_N):
        cols = off + tl.arange(0, BLOCK_N)[None, :]
        mask = row_mask & (cols < N)
        vals = tl.load(inp + cols, mask=mask, other=float("inf")).to(tl.float32)
        better = vals < min_vals
        min_vals = tl.where(better, vals, min_vals)
        min_idx = tl.where(better, cols, min_idx)

    row_min = tl.min(min_vals, axis=1)
    # among the lanes holding the minimum, the smallest index
    cand = tl.where(min_vals == row_min[:, None], min_idx, N)
    row_arg = tl.min(cand, axis=1)
    tl.store(out_value + rows, row_min[:, None], mask=row_mask)
    tl.store(out_index + rows, row_arg[:, None], mask=row_mask)


def argmin(x):
    M, N = x.shape
    values = torch.empty(M, dtype=x.dtype, device=x.device)
    indices = torch.empty(M, dtype=torch.int64, device=x.device)
    BLOCK_M = 8
    BLOCK_N = min(triton.next_power_of_2(N), 512)
    argmin_kernel[(triton.cdiv(M, BLOCK_M),)](x, values, indices, M, N, BLOCK_M=BLOCK_M, BLOCK_N=BLOCK_N)
    return values, indices
