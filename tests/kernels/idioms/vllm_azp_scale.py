"""Per-token asymmetric int8 scale and zero point, in the style of vLLM's dynamic azp
quantisation: one program per token, per-lane running maxima and minima over column blocks
(`tl.full(..., -inf)` / `tl.full(..., +inf)`, padding excluded with `tl.where`), reduced after the
loop; scale = (max - min) / 255 and azp = -128 - min / scale (stored unrounded: rounding to an
integer is left to the caller)."""

import torch
import triton
import triton.language as tl


@triton.jit
def _dynamic_azp_scale_kernel(
    x_ptr,
    scale_ptr,
    azp_ptr,
    stride_x,
    hidden_size,
    BLOCK_SIZE: tl.constexpr,
):
    token = tl.program_id(0).to(tl.int64)
    x_ptr += token * stride_x

    run_max = tl.full([BLOCK_SIZE], float("-inf"), dtype=tl.float32)
    run_min = tl.full([BLOCK_SIZE], float("inf"), dtype=tl.float32)
    for off in range(0, hidden_size, BLOCK_SIZE):
        cols = off + tl.arange(0, BLOCK_SIZE)
        mask = cols < hidden_size
        x = tl.load(x_ptr + cols, mask=mask, other=0.0).to(tl.float32)
        run_max = tl.maximum(run_max, tl.where(mask, x, float("-inf")))
        run_min = tl.minimum(run_min, tl.where(mask, x, float("inf")))
    x_max = tl.max(run_max, axis=0)
    x_min = tl.min(run_min, axis=0)

    scale = (x_max - x_min) / 255.0
    azp = -128.0 - x_min / scale
    tl.store(scale_ptr + token, scale)
    tl.store(azp_ptr + token, azp)


def dynamic_azp_scale(x):
    num_tokens, hidden_size = x.shape
    scale = torch.empty(num_tokens, device=x.device, dtype=torch.float32)
    azp = torch.empty(num_tokens, device=x.device, dtype=torch.float32)
    BLOCK_SIZE = min(triton.next_power_of_2(hidden_size), 1024)
    _dynamic_azp_scale_kernel[(num_tokens,)](x, scale, azp, x.stride(0), hidden_size, BLOCK_SIZE=BLOCK_SIZE)
    return scale, azp
