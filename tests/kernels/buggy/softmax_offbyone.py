"""BUGGY: single-tile row softmax whose mask is off by one (`cols <= n_cols`), so lane N reads
and writes one element past the row (the next row's first element)."""

import triton
import triton.language as tl


@triton.jit
def softmax_offbyone_kernel(in_ptr, out_ptr, row_stride, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols <= n_cols
    x = tl.load(in_ptr + row * row_stride + cols, mask=mask, other=-float("inf"))
    e = tl.exp(x - tl.max(x, axis=0))
    tl.store(out_ptr + row * row_stride + cols, e / tl.sum(e, axis=0), mask=mask)
