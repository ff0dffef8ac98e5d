"""Per-tensor statistics for dynamic quantisation with atomics, in the style of vLLM's dynamic
per-tensor scale kernels: every program reduces its BLOCK_SIZE slice and folds the result into
single-element outputs with `tl.atomic_max` / `tl.atomic_min`: the absolute maximum divided by
the fp8 maximum into a zero-initialised scale, and the plain maximum and minimum into buffers the
host fills with -inf and +inf (for an asymmetric scale / zero point)."""

import torch
import triton
import triton.language as tl


@triton.jit
def _tensor_minmax_kernel(
    x_ptr,
    scale_ptr,
    max_ptr,
    min_ptr,
    n_elements,
    FP8_MAX: tl.constexpr,
    BLOCK_SIZE: tl.constexpr,
):
    pid = tl.program_id(0)
    offs = pid.to(tl.int64) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offs < n_elements
    x = tl.load(x_ptr + offs, mask=mask, other=0.0).to(tl.float32)

    tl.atomic_max(scale_ptr, tl.max(tl.abs(x), axis=0) / FP8_MAX)
    tl.atomic_max(max_ptr, tl.max(tl.where(mask, x, float("-inf")), axis=0))
    tl.atomic_min(min_ptr, tl.min(tl.where(mask, x, float("inf")), axis=0))


def tensor_minmax(x):
    n = x.numel()
    scale = torch.zeros(1, device=x.device, dtype=torch.float32)
    x_max = torch.full((1,), float("-inf"), device=x.device, dtype=torch.float32)
    x_min = torch.full((1,), float("inf"), device=x.device, dtype=torch.float32)
    BLOCK_SIZE = 1024
    _tensor_minmax_kernel[(triton.cdiv(n, BLOCK_SIZE),)](
        x, scale, x_max, x_min, n, FP8_MAX=448.0, BLOCK_SIZE=BLOCK_SIZE,
    )
    return scale, x_max, x_min
