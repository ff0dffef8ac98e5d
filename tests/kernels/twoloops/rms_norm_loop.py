"""RMS norm over column blocks, two loops in sequence (unsloth/Liger style for rows longer than
one block): a per-lane sum of squares, then a loop that re-reads the row and stores
y[i, j] = x[i, j] * w[j] / sqrt(sum_k x[i, k]^2 / N + eps)."""

import triton
import triton.language as tl


@triton.jit
def rms_norm_loop_kernel(X, W, Y, stride_x, stride_y, N, eps, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    acc = tl.zeros([BLOCK], tl.float32)
    for off in range(0, N, BLOCK):
        cols = off + tl.arange(0, BLOCK)
        x = tl.load(X + row * stride_x + cols, mask=cols < N, other=0.0).to(tl.float32)
        acc += x * x
    rstd = 1.0 / tl.sqrt(tl.sum(acc, axis=0) / N + eps)
    for off in range(0, N, BLOCK):
        cols = off + tl.arange(0, BLOCK)
        mask = cols < N
        x = tl.load(X + row * stride_x + cols, mask=mask, other=0.0).to(tl.float32)
        w = tl.load(W + cols, mask=mask, other=0.0)
        tl.store(Y + row * stride_y + cols, x * rstd * w, mask=mask)
