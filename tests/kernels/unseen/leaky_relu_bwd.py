"""Backward of leaky ReLU: dx = dy where x > 0, else negative_slope * dy. Two inputs, one output,
the block offsets computed as int64."""

import triton
import triton.language as tl


@triton.jit
def leaky_relu_backward_kernel(grad_out_ptr, inp_ptr, grad_in_ptr, negative_slope, numel,
                               BLOCK: tl.constexpr):
    start = tl.program_id(0).to(tl.int64) * BLOCK
    idx = start + tl.arange(0, BLOCK)
    in_range = idx < numel
    dy = tl.load(grad_out_ptr + idx, mask=in_range, other=0.0)
    x = tl.load(inp_ptr + idx, mask=in_range, other=0.0)
    dx = tl.where(x > 0, dy, dy * negative_slope)
    tl.store(grad_in_ptr + idx, dx, mask=in_range)
