"""Per-lane accumulators over column blocks, reduced over their lanes after the loop, with the
block capped as hosts cap it (`BLOCK = min(next_power_of_2(N), 8)`): every row longer than 8
runs the loop more than once.

- perlane_max_kernel: out[i] = max_{k<N} x[i, k] (a running maximum per lane, `-inf` padding)
- perlane_sumsq_kernel: out[i] = Σ_{k<N-1} x[i, k]² (the mask leaves out the last column)
"""

import triton
import triton.language as tl


@triton.jit
def perlane_max_kernel(x_ptr, out_ptr, N, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    acc = tl.full([BLOCK], float("-inf"), tl.float32)
    for start in range(0, N, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        x = tl.load(x_ptr + row * N + cols, mask=cols < N, other=float("-inf"))
        acc = tl.maximum(acc, x)
    tl.store(out_ptr + row, tl.max(acc, axis=0))


@triton.jit
def perlane_sumsq_kernel(x_ptr, out_ptr, N, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    acc = tl.zeros([BLOCK], tl.float32)
    for start in range(0, N, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        x = tl.load(x_ptr + row * N + cols, mask=cols < N - 1, other=0.0)
        acc += x * x
    tl.store(out_ptr + row, tl.sum(acc, axis=0))
