"""BUGGY: single-tile row softmax whose masked load has no `other=`: the pad lanes hold
unspecified values, which enter the row maximum and the sum."""

import triton
import triton.language as tl


@triton.jit
def softmax_no_other_kernel(in_ptr, out_ptr, row_stride, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    x = tl.load(in_ptr + row * row_stride + cols, mask=mask)
    e = tl.exp(x - tl.max(x, axis=0))
    tl.store(out_ptr + row * row_stride + cols, e / tl.sum(e, axis=0), mask=mask)
