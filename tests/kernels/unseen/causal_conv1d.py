"""Depthwise causal 1-D convolution with bias and an optional SiLU (mamba's causal_conv1d, forward,
channel-first [B, C, T] layout): y[b, c, t] = act(bias[c] + sum_{k<W} w[c, k] * x[b, c, t - (W-1) + k]),
with x taken as 0 before t = 0. The taps are unrolled with tl.static_range; the activation is
chosen by a constexpr string."""

import triton
import triton.language as tl


@triton.jit
def _causal_conv1d_fwd_kernel(
    x_ptr, w_ptr, bias_ptr, y_ptr,
    seqlen,
    stride_xb, stride_xc,
    stride_wc,
    stride_yb, stride_yc,
    WIDTH: tl.constexpr,
    BLOCK_T: tl.constexpr,
    ACTIVATION: tl.constexpr,
):
    pid_b = tl.program_id(0)
    pid_c = tl.program_id(1)
    pid_t = tl.program_id(2)
    t = pid_t * BLOCK_T + tl.arange(0, BLOCK_T)
    x_base = x_ptr + pid_b * stride_xb + pid_c * stride_xc
    acc = tl.zeros([BLOCK_T], dtype=tl.float32) + tl.load(bias_ptr + pid_c).to(tl.float32)
    for k in tl.static_range(WIDTH):
        src = t - (WIDTH - 1) + k
        xv = tl.load(x_base + src, mask=(src >= 0) & (src < seqlen), other=0.0)
        acc += xv * tl.load(w_ptr + pid_c * stride_wc + k)
    if ACTIVATION == "silu":
        acc = acc * tl.sigmoid(acc)
    tl.store(y_ptr + pid_b * stride_yb + pid_c * stride_yc + t, acc, mask=t < seqlen)
