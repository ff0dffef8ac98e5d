"""Online log-sum-exp over column blocks with per-lane running statistics (fla-style naming):
every lane keeps its own running max b_m and rescaled sum b_s; the lanes are merged at the end.
Lanes that have only seen padding keep b_m = -inf; the rescale factors are guarded so that
-inf - (-inf) never reaches exp."""

import triton
import triton.language as tl


@triton.jit
def online_logsumexp_kernel(x, lse, N, stride_row, BLOCK_SIZE: tl.constexpr):
    i_row = tl.program_id(0)
    b_m = tl.full([BLOCK_SIZE], float("-inf"), dtype=tl.float32)
    b_s = tl.zeros([BLOCK_SIZE], dtype=tl.float32)
    for i_start in tl.range(0, N, BLOCK_SIZE):
        o_n = i_start + tl.arange(0, BLOCK_SIZE)
        b_x = tl.load(x + i_row * stride_row + o_n, mask=o_n < N, other=float("-inf")).to(tl.float32)
        b_m_new = tl.maximum(b_m, b_x)
        b_alpha = tl.where(b_m > float("-inf"), tl.exp(b_m - b_m_new), 0.0)
        b_p = tl.where(b_x > float("-inf"), tl.exp(b_x - b_m_new), 0.0)
        b_s = b_s * b_alpha + b_p
        b_m = b_m_new
    m = tl.max(b_m, 0)
    s = tl.sum(b_s * tl.exp(b_m - m), 0)
    tl.store(lse + i_row, m + tl.log(s))
