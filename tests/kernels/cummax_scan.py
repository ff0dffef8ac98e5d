"""Running maximum with tl.associative_scan and a custom combiner:
y[i, j] = max_{k<=j} x[i, k]."""

import triton
import triton.language as tl


@triton.jit
def _max_combine(a, b):
    return tl.maximum(a, b)


@triton.jit
def cummax_scan_kernel(x_ptr, y_ptr, N, stride, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < N
    x = tl.load(x_ptr + row * stride + cols, mask=mask, other=float("-inf"))
    running = tl.associative_scan(x, 0, _max_combine)
    tl.store(y_ptr + row * stride + cols, running, mask=mask)
