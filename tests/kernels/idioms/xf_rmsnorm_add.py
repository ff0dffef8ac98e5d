"""Fused residual add + RMSNorm, in the style of xformers' ops/rmsnorm.py (the `_add` variant):
one program per row, a first loop over column blocks writes x + y back into x (in place) while
accumulating the squares in a per-lane [BLOCK_SIZE] accumulator, then a second loop reloads the
updated x and writes the normalised, weighted row. Eviction hints as in the original style. The
host caps the block at 64 KB of features (and at least 256): rows wider than that loop."""

import torch
import triton
import triton.language as tl


@triton.jit
def _rms_norm_add_kernel(
    x_ptr,
    y_ptr,
    h1_ptr,
    w_ptr,
    eps,
    stride,
    N_COLS: tl.constexpr,
    BLOCK_SIZE: tl.constexpr,
    INCLUDE_WEIGHT: tl.constexpr,
):
    row = tl.program_id(0)
    x_ptr += row * stride
    y_ptr += row * stride
    h1_ptr += row * stride

    _mean = tl.zeros([BLOCK_SIZE], dtype=tl.float32)
    for offset in range(0, N_COLS, BLOCK_SIZE):
        cols = offset + tl.arange(0, BLOCK_SIZE)
        mask = cols < N_COLS
        ax = tl.load(x_ptr + cols, mask=mask, other=0.0, eviction_policy="evict_last").to(tl.float32)
        ay = tl.load(y_ptr + cols, mask=mask, other=0.0, eviction_policy="evict_first").to(tl.float32)
        a = ax + ay
        tl.store(x_ptr + cols, a, mask=mask)
        _mean += a * a

    rstd = tl.math.rsqrt((tl.sum(_mean, axis=0) / N_COLS) + eps)
    for offset in range(0, N_COLS, BLOCK_SIZE):
        cols = offset + tl.arange(0, BLOCK_SIZE)
        mask = cols < N_COLS
        a = tl.load(x_ptr + cols, mask=mask, other=0.0, eviction_policy="evict_first").to(tl.float32)
        if INCLUDE_WEIGHT:
            w = tl.load(w_ptr + cols, mask=mask)
            tl.store(h1_ptr + cols, a * rstd * w, mask=mask)
        else:
            tl.store(h1_ptr + cols, a * rstd, mask=mask)


def rms_norm_add(x, y, weight, eps):
    """x <- x + y (in place); returns rms_norm(x + y) * weight."""
    x_arg = x.reshape(-1, x.shape[-1])
    y_arg = y.reshape(-1, x.shape[-1])
    M, N = x_arg.shape
    out = torch.empty_like(x_arg)
    MAX_FUSED_SIZE = 65536 // x.element_size()
    BLOCK_SIZE = max(min(MAX_FUSED_SIZE, triton.next_power_of_2(N)), 256)
    _rms_norm_add_kernel[(M,)](
        x_arg, y_arg, out, weight, eps, x_arg.stride(0), N, BLOCK_SIZE,
        INCLUDE_WEIGHT=weight is not None,
    )
    return out.reshape(x.shape)
