"""Sum over the last dimension, in the style of FlagGems' ops/sum.py (`sum_dim_kernel`): BLOCK_M
rows per program, a [BLOCK_M, BLOCK_N] per-lane accumulator `_sum` over column blocks, reduced
along axis 1 after the loop and stored as a column; the accumulation dtype is picked by a
constexpr test on the input's element type; BLOCK_M/BLOCK_N come from an autotune table."""

import torch
import triton
import triton.language as tl


@triton.autotune(
    configs=[
        triton.Config({"BLOCK_M": 4, "BLOCK_N": 512}, num_warps=4),
        triton.Config({"BLOCK_M": 4, "BLOCK_N": 1024}, num_warps=8),
    ],
    key=["M", "N"],
)
@triton.jit
def sum_dim_kernel(
    inp,
    out,
    M,
    N,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
):
    # accumulate in float32 unless the input is float64
    if inp.dtype.element_ty == tl.float64:
        cdtype = tl.float64
    else:
        cdtype = tl.float32

    pid = tl.program_id(0).to(tl.int64) * BLOCK_M + tl.arange(0, BLOCK_M)[:, None]
    inp = inp + pid * N
    out = out + pid
    row_mask = pid < M

    _sum = tl.zeros([BLOCK_M, BLOCK_N], dtype=cdtype)
    for off in range(0, N, BLOCK_N):
        cols = off + tl.arange(0, BLOCK_N)[None, :]
        col_mask = cols < N
        mask = row_mask & col_mask

        a = tl.load(inp + cols, mask, other=0).to(cdtype)
        _sum += a
    sum = tl.sum(_sum, axis=1)[:, None]
    tl.store(out, sum, row_mask)


def sum_dim(x):
    M, N = x.shape
    out = torch.empty((M, 1), dtype=x.dtype, device=x.device)

    def grid(meta):
        return (triton.cdiv(M, meta["BLOCK_M"]),)

    sum_dim_kernel[grid](x, out, M, N)
    return out.squeeze(1)
