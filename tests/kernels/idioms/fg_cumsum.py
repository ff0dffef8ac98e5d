"""Cumulative sum of a long 1-D tensor in three launches, in the style of FlagGems' ops/cumsum.py
(scan-then-fan): `scan_part_sum_kernel` scans every BLOCK_SIZE part with `tl.cumsum` and
stores the part's total; the part totals are scanned in place by the same kernel (FlagGems
recurses; one level suffices while there are at most 1024 parts); `add_base_sum_kernel` adds the
previous part's prefix total to every part but the first (`if pid > 0`)."""

import torch
import triton
import triton.language as tl


@triton.jit
def scan_part_sum_kernel(
    inp,
    out,
    partial_sum,
    n_elements,
    part_num,
    BLOCK_SIZE: tl.constexpr,
):
    pid = tl.program_id(0)
    offset = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offset < n_elements

    vals = tl.load(inp + offset, mask=mask, other=0.0).to(tl.float32)
    # prefix sums inside the part, and the part's total for the next level
    scanned = tl.cumsum(vals, axis=0)
    part_total = tl.sum(vals)
    tl.store(out + offset, scanned, mask=mask)
    tl.store(partial_sum + pid, part_total)


@triton.jit
def add_base_sum_kernel(
    out,
    partial_sum,
    n_elements,
    part_num,
    BLOCK_SIZE: tl.constexpr,
):
    pid = tl.program_id(0)
    offset = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offset < n_elements

    vals = tl.load(out + offset, mask=mask)
    # part 0 is already final; part p adds the scanned total of parts 0..p-1
    if pid > 0:
        base = tl.load(partial_sum + pid - 1)
        tl.store(out + offset, (vals + base).to(vals.dtype), mask=mask)


def scan_then_fan(inp, out, n_ele):
    BLOCK_SIZE = min(1024, triton.next_power_of_2(n_ele))
    part_num = triton.cdiv(n_ele, BLOCK_SIZE)
    partial_sum = torch.empty(part_num, dtype=torch.float32, device=inp.device)
    scan_part_sum_kernel[(part_num,)](inp, out, partial_sum, n_ele, part_num, BLOCK_SIZE)
    if part_num >= 2:
        scan_then_fan(partial_sum, partial_sum, part_num)
        add_base_sum_kernel[(part_num,)](out, partial_sum, n_ele, part_num, BLOCK_SIZE)


def cumsum(x):
    out = torch.empty_like(x, dtype=torch.float32)
    scan_then_fan(x, out, x.numel())
    return out
