"""Gemma-style RMSNorm (weight applied as 1 + w), unsloth flavour: the row pointers are advanced
in place (`Y += row_idx * Y_row_stride`), two `tl.range` passes over column blocks, and the
inverse RMS is saved for the backward pass."""

import triton
import triton.language as tl


@triton.jit
def _gemma_rms_layernorm_forward(
    Y, Y_row_stride,
    X, X_row_stride,
    W,
    r,
    n_cols, eps,
    BLOCK_SIZE: tl.constexpr,
):
    row_idx = tl.program_id(0)
    Y += row_idx * Y_row_stride
    X += row_idx * X_row_stride
    r += row_idx

    sq = tl.zeros([BLOCK_SIZE], dtype=tl.float32)
    for off in tl.range(0, n_cols, BLOCK_SIZE):
        cols = off + tl.arange(0, BLOCK_SIZE)
        X_row = tl.load(X + cols, mask=cols < n_cols, other=0).to(tl.float32)
        sq += X_row * X_row
    inv_var = tl.math.rsqrt(tl.sum(sq, axis=0) / n_cols + eps)
    tl.store(r, inv_var)

    for off in tl.range(0, n_cols, BLOCK_SIZE):
        cols = off + tl.arange(0, BLOCK_SIZE)
        mask = cols < n_cols
        X_row = tl.load(X + cols, mask=mask, other=0).to(tl.float32)
        W_row = tl.load(W + cols, mask=mask, other=0).to(tl.float32)
        tl.store(Y + cols, X_row * inv_var * (W_row + 1.0), mask=mask)
