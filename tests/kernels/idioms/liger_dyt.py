"""Dynamic Tanh (DyT: y = gamma * tanh(alpha * x) + beta), in the style of Liger-Kernel's
ops/dyt.py: grid (column block, row), alpha a one-element tensor loaded as a scalar, gamma and
beta per column, tanh from libdevice, BLOCK_N autotuned over [1024, 2048, 4096]."""

import torch
import triton
import triton.language as tl
from triton.language.extra.libdevice import tanh


@triton.autotune(
    [triton.Config({"BLOCK_N": bn}, num_stages=4, num_warps=4) for bn in [1024, 2048, 4096]],
    key=["N"],
)
@triton.jit
def _dyt_fwd_kernel(
    X,
    Y,
    Alpha,
    Gamma,
    Beta,
    HAVE_BETA: tl.constexpr,
    N: tl.constexpr,
    BLOCK_N: tl.constexpr,
):
    col = tl.program_id(0) * BLOCK_N + tl.arange(0, BLOCK_N)
    mask = col < N
    row_id = tl.cast(tl.program_id(1), tl.int64)

    X += row_id * N
    Y += row_id * N
    alpha = tl.load(Alpha).to(tl.float32)

    gamma = tl.load(Gamma + col, mask=mask, other=0.0).to(tl.float32)
    x = tl.load(X + col, mask=mask, other=0.0).to(tl.float32)

    tanh_x = tanh(alpha * x)
    y = tanh_x * gamma
    if HAVE_BETA:
        beta = tl.load(Beta + col, mask=mask, other=0.0).to(tl.float32)
        y += beta
    tl.store(Y + col, y, mask=mask)


def liger_dyt_fwd(x, alpha, gamma, beta):
    shape = x.shape
    x = x.reshape(-1, shape[-1])
    M, N = x.shape
    y = torch.empty_like(x)

    def grid(meta):
        return (triton.cdiv(N, meta["BLOCK_N"]), M)

    _dyt_fwd_kernel[grid](x, y, alpha, gamma, beta, HAVE_BETA=beta is not None, N=N)
    return y.view(*shape)
