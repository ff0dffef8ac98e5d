"""RMSNorm backward, in the style of Liger-Kernel's ops/rms_norm.py: the grid is the SM count,
program p handles the contiguous rows [p * rows_per_program, min((p + 1) * rows_per_program,
n_rows)), writes dX row by row and accumulates its share of dW in a [BLOCK_SIZE] register row,
stored as row p of a [sm_count, n_cols] partial buffer. Liger's host then sums the partials with
`_dW.sum(dim=0)`; here a second kernel does that column sum (a loop over the partial rows in
blocks), since a launch spec holds kernels only."""

import math

import torch
import triton
import triton.language as tl
from tests.kernels.idioms.unsloth_rope_inplace import calculate_settings


@triton.jit
def _rms_norm_backward_kernel(
    dY_ptr,
    dY_row_stride,
    dX_ptr,
    dX_row_stride,
    X_ptr,
    X_row_stride,
    RSTD_ptr,
    RSTD_row_stride,
    W_ptr,
    dW_ptr,
    dW_row_stride,
    n_rows,
    n_cols,
    offset,
    rows_per_program,
    BLOCK_SIZE: tl.constexpr,
):
    # dx = rstd * (dy * (offset + w)) - rstd^3 / n * sum(dy * (offset + w) * x) * x
    # dw = sum over rows of dy * x * rstd
    row_block_id = tl.program_id(0).to(tl.int64)
    row_start = row_block_id * rows_per_program
    row_end = min((row_block_id + 1) * rows_per_program, n_rows)
    col_offsets = tl.arange(0, BLOCK_SIZE)
    mask = col_offsets < n_cols

    dW_row = tl.zeros((BLOCK_SIZE,), dtype=tl.float32)

    W_row = tl.load(W_ptr + col_offsets, mask=mask, other=0.0)
    W_row = W_row + offset

    for row_idx in range(row_start, row_end):
        dY_row = tl.load(dY_ptr + row_idx * dY_row_stride + col_offsets, mask=mask, other=0.0)
        X_row = tl.load(X_ptr + row_idx * X_row_stride + col_offsets, mask=mask, other=0.0)
        rstd_row = tl.load(RSTD_ptr + row_idx * RSTD_row_stride)

        X_row = X_row.to(tl.float32)
        m = (dY_row * W_row).to(tl.float32)
        dX_row = rstd_row * m
        dX_row += rstd_row * (-(1 / n_cols) * rstd_row * rstd_row * tl.sum(m * X_row, axis=0) * X_row)

        dW_row += dY_row * (X_row * rstd_row)
        tl.store(dX_ptr + row_idx * dX_row_stride + col_offsets, dX_row, mask=mask)

    tl.store(dW_ptr + row_block_id * dW_row_stride + col_offsets, dW_row, mask=mask)


@triton.jit
def _sum_partials_kernel(P_ptr, Out_ptr, n_partials, n_cols, BLOCK_P: tl.constexpr, BLOCK_N: tl.constexpr):
    cols = tl.program_id(0) * BLOCK_N + tl.arange(0, BLOCK_N)
    rows = tl.arange(0, BLOCK_P)
    acc = tl.zeros((BLOCK_P, BLOCK_N), dtype=tl.float32)
    for start in range(0, n_partials, BLOCK_P):
        m = ((start + rows)[:, None] < n_partials) & (cols[None, :] < n_cols)
        acc += tl.load(P_ptr + (start + rows)[:, None] * n_cols + cols[None, :], mask=m, other=0.0)
    tl.store(Out_ptr + cols, tl.sum(acc, axis=0), mask=cols < n_cols)


def rms_norm_backward(dY, X, W, RSTD, offset, sm_count):
    shape = dY.shape
    dim = shape[-1]
    dY = dY.view(-1, dim)
    n_rows, n_cols = dY.shape
    BLOCK_SIZE, num_warps = calculate_settings(n_cols)
    _dW = torch.empty((sm_count, n_cols), dtype=torch.float32, device=W.device)
    rows_per_program = math.ceil(n_rows / sm_count)
    grid = (sm_count,)
    dX = torch.empty_like(dY)
    _rms_norm_backward_kernel[grid](
        dY, dY.stride(0), dX, dX.stride(0), X, X.stride(0), RSTD, RSTD.stride(0), W,
        _dW, _dW.stride(0), n_rows, n_cols, offset, rows_per_program,
        BLOCK_SIZE=BLOCK_SIZE, num_warps=num_warps,
    )
    dW = torch.empty(n_cols, dtype=torch.float32, device=W.device)
    BLOCK_N = min(triton.next_power_of_2(n_cols), 256)
    _sum_partials_kernel[(triton.cdiv(n_cols, BLOCK_N),)](
        _dW, dW, sm_count, n_cols, BLOCK_P=min(triton.next_power_of_2(sm_count), 32), BLOCK_N=BLOCK_N,
    )
    return dX.view(*shape), dW
