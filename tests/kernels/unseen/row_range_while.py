"""Row range max_k x - min_k x with a `while` loop over column blocks. The loads have no
`other`: masked lanes are kept out of the running extrema with tl.where on the mask."""

import triton
import triton.language as tl


@triton.jit
def row_range_while_kernel(x_ptr, out_ptr, n_cols, stride, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    hi = tl.full([BLOCK], float("-inf"), tl.float32)
    lo = tl.full([BLOCK], float("inf"), tl.float32)
    off = 0
    while off < n_cols:
        cols = off + tl.arange(0, BLOCK)
        m = cols < n_cols
        x = tl.load(x_ptr + row * stride + cols, mask=m)
        hi = tl.where(m, tl.maximum(hi, x), hi)
        lo = tl.where(m, tl.minimum(lo, x), lo)
        off += BLOCK
    tl.store(out_ptr + row, tl.max(hi, axis=0) - tl.min(lo, axis=0))
