"""LayerNorm forward, one row per program in one block, in the style of unsloth's
kernels/layernorm.py: `Y += row_idx * Y_row_stride` pointer bumps, the centred row zeroed on the
padding with `tl.where`, `tl.math.rsqrt`, inverse std and mean saved for the backward pass.
BLOCK_SIZE from unsloth's calculate_settings (next power of 2, at most 65536)."""

import torch
import triton
import triton.language as tl
from tests.kernels.idioms.unsloth_rope_inplace import calculate_settings


@triton.jit
def layernorm_forward(
    Y, Y_row_stride,
    X, X_row_stride,
    W,
    b,
    r,
    mu,
    n_cols, eps,
    BLOCK_SIZE: tl.constexpr,
):
    row_idx = tl.program_id(0)
    col_offsets = tl.arange(0, BLOCK_SIZE)
    mask = col_offsets < n_cols

    Y += row_idx * Y_row_stride
    X += row_idx * X_row_stride
    r += row_idx
    mu += row_idx

    # statistics in float32
    X_row = tl.load(X + col_offsets, mask=mask, other=0).to(tl.float32)
    W_row = tl.load(W + col_offsets, mask=mask, other=0).to(tl.float32)
    b_row = tl.load(b + col_offsets, mask=mask, other=0).to(tl.float32)

    mean_X = tl.sum(X_row, axis=0) / n_cols
    # padding lanes would contribute mean^2 each: zero them
    XX = tl.where(mask, X_row - mean_X, 0)
    row_var = tl.sum(XX * XX, axis=0) / n_cols
    inv_var = tl.math.rsqrt(row_var + eps)
    tl.store(r, inv_var)
    tl.store(mu, mean_X)
    output = (XX * inv_var) * W_row + b_row
    tl.store(Y + col_offsets, output, mask=mask)


def fast_layernorm_forward(X, W, b, eps):
    shape = X.shape
    dim = shape[-1]
    X = X.view(-1, dim)
    n_rows, n_cols = X.shape
    BLOCK_SIZE, num_warps = calculate_settings(n_cols)
    Y = torch.empty((n_rows, n_cols), dtype=X.dtype, device=X.device)
    r = torch.empty(n_rows, dtype=torch.float32, device=X.device)
    mu = torch.empty(n_rows, dtype=torch.float32, device=X.device)
    layernorm_forward[(n_rows,)](
        Y, Y.stride(0),
        X, X.stride(0),
        W,
        b,
        r,
        mu,
        n_cols, eps,
        BLOCK_SIZE=BLOCK_SIZE,
        num_warps=num_warps,
    )
    return Y.view(*shape)
