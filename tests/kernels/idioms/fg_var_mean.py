"""Variance and mean over the last dimension with Welford's algorithm, in the style of FlagGems'
ops/var_mean.py: BLOCK_M rows per program, per-lane running (mean, count, M2) tiles updated
over column blocks (the count grows only where the mask is set: `_count + mask`), merged after the
loop by `tl.reduce` with a jit combine function over the three tiles, then var = M2 / (N -
correction). Block sizes from an autotune table."""

import torch
import triton
import triton.language as tl


@triton.jit
def welford_func(mean_x, count_x, m2_x, mean_y, count_y, m2_y):
    # merge two partial (mean, count, M2) states (Chan et al.)
    count = count_x + count_y
    frac_y = count_y / tl.maximum(count, 1)
    delta = mean_y - mean_x
    mean = mean_x + delta * frac_y
    m2 = m2_x + m2_y + delta * delta * count_x * frac_y
    return mean, count, m2


@triton.autotune(
    configs=[
        triton.Config({"BLOCK_M": 4, "BLOCK_N": 256}, num_warps=4),
        triton.Config({"BLOCK_M": 4, "BLOCK_N": 1024}, num_warps=8),
    ],
    key=["M", "N"],
)
@triton.jit
def var_mean_welford_kernel(
    X,
    Var,
    Mean,
    M,
    N,
    correction,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
):
    pid = tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)[:, None]
    X = X + pid * N
    Var = Var + pid
    Mean = Mean + pid
    row_mask = pid < M

    _mean = tl.zeros([BLOCK_M, BLOCK_N], dtype=tl.float32)
    _acc = tl.zeros([BLOCK_M, BLOCK_N], dtype=tl.float32)
    _count = tl.zeros([BLOCK_M, BLOCK_N], dtype=tl.int32)
    for off in range(0, N, BLOCK_N):
        cols = off + tl.arange(0, BLOCK_N)[None, :]
        col_mask = cols < N
        mask = row_mask and col_mask

        x = tl.load(X + cols, mask, other=0.0).to(tl.float32)

        count = _count + mask
        cnt = tl.maximum(count, 1)
        cur_mean = (_mean * _count + x) / cnt
        _acc += (x - cur_mean) * (x - _mean) * mask
        _mean = cur_mean
        _count = count

    mean, _, acc = tl.reduce((_mean, _count, _acc), axis=1, combine_fn=welford_func)
    var = acc / (N - correction)
    mean = mean[:, None]
    var = var[:, None]
    tl.store(Mean, mean, row_mask)
    tl.store(Var, var, row_mask)


def var_mean(x, correction=1):
    M, N = x.shape
    var = torch.empty(M, dtype=x.dtype, device=x.device)
    mean = torch.empty(M, dtype=x.dtype, device=x.device)

    def grid(meta):
        return (triton.cdiv(M, meta["BLOCK_M"]),)

    var_mean_welford_kernel[grid](x, var, mean, M, N, correction)
    return var, mean
