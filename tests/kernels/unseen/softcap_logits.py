"""Gemma-2 style logit soft-capping, vLLM/unsloth flavour: out = cap * tanh(logits / cap).

The logits are read through (row, column) strides (the spec passes a transposed view) and the
output is contiguous; the grid is (row, column block)."""

import triton
import triton.language as tl
from triton.language.extra import libdevice

triton_tanh = libdevice.tanh


@triton.jit
def _softcap_logits_fwd(
    logits_ptr,
    out_ptr,
    stride_lm,
    stride_ln,
    stride_om,
    n_cols,
    softcap,
    BLOCK_N: tl.constexpr,
):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    offs_n = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    col_mask = offs_n < n_cols
    logits = tl.load(logits_ptr + pid_m * stride_lm + offs_n * stride_ln, mask=col_mask, other=0.0)
    logits = logits.to(tl.float32)
    capped = softcap * triton_tanh(logits / softcap)
    tl.store(out_ptr + pid_m * stride_om + offs_n, capped, mask=col_mask)
