"""Single-tile row argmax (first index of the maximum): idx[i] = argmax_{k<N} x[i, k]."""

import triton
import triton.language as tl


@triton.jit
def argmax_row_kernel(x_ptr, idx_ptr, N, stride, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + row * stride + cols, mask=cols < N, other=float("-inf"))
    best = tl.argmax(x, axis=0)
    tl.store(idx_ptr + row, best.to(tl.int64))
