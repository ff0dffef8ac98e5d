"""Softmax of temperature-scaled logits, one row per program, padded lanes loaded as -inf and
scaled like the rest (as vLLM and FlashAttention-style kernels write it, through exp2):
y[i, j] = exp(x[i, j] / temp) / Σ_{k<N} exp(x[i, k] / temp)."""

import triton
import triton.language as tl


@triton.jit
def softmax_temperature_kernel(x_ptr, y_ptr, temp, N, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < N
    x = tl.load(x_ptr + row * N + cols, mask=mask, other=-float("inf"))
    z = x * (1.4426950408889634 / temp)
    z = z - tl.max(z, axis=0)
    num = tl.exp2(z)
    tl.store(y_ptr + row * N + cols, num / tl.sum(num, axis=0), mask=mask)


@triton.jit
def log_softmax_scaled_kernel(x_ptr, y_ptr, scale, N, BLOCK: tl.constexpr):
    """y[i, j] = x[i, j]·scale − log Σ_{k<N} exp(x[i, k]·scale) (a logsumexp with a symbolic
    scale; the padded lanes are -inf before scaling, natural exp and log)."""
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < N
    x = tl.load(x_ptr + row * N + cols, mask=mask, other=-float("inf")) * scale
    m = tl.max(x, axis=0)
    lse = m + tl.log(tl.sum(tl.exp(x - m), axis=0))
    tl.store(y_ptr + row * N + cols, x - lse, mask=mask)
