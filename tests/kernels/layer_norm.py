"""Layer norm over column blocks (three loops), also writing the row statistics:
mean[i] = sum_k x[i, k] / N,  var[i] = sum_k (x[i, k] - mean[i])^2 / N,
rstd[i] = 1 / sqrt(var[i] + eps),  y[i, j] = (x[i, j] - mean[i]) * rstd[i] * w[j] + b[j]."""

import triton
import triton.language as tl


@triton.jit
def layer_norm_fwd_kernel(
    x_ptr, y_ptr, w_ptr, b_ptr, mean_ptr, rstd_ptr, stride, N, eps, BLOCK: tl.constexpr
):
    row = tl.program_id(0)
    x_row = x_ptr + row * stride
    y_row = y_ptr + row * stride

    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for off in range(0, N, BLOCK):
        cols = off + tl.arange(0, BLOCK)
        acc += tl.load(x_row + cols, mask=cols < N, other=0.0).to(tl.float32)
    mean = tl.sum(acc, axis=0) / N

    acc_sq = tl.zeros([BLOCK], dtype=tl.float32)
    for off in range(0, N, BLOCK):
        cols = off + tl.arange(0, BLOCK)
        xv = tl.load(x_row + cols, mask=cols < N, other=0.0).to(tl.float32)
        diff = tl.where(cols < N, xv - mean, 0.0)
        acc_sq += diff * diff
    var = tl.sum(acc_sq, axis=0) / N
    rstd = 1.0 / tl.sqrt(var + eps)
    tl.store(mean_ptr + row, mean)
    tl.store(rstd_ptr + row, rstd)

    for off in range(0, N, BLOCK):
        cols = off + tl.arange(0, BLOCK)
        mask = cols < N
        w = tl.load(w_ptr + cols, mask=mask)
        b = tl.load(b_ptr + cols, mask=mask)
        xv = tl.load(x_row + cols, mask=mask, other=0.0).to(tl.float32)
        tl.store(y_row + cols, (xv - mean) * rstd * w + b, mask=mask)
