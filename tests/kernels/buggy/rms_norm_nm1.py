"""BUGGY: single-tile RMS norm that divides the sum of squares by N - 1 instead of N."""

import triton
import triton.language as tl


@triton.jit
def rms_norm_nm1_kernel(x_ptr, w_ptr, y_ptr, row_stride, N, eps, BLOCK_N: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK_N)
    mask = cols < N
    x = tl.load(x_ptr + row * row_stride + cols, mask=mask, other=0.0)
    mean_sq = tl.sum(x * x, axis=0) / (N - 1)
    w = tl.load(w_ptr + cols, mask=mask, other=0.0)
    tl.store(y_ptr + row * row_stride + cols, x * tl.rsqrt(mean_sq + eps) * w, mask=mask)
