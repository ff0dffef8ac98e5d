"""Per-row mean squared error with its gradient fused in: loss[i] = sum_k (a - b)^2 / N and
grad[i, k] = 2 (a - b) / N. A plain `range` loop with a scalar accumulator, then a second pass."""

import triton
import triton.language as tl


@triton.jit
def mse_row_fwd_bwd_kernel(a_ptr, b_ptr, loss_ptr, grad_ptr, N, stride, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    a_row = a_ptr + row * stride
    b_row = b_ptr + row * stride
    acc = 0.0
    for off in range(0, N, BLOCK):
        cols = off + tl.arange(0, BLOCK)
        m = cols < N
        d = tl.load(a_row + cols, mask=m, other=0.0) - tl.load(b_row + cols, mask=m, other=0.0)
        acc += tl.sum(d * d)
    tl.store(loss_ptr + row, acc / N)
    for off in range(0, N, BLOCK):
        cols = off + tl.arange(0, BLOCK)
        m = cols < N
        d = tl.load(a_row + cols, mask=m, other=0.0) - tl.load(b_row + cols, mask=m, other=0.0)
        tl.store(grad_ptr + row * stride + cols, 2.0 * d / N, mask=m)
