"""Per-row cross entropy with integer targets (a data-dependent gather):
loss[i] = log(sum_{k<N} exp(x[i, k])) - x[i, t[i]], computed as m + log(sum exp(x - m)) - x[i, t[i]]
with m = max_k x[i, k]."""

import triton
import triton.language as tl


@triton.jit
def cross_entropy_row_kernel(logits_ptr, target_ptr, loss_ptr, N, stride, BLOCK: tl.constexpr):
    row = tl.program_id(0).to(tl.int64)
    row_ptr = logits_ptr + row * stride
    cols = tl.arange(0, BLOCK)
    x = tl.load(row_ptr + cols, mask=cols < N, other=float("-inf")).to(tl.float32)
    m = tl.max(x, axis=0)
    lse = m + tl.log(tl.sum(tl.exp(x - m), axis=0))
    target = tl.load(target_ptr + row)
    picked = tl.load(row_ptr + target).to(tl.float32)
    tl.store(loss_ptr + row, lse - picked)
