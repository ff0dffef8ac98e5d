"""BUGGY: prefix sum over column blocks of 256 whose carry is overwritten with the last block's
total instead of accumulated: right for the first two blocks (N <= 512), wrong from the third.
Intended: y[i, j] = sum_{k<=j} x[i, k]."""

import triton
import triton.language as tl


@triton.jit
def _add_combine(a, b):
    return a + b


@triton.jit
def cumsum_scan_stale_carry_kernel(x_ptr, y_ptr, N, stride, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    carry = 0.0
    for start in tl.range(0, N, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        mask = cols < N
        x = tl.load(x_ptr + row * stride + cols, mask=mask, other=0.0)
        tl.store(y_ptr + row * stride + cols, tl.associative_scan(x, 0, _add_combine) + carry, mask=mask)
        carry = tl.sum(x, axis=0)
