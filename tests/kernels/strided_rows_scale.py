"""Row-strided view: out[i, j] = 3 * x[i, j] + x[i, 0], where x's rows are 2*N elements apart
(x is every other row of a larger buffer, e.g. base[::2])."""

import triton
import triton.language as tl


@triton.jit
def strided_rows_scale_kernel(
    x_ptr, out_ptr, N, stride_xrow, stride_xcol, stride_orow, BLOCK: tl.constexpr
):
    row = tl.program_id(0)
    col_block = tl.program_id(1)
    cols = col_block * BLOCK + tl.arange(0, BLOCK)
    mask = cols < N
    row_start = x_ptr + row * stride_xrow
    first = tl.load(row_start)
    vals = tl.load(row_start + cols * stride_xcol, mask=mask, other=0.0)
    tl.store(out_ptr + row * stride_orow + cols, 3.0 * vals + first, mask=mask)
