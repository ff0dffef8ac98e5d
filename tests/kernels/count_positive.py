"""Integer accumulator (tl.zeros with dtype int32) over column blocks:
cnt[i] = #{k < N : x[i, k] > 0} = sum_{k<N} where(x[i, k] > 0, 1, 0)."""

import triton
import triton.language as tl


@triton.jit
def count_positive_kernel(x_ptr, cnt_ptr, N, stride, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    acc = tl.zeros([BLOCK], dtype=tl.int32)
    for start in range(0, N, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        x = tl.load(x_ptr + row * stride + cols, mask=cols < N, other=0.0)
        acc += (x > 0).to(tl.int32)
    tl.store(cnt_ptr + row, tl.sum(acc, axis=0))
