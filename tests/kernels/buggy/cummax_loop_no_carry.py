"""BUGGY: running maximum over column blocks whose carry is never applied: each block restarts
its scan, so from the second block on the stored maximum ignores the earlier blocks.
Intended: y[i, j] = max_{k<=j} x[i, k] (BLOCK = min(next_power_of_2(N), 64))."""

import triton
import triton.language as tl


@triton.jit
def _max_combine(a, b):
    return tl.maximum(a, b)


@triton.jit
def cummax_loop_no_carry_kernel(x_ptr, y_ptr, N, stride, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    carry = tl.full((), float("-inf"), tl.float32)
    for start in range(0, N, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        mask = cols < N
        x = tl.load(x_ptr + row * stride + cols, mask=mask, other=float("-inf"))
        running = tl.associative_scan(x, 0, _max_combine)
        tl.store(y_ptr + row * stride + cols, running, mask=mask)
        carry = tl.maximum(carry, tl.max(x, axis=0))
