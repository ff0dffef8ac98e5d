"""Static per-tensor quantisation as a grid-stride kernel, in the style of vLLM's quantisation
kernels: the scale is a one-element tensor loaded once, the grid is capped at a multiple of the
SM count, and each program walks the flat tensor with
`for off in range(pid * BLOCK_SIZE, n_elements, tl.num_programs(0) * BLOCK_SIZE)` (a symbolic
step), storing clamp(x / scale, fp8_min, fp8_max). Stored as float32: the launch-spec language
has no fp8 dtype."""

import torch
import triton
import triton.language as tl


@triton.jit
def _static_scaled_quant_kernel(
    out_ptr,
    in_ptr,
    scale_ptr,
    n_elements,
    fp8_min,
    fp8_max,
    BLOCK_SIZE: tl.constexpr,
):
    pid = tl.program_id(0)
    step = tl.num_programs(0) * BLOCK_SIZE
    inv_scale = 1.0 / tl.load(scale_ptr)
    for off in range(pid * BLOCK_SIZE, n_elements, step):
        offs = off + tl.arange(0, BLOCK_SIZE)
        mask = offs < n_elements
        x = tl.load(in_ptr + offs, mask=mask, other=0.0).to(tl.float32)
        y = tl.clamp(x * inv_scale, fp8_min, fp8_max)
        tl.store(out_ptr + offs, y.to(out_ptr.dtype.element_ty), mask=mask)


def static_scaled_quant(x, scale, num_sms, out_dtype=torch.float32):
    out = torch.empty_like(x, dtype=out_dtype)
    n = x.numel()
    BLOCK_SIZE = 1024
    grid = (min(triton.cdiv(n, BLOCK_SIZE), num_sms * 8),)
    _static_scaled_quant_kernel[grid](out, x, scale, n, -448.0, 448.0, BLOCK_SIZE=BLOCK_SIZE)
    return out
