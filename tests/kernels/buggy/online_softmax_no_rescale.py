"""Online softmax whose running sum is not rescaled when the running max grows:
meant y[i, j] = exp(x[i, j]) / sum_{k<N} exp(x[i, k]); wrong once a later block holds a larger
maximum."""

import triton
import triton.language as tl


@triton.jit
def online_softmax_no_rescale_kernel(x_ptr, y_ptr, N, stride, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    x_row = x_ptr + row * stride
    y_row = y_ptr + row * stride
    m = float("-inf")
    z = 0.0
    # pass 1: statistics
    for start in range(0, N, BLOCK):
        offs = start + tl.arange(0, BLOCK)
        x = tl.load(x_row + offs, mask=offs < N, other=float("-inf"))
        m_new = tl.maximum(m, tl.max(x, axis=0))
        z = z + tl.sum(tl.exp(x - m_new), axis=0)  # bug: z is not rescaled to the new max
        m = m_new
    # pass 2: normalised output
    for start in range(0, N, BLOCK):
        offs = start + tl.arange(0, BLOCK)
        mask = offs < N
        x = tl.load(x_row + offs, mask=mask, other=float("-inf"))
        tl.store(y_row + offs, tl.exp(x - m) / z, mask=mask)
