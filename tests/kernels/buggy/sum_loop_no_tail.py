"""Row sum over column blocks whose loop stops before the partial last block:
meant out[i] = sum_{k<N} x[i, k]; the range end N - BLOCK + 1 skips the tail when BLOCK does not
divide N."""

import triton
import triton.language as tl


@triton.jit
def sum_loop_no_tail_kernel(x_ptr, out_ptr, N, stride_row, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    acc = 0.0
    for start in range(0, N - BLOCK + 1, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        acc += tl.sum(tl.load(x_ptr + row * stride_row + cols, mask=cols < N, other=0.0), axis=0)
    tl.store(out_ptr + row, acc)
