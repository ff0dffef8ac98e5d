"""Per-token symmetric int8 quantisation scale, vLLM flavour (without the final rounding):
scale[i] = max(max_k |x[i, k]|, 1e-10) / 127 and y[i, k] = x[i, k] / scale[i]."""

import triton
import triton.language as tl


@triton.jit
def _per_token_absmax_scale(x_ptr, y_ptr, scale_ptr, stride_x, stride_y, N,
                            BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < N
    x = tl.load(x_ptr + row * stride_x + cols, mask=mask, other=0.0).to(tl.float32)
    absmax = tl.maximum(tl.max(tl.abs(x)), 1e-10)
    scale = absmax / 127.0
    tl.store(scale_ptr + row, scale)
    tl.store(y_ptr + row * stride_y + cols, x / scale, mask=mask)
