"""BUGGY: single-tile row mean that divides by N - 1 instead of N."""

import triton
import triton.language as tl


@triton.jit
def mean_nm1_kernel(x_ptr, out_ptr, row_stride, N, BLOCK_N: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK_N)
    x = tl.load(x_ptr + row * row_stride + cols, mask=cols < N, other=0.0)
    tl.store(out_ptr + row, tl.sum(x, axis=0) / (N - 1))
