"""Fused residual add + RMSNorm forward, in the style of Liger-Kernel's ops/fused_add_rms_norm.py:
one row per program in one block (calculate_settings), S = X + R stored as the new residual
stream, rstd cached, and the weight applied as (offset + W) (offset = 1 for Gemma), with the
casting mode a constexpr (0 = llama: normalise in fp32, cast back before the weight;
1 = gemma: everything in fp32)."""

import torch
import triton
import triton.language as tl
from tests.kernels.idioms.unsloth_rope_inplace import calculate_settings

_CASTING_MODE_NONE, _CASTING_MODE_LLAMA, _CASTING_MODE_GEMMA = -1, 0, 1


@triton.jit
def _fused_add_rms_norm_forward_kernel(
    Y_ptr,
    Y_row_stride,
    S_ptr,
    S_row_stride,
    X_ptr,
    X_row_stride,
    R_ptr,
    R_row_stride,
    W_ptr,
    RSTD_ptr,
    RSTD_row_stride,
    n_cols,
    eps,
    offset,
    casting_mode: tl.constexpr,
    BLOCK_SIZE: tl.constexpr,
):
    row_idx = tl.program_id(0).to(tl.int64)
    col_offsets = tl.arange(0, BLOCK_SIZE)
    mask = col_offsets < n_cols

    Y_ptr += row_idx * Y_row_stride
    S_ptr += row_idx * S_row_stride
    X_ptr += row_idx * X_row_stride
    R_ptr += row_idx * R_row_stride
    RSTD_ptr += row_idx * RSTD_row_stride

    X_row = tl.load(X_ptr + col_offsets, mask=mask, other=0)
    R_row = tl.load(R_ptr + col_offsets, mask=mask, other=0)
    S_row = X_row + R_row
    tl.store(S_ptr + col_offsets, S_row, mask=mask)
    S_row_dtype = S_row.dtype
    W_row = tl.load(W_ptr + col_offsets, mask=mask, other=0)

    if casting_mode == 0:
        S_row = S_row.to(tl.float32)
    if casting_mode == 1:
        W_row = W_row.to(tl.float32)
        S_row = S_row.to(tl.float32)

    mean_square = tl.sum(S_row * S_row, axis=0) / n_cols
    rstd = tl.math.rsqrt(mean_square + eps)
    tl.store(RSTD_ptr, rstd)

    S_row = S_row * rstd
    if casting_mode == 0:
        S_row = S_row.to(S_row_dtype)

    Y_row = S_row * (offset + W_row)
    if casting_mode == 1:
        Y_row = Y_row.to(S_row_dtype)

    tl.store(Y_ptr + col_offsets, Y_row, mask=mask)


def fused_add_rms_norm_forward(X, R, W, eps, offset, casting_mode=_CASTING_MODE_LLAMA):
    shape = X.shape
    dim = shape[-1]
    X = X.view(-1, dim)
    R = R.view(-1, dim)
    n_rows, n_cols = X.shape
    BLOCK_SIZE, num_warps = calculate_settings(n_cols)
    Y = torch.empty((n_rows, n_cols), dtype=X.dtype, device=X.device)
    S = torch.empty((n_rows, n_cols), dtype=X.dtype, device=X.device)
    RSTD = torch.empty(n_rows, dtype=torch.float32, device=X.device)
    _fused_add_rms_norm_forward_kernel[(n_rows,)](
        Y, Y.stride(0), S, S.stride(0), X, X.stride(0), R, R.stride(0), W, RSTD, RSTD.stride(0),
        n_cols, eps, offset, casting_mode, BLOCK_SIZE=BLOCK_SIZE, num_warps=num_warps,
    )
    return Y.view(*shape), S.view(*shape), RSTD
