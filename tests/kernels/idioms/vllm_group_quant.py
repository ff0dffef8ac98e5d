"""Per-token-group dynamic quantisation, in the style of vLLM's
model_executor/layers/quantization/utils/fp8_utils.py (`_per_token_group_quant_fp8`): one program
per group of `group_size` consecutive columns of a row; scale = max(absmax, eps) / fp8_max, the
values divided by it and clamped to [fp8_min, fp8_max] with `tl.clamp`; optional UE8M0
(power-of-two) scales. The quantised values are stored as float32 here: the launch-spec language
has no fp8 dtype (the cast to e4m3 would be the only difference)."""

import torch
import triton
import triton.language as tl


@triton.jit
def _per_token_group_quant_fp8(
    y_ptr,
    y_q_ptr,
    y_s_ptr,
    group_size,
    y_num_columns,
    y_row_stride,
    eps,
    fp8_min,
    fp8_max,
    use_ue8m0: tl.constexpr,
    BLOCK: tl.constexpr,
):
    groups_per_row = y_num_columns // group_size

    # the group this program quantises, and where it sits in y
    g_id = tl.program_id(0)
    row = g_id // groups_per_row
    row_g_id = g_id % groups_per_row

    y_ptr += (row * y_row_stride) + (row_g_id * group_size)
    y_q_ptr += g_id * group_size
    y_s_ptr += g_id

    cols = tl.arange(0, BLOCK)
    mask = cols < group_size

    y = tl.load(y_ptr + cols, mask=mask, other=0.0).to(tl.float32)
    _absmax = tl.maximum(tl.max(tl.abs(y)), eps)
    y_s = _absmax / fp8_max
    if use_ue8m0:
        y_s = tl.exp2(tl.ceil(tl.log2(tl.abs(y_s))))
    y_q = tl.clamp(y / y_s, fp8_min, fp8_max).to(y_q_ptr.dtype.element_ty)

    tl.store(y_q_ptr + cols, y_q, mask=mask)
    tl.store(y_s_ptr, y_s)


def per_token_group_quant(x, group_size, eps=1e-10, dtype=torch.float32):
    assert x.shape[-1] % group_size == 0, "the last dimension must be divisible by group_size"
    assert x.stride(-1) == 1
    fp8_min, fp8_max = -448.0, 448.0  # torch.finfo(torch.float8_e4m3fn)
    x_q = torch.empty_like(x, dtype=dtype)
    x_s = torch.empty(x.shape[:-1] + (x.shape[-1] // group_size,), device=x.device, dtype=torch.float32)
    M = x.numel() // group_size
    N = group_size
    BLOCK = triton.next_power_of_2(N)
    num_warps = min(max(BLOCK // 256, 1), 8)
    _per_token_group_quant_fp8[(M,)](
        x, x_q, x_s, group_size, x.shape[1], x.stride(0), eps,
        fp8_min=fp8_min, fp8_max=fp8_max, use_ue8m0=False, BLOCK=BLOCK, num_warps=num_warps,
    )
    return x_q, x_s
