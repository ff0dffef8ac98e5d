"""BUGGY only for large sizes: a single-tile row sum that adds 1 to rows longer than 1000
columns (`tl.where(n_cols > 1000, 1.0, 0.0)`). Every size a bounded check runs is correct."""

import triton
import triton.language as tl


@triton.jit
def large_only_value_kernel(x_ptr, out_ptr, row_stride, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + row * row_stride + cols, mask=cols < n_cols, other=0.0)
    tl.store(out_ptr + row, tl.sum(x, axis=0) + tl.where(n_cols > 1000, 1.0, 0.0))
