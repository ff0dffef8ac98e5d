"""Sum over the first dimension of a 2-D tensor, in the style of xformers' triton/k_sum.py: one
program per column block walks the rows in tiles of BLOCK_M (tile count computed with `//` and a
`%` fix-up, pointer and row-index increments), summing each tile along axis 0 into a [BLOCK_N]
accumulator. The host's block choice has thresholds: BLOCK_M = min(next_pow2(M), 2048), and
BLOCK_N is 32, or 16 once BLOCK_M > 256, or 8 once BLOCK_M > 1024."""

import torch
import triton
import triton.language as tl


@triton.jit
def k_sum_0(
    Y, X,
    stride_xm,
    M, N,
    is_fp16,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
):
    # rows of the current tile (the reduced dimension)
    m = tl.arange(0, BLOCK_M)
    # this program's columns
    rn = tl.program_id(axis=0) * BLOCK_N + tl.arange(0, BLOCK_N)

    x_ptrs = X + m[:, None] * stride_xm + rn[None, :]
    x_sum = tl.zeros((BLOCK_N,), dtype=tl.float32)

    tiles = M // BLOCK_M
    if M % BLOCK_M > 0:
        tiles += 1

    col_mask = (rn[None, :] < N)
    for _ in range(tiles):
        mask = (m[:, None] < M) & col_mask
        x = tl.load(x_ptrs, mask=mask, other=0.0)
        x_sum += tl.sum(x, 0)
        # next tile of rows
        x_ptrs += BLOCK_M * stride_xm
        m += BLOCK_M

    tl.store(Y + rn, x_sum, mask=rn < N)


def sum_2d_dim_0(x):
    assert x.ndim == 2 and x.stride(1) == 1
    M, N = x.shape
    out = torch.empty(N, device=x.device, dtype=x.dtype)

    BLOCK_M = min(triton.next_power_of_2(M), 2048)
    BLOCK_N = 32
    if BLOCK_M > 256:
        BLOCK_N = 16
    if BLOCK_M > 1024:
        BLOCK_N = 8

    def grid(meta):
        return (triton.cdiv(N, meta["BLOCK_N"]),)

    k_sum_0[grid](
        out, x,
        x.stride(0),
        M, N,
        x.dtype == torch.float16,
        BLOCK_M=BLOCK_M,
        BLOCK_N=BLOCK_N,
        num_stages=4,
    )
    return out
