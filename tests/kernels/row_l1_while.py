"""Row L1 norm with a `while` loop over column blocks: out[i] = sum_{k<N} |x[i, k]|."""

import triton
import triton.language as tl


@triton.jit
def row_l1_while_kernel(x_ptr, out_ptr, N, stride, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    row_ptr = x_ptr + row * stride
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    start = 0
    while start < N:
        cols = start + tl.arange(0, BLOCK)
        acc += tl.abs(tl.load(row_ptr + cols, mask=cols < N, other=0.0))
        start += BLOCK
    tl.store(out_ptr + row, tl.sum(acc, axis=0))
