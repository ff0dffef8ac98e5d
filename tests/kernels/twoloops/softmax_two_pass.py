"""Row softmax in two passes over column blocks (FlagGems-style online first pass, per lane):
pass 1 keeps a running max m and a rescaled sum z in every lane (a lane that has seen only
padding keeps m = -inf and z = 0, guarded so no -inf - -inf is taken), reduces them across
lanes after the loop; pass 2 re-reads the row and stores y[i, j] = exp(x[i, j] - M) / Z,
M = max_k x[i, k], Z = sum_k exp(x[i, k] - M)."""

import triton
import triton.language as tl


@triton.jit
def softmax_two_pass_kernel(out_ptr, in_ptr, M, N, BLOCK_N: tl.constexpr):
    pid = tl.program_id(0)
    m = tl.full([BLOCK_N], float("-inf"), tl.float32)
    z = tl.zeros([BLOCK_N], tl.float32)
    for start_n in range(0, N, BLOCK_N):
        n_offsets = start_n + tl.arange(0, BLOCK_N)
        inp = tl.load(in_ptr + pid * N + n_offsets, mask=n_offsets < N, other=float("-inf"))
        m_new = tl.maximum(m, inp)
        all_neg_inf = m_new == float("-inf")
        z = tl.where(all_neg_inf, z, z * tl.exp(m - m_new) + tl.exp(inp - m_new))
        m = m_new
    m_reduced = tl.max(m, 0)
    z = tl.sum(z * tl.exp(m - m_reduced), 0)
    for start_n in range(0, N, BLOCK_N):
        n_offsets = start_n + tl.arange(0, BLOCK_N)
        mask = n_offsets < N
        inp = tl.load(in_ptr + pid * N + n_offsets, mask=mask, other=float("-inf"))
        out = tl.exp(inp - m_reduced) / z
        tl.store(out_ptr + pid * N + n_offsets, out, mask=mask)
