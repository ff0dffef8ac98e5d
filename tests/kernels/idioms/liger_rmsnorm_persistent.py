"""RMSNorm forward as a persistent kernel, in the style of Liger-Kernel's ops/rms_norm.py: the
grid is capped at the number of SMs, the weight row is loaded once per program, and each
program handles rows pid, pid + num_programs, ... with `tl.range(pid, n_rows, num_progs)`;
rstd is cached per row and the weight is applied as (offset + W)."""

import torch
import triton
import triton.language as tl
from tests.kernels.idioms.unsloth_rope_inplace import calculate_settings


@triton.jit
def _rms_norm_forward_persistent_kernel(
    Y_ptr,
    Y_row_stride,
    X_ptr,
    X_row_stride,
    W_ptr,
    RSTD_ptr,
    n_rows,
    n_cols,
    eps,
    offset,
    BLOCK_SIZE: tl.constexpr,
):
    pid = tl.program_id(0)
    num_progs = tl.num_programs(0)

    col_offsets = tl.arange(0, BLOCK_SIZE)
    mask = col_offsets < n_cols
    # the weight is the same for every row: load it once
    W_row = tl.load(W_ptr + col_offsets, mask=mask, other=0).to(tl.float32)

    for row_idx in tl.range(pid, n_rows, num_progs):
        X_row = tl.load(X_ptr + row_idx * X_row_stride + col_offsets, mask=mask, other=0).to(tl.float32)
        mean_square = tl.sum(X_row * X_row, axis=0) / n_cols
        rstd = tl.math.rsqrt(mean_square + eps)
        tl.store(RSTD_ptr + row_idx, rstd)
        Y_row = X_row * rstd * (offset + W_row)
        tl.store(Y_ptr + row_idx * Y_row_stride + col_offsets, Y_row, mask=mask)


def rms_norm_forward(X, W, eps, offset, sm_count):
    shape = X.shape
    X = X.view(-1, shape[-1])
    n_rows, n_cols = X.shape
    BLOCK_SIZE, num_warps = calculate_settings(n_cols)
    Y = torch.empty_like(X)
    RSTD = torch.empty(n_rows, dtype=torch.float32, device=X.device)
    grid = (min(sm_count, n_rows),)
    _rms_norm_forward_persistent_kernel[grid](
        Y, Y.stride(0), X, X.stride(0), W, RSTD, n_rows, n_cols, eps, offset,
        BLOCK_SIZE=BLOCK_SIZE, num_warps=num_warps,
    )
    return Y.view(*shape), RSTD
