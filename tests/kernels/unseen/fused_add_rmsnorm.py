"""vLLM-style fused residual add + RMSNorm, in place: residual <- x + residual, then
x <- rms_norm(residual) * w. Single tile per row, both buffers are read and written."""

import triton
import triton.language as tl


@triton.jit
def fused_add_rms_norm_kernel(
    input_ptr,
    residual_ptr,
    weight_ptr,
    input_stride,
    residual_stride,
    hidden_size,
    epsilon,
    BLOCK_SIZE: tl.constexpr,
):
    token = tl.program_id(0)
    offsets = tl.arange(0, BLOCK_SIZE)
    valid = offsets < hidden_size
    inp = tl.load(input_ptr + token * input_stride + offsets, mask=valid, other=0.0).to(tl.float32)
    res = tl.load(residual_ptr + token * residual_stride + offsets, mask=valid, other=0.0).to(tl.float32)
    hidden = inp + res
    tl.store(residual_ptr + token * residual_stride + offsets, hidden, mask=valid)
    variance = tl.sum(hidden * hidden, axis=0) / hidden_size
    rrms = 1.0 / tl.sqrt(variance + epsilon)
    w = tl.load(weight_ptr + offsets, mask=valid, other=0.0)
    tl.store(input_ptr + token * input_stride + offsets, hidden * rrms * w, mask=valid)
