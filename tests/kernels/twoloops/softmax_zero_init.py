"""Row softmax in three loops whose stabilising shift starts at 0 instead of -inf (some kernels
initialise the running max with tl.zeros and pad with 0): m = max(0, max_k x[i, k]) per lane,
then z = sum_k exp(x[i, k] - m), then y[i, j] = exp(x[i, j] - m) / z. Any shift gives the same
softmax; the prover must see that the padding 0 is absorbed by the 0 the max started at,
whatever the sign of x."""

import triton
import triton.language as tl


@triton.jit
def softmax_zero_init_kernel(x_ptr, y_ptr, N, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    x_row = x_ptr + row * N
    m_lane = tl.zeros([BLOCK], tl.float32)
    for off in range(0, N, BLOCK):
        cols = off + tl.arange(0, BLOCK)
        m_lane = tl.maximum(m_lane, tl.load(x_row + cols, mask=cols < N, other=0.0))
    m = tl.max(m_lane, axis=0)
    z_lane = tl.zeros([BLOCK], tl.float32)
    for off in range(0, N, BLOCK):
        cols = off + tl.arange(0, BLOCK)
        z_lane += tl.exp(tl.load(x_row + cols, mask=cols < N, other=float("-inf")) - m)
    z = tl.sum(z_lane, axis=0)
    for off in range(0, N, BLOCK):
        cols = off + tl.arange(0, BLOCK)
        mask = cols < N
        x = tl.load(x_row + cols, mask=mask, other=0.0)
        tl.store(y_ptr + row * N + cols, tl.exp(x - m) / z, mask=mask)
