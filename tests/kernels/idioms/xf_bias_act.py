"""Bias + activation over a [M, N] activation tensor, in the style of xformers'
triton/k_activations.py and the bias/activation epilogue of its fused dropout kernel: 2-D tiles
(BLOCK_M rows x BLOCK_N columns), the bias broadcast over rows, and the activation chosen at
compile time. xformers passes the activation as a jit function in a constexpr; here a constexpr
id selects one of the helpers (smelu with beta = 2, squared relu, leaky relu, star relu)."""

import torch
import triton
import triton.language as tl

ACT_NONE, ACT_SMELU, ACT_SQUARED_RELU, ACT_LEAKY_RELU, ACT_STAR_RELU = 0, 1, 2, 3, 4


@triton.jit
def smelu(x):
    # smooth relu: 0 below -beta, x above beta, (x + beta)^2 / (4 beta) in between
    beta = 2.0
    relu = tl.where(x >= beta, x, 0.0)
    return tl.where(tl.abs(x) <= beta, (x + beta) * (x + beta) / (4.0 * beta), relu)


@triton.jit
def squared_relu(x):
    x_ = tl.where(x > 0.0, x, 0.0)
    return (x_ * x_).to(x.dtype)


@triton.jit
def leaky_relu(x):
    return tl.where(x >= 0, x, 0.01 * x)


@triton.jit
def star_relu(x):
    x_sq = x * x
    return tl.where(x > 0.0, 0.8944 * x_sq - 0.4472, -0.4472)


@triton.jit
def k_bias_act_fw(
    Y, X, BIAS,
    stride,
    M, N,
    ACTIVATION: tl.constexpr,
    USE_BIAS: tl.constexpr,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
):
    row_id = tl.program_id(axis=0)
    rows = row_id * BLOCK_M + tl.arange(0, BLOCK_M)
    col_id = tl.program_id(axis=1)
    cols = col_id * BLOCK_N + tl.arange(0, BLOCK_N)

    x_ptrs = X + rows[:, None] * stride + cols[None, :]
    y_ptrs = Y + rows[:, None] * stride + cols[None, :]
    col_mask = cols[None, :] < N
    block_mask = (rows[:, None] < M) & col_mask

    x = tl.load(x_ptrs, mask=block_mask, other=0.0)
    if USE_BIAS:
        b = tl.load(BIAS + cols[None, :], mask=col_mask, other=0.0)
        x += b

    if ACTIVATION == 1:
        x = smelu(x)
    elif ACTIVATION == 2:
        x = squared_relu(x)
    elif ACTIVATION == 3:
        x = leaky_relu(x)
    elif ACTIVATION == 4:
        x = star_relu(x)

    tl.store(y_ptrs, x, mask=block_mask)


def bias_act(x, bias, activation=ACT_SMELU):
    M, N = x.shape
    y = torch.empty_like(x)
    BLOCK_M = 16
    BLOCK_N = min(triton.next_power_of_2(N), 128)
    grid = (triton.cdiv(M, BLOCK_M), triton.cdiv(N, BLOCK_N))
    k_bias_act_fw[grid](y, x, bias, x.stride(0), M, N, ACTIVATION=activation,
                        USE_BIAS=bias is not None, BLOCK_M=BLOCK_M, BLOCK_N=BLOCK_N)
    return y
