"""BUGGY: single-tile row softmax that pads masked lanes with 0.0 instead of -inf. When N is not
a power of two the pad lanes enter the row maximum and the sum adds exp(0 - m) for each of them."""

import triton
import triton.language as tl


@triton.jit
def softmax_other_zero_kernel(in_ptr, out_ptr, row_stride, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    x = tl.load(in_ptr + row * row_stride + cols, mask=mask, other=0.0)
    e = tl.exp(x - tl.max(x, axis=0))
    tl.store(out_ptr + row * row_stride + cols, e / tl.sum(e, axis=0), mask=mask)
