"""SiLU-and-mul (`out = silu(x[:, :d]) * x[:, d:]`) as a persistent kernel, in the style of
vLLM's activation kernels: the work is split into (token, column block) tiles, the grid is
capped at a few programs per SM, and every program walks its tiles with a `while` loop,
`tile += tl.num_programs(0)`, decoding each tile id with `//` and `%`. SiLU written as
x / (1 + exp(-x))."""

import torch
import triton
import triton.language as tl


@triton.jit
def _silu_and_mul_persistent_kernel(
    out_ptr,
    input_ptr,
    num_tokens,
    d,
    stride_input,
    stride_out,
    BLOCK_SIZE: tl.constexpr,
):
    n_col_blocks = tl.cdiv(d, BLOCK_SIZE)
    num_tiles = num_tokens * n_col_blocks
    tile = tl.program_id(0)
    while tile < num_tiles:
        token = tile // n_col_blocks
        cols = (tile % n_col_blocks) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
        mask = cols < d
        gate = tl.load(input_ptr + token * stride_input + cols, mask=mask, other=0.0).to(tl.float32)
        up = tl.load(input_ptr + token * stride_input + d + cols, mask=mask, other=0.0).to(tl.float32)
        act = gate / (1.0 + tl.exp(-gate))
        tl.store(out_ptr + token * stride_out + cols, (act * up).to(out_ptr.dtype.element_ty), mask=mask)
        tile += tl.num_programs(0)


def silu_and_mul(x, num_sms):
    num_tokens, two_d = x.shape
    d = two_d // 2
    out = torch.empty((num_tokens, d), device=x.device, dtype=x.dtype)
    BLOCK_SIZE = min(triton.next_power_of_2(d), 1024)
    num_tiles = num_tokens * triton.cdiv(d, BLOCK_SIZE)
    grid = (min(num_tiles, 4 * num_sms),)
    _silu_and_mul_persistent_kernel[grid](out, x, num_tokens, d, x.stride(0), out.stride(0),
                                          BLOCK_SIZE=BLOCK_SIZE)
    return out
