"""Bug: per-lane sums over the column blocks, then the *maximum* over the lanes (meant: the sum)."""

import triton
import triton.language as tl


@triton.jit
def perlane_max_of_sums_kernel(x_ptr, out_ptr, N, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    acc = tl.zeros([BLOCK], tl.float32)
    for start in range(0, N, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        acc += tl.load(x_ptr + row * N + cols, mask=cols < N, other=0.0)
    tl.store(out_ptr + row, tl.max(acc, axis=0))
