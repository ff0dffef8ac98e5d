"""Mish, x * tanh(softplus(x)), with the usual exp-only rewrite
tanh(log(1 + e)) = (e^2 + 2e) / (e^2 + 2e + 2), e = exp(x). 2-D tiles (BLOCK_M x BLOCK_N) on a
2-D grid, the mask built from two broadcast comparisons."""

import triton
import triton.language as tl


@triton.jit
def mish_fwd_kernel(X, Y, M, N, stride_xm, stride_ym, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    rm = tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)
    rn = tl.program_id(1) * BLOCK_N + tl.arange(0, BLOCK_N)
    in_bounds = (rm[:, None] < M) & (rn[None, :] < N)
    x = tl.load(X + rm[:, None] * stride_xm + rn[None, :], mask=in_bounds, other=0.0).to(tl.float32)
    e = tl.exp(x)
    n = e * e + 2.0 * e
    y = x * n / (n + 2.0)
    tl.store(Y + rm[:, None] * stride_ym + rn[None, :], y, mask=in_bounds)
