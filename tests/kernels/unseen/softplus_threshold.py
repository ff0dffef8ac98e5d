"""torch.nn.functional.softplus(x, beta, threshold): log(1 + exp(beta * x)) / beta, reverting to
the identity where beta * x > threshold."""

import triton
import triton.language as tl


@triton.jit
def softplus_kernel(x_ptr, y_ptr, n_elements, beta, threshold, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    block_start = pid * BLOCK_SIZE
    offsets = block_start + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    bx = x * beta
    soft = tl.log(1.0 + tl.exp(bx)) / beta
    y = tl.where(bx > threshold, x, soft)
    tl.store(y_ptr + offsets, y, mask=mask)
