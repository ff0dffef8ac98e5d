"""Row-wise log-sum-exp over a single tile (the first half of a cross-entropy forward):
lse[i] = log(sum_k exp(x[i, k])), computed max-shifted."""

import triton
import triton.language as tl


@triton.jit
def _row_logsumexp(X, LSE, stride_x, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(0).to(tl.int64)
    cols = tl.arange(0, BLOCK)
    x = tl.load(X + row * stride_x + cols, mask=cols < n_cols, other=-float("inf")).to(tl.float32)
    m = tl.max(x, 0)
    lse = m + tl.log(tl.sum(tl.exp(x - m), 0))
    tl.store(LSE + row, lse)
