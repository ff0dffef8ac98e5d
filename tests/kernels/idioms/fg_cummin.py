"""cummin with indices over the last dimension, in the style of FlagGems' ops/cummin.py: a
`tl.associative_scan` over (value, index) pairs with a jit combine function (ties go to the later
index, as torch's cummin does), and, for rows longer than one block, a carry (the running minimum
and its index, 0-d tensors) merged into every block and updated from the block's last element.
BLOCK_N = min(next_pow2(N), 1024)."""

import torch
import triton
import triton.language as tl


@triton.jit
def tl_cummin_combine(a_value, a_index, b_value, b_index):
    # b follows a: it wins ties
    take_b = b_value <= a_value
    return tl.where(take_b, b_value, a_value), tl.where(take_b, b_index, a_index)


@triton.jit
def cummin_kernel(
    inp,
    out,
    out_index,
    N,
    BLOCK_N: tl.constexpr,
):
    pid = tl.program_id(0).to(tl.int64)
    inp += pid * N
    out += pid * N
    out_index += pid * N

    carry_value = tl.full([], float("inf"), dtype=tl.float32)
    carry_index = tl.full([], 0, dtype=tl.int64)
    for start in range(0, N, BLOCK_N):
        cols = start + tl.arange(0, BLOCK_N)
        mask = cols < N
        vals = tl.load(inp + cols, mask=mask, other=float("inf")).to(tl.float32)
        idx = cols.to(tl.int64)
        scan_v, scan_i = tl.associative_scan((vals, idx), axis=0, combine_fn=tl_cummin_combine)
        # the carry comes before the block: it wins only when strictly smaller
        use_carry = carry_value < scan_v
        scan_v = tl.where(use_carry, carry_value, scan_v)
        scan_i = tl.where(use_carry, carry_index, scan_i)
        tl.store(out + cols, scan_v, mask=mask)
        tl.store(out_index + cols, scan_i, mask=mask)
        # the running minimum is non-increasing and its index non-decreasing along the block
        carry_value = tl.min(tl.where(mask, scan_v, float("inf")), axis=0)
        carry_index = tl.max(tl.where(mask, scan_i, -1), axis=0)


def cummin(x):
    M, N = x.shape
    values = torch.empty_like(x)
    indices = torch.empty((M, N), dtype=torch.int64, device=x.device)
    BLOCK_N = min(triton.next_power_of_2(N), 1024)
    cummin_kernel[(M,)](x, values, indices, N, BLOCK_N=BLOCK_N)
    return values, indices
