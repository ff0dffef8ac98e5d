"""argmax over the middle dimension of a [M, N, K] tensor, in the style of FlagGems' ops/argmax.py:
grid (M blocks, K); each program keeps, per row, the best value and its index across blocks of
BLOCK_N (`tl.max(..., return_indices=True, return_indices_tie_break_left=True)` inside a block,
a strict `>` across blocks, so the first occurrence wins), then stores int64 indices. Block sizes
from heuristics: BLOCK_M = 4 below M = 4096 and 8 from there, BLOCK_N = min(next_pow2(N), 4096)."""

import torch
import triton
import triton.language as tl


def heur_block_m(args):
    return 4 if args["M"] < 4096 else 8


def heur_block_n(args):
    return min(4096, triton.next_power_of_2(args["N"]))


@triton.heuristics({"BLOCK_M": heur_block_m, "BLOCK_N": heur_block_n})
@triton.jit
def argmax_kernel(
    inp,
    out_index,
    M,
    N,
    K,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
):
    pid_m = tl.program_id(0)
    pid_k = tl.program_id(1)
    m_offset = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)

    max_values = tl.full([BLOCK_M], dtype=tl.float32, value=float("-inf"))
    argmax_values = tl.full([BLOCK_M], dtype=tl.int64, value=0)
    for start_n in range(0, N, BLOCK_N):
        n_offset = start_n + tl.arange(0, BLOCK_N)
        offset = m_offset[:, None] * N * K + n_offset[None, :] * K + pid_k
        mask = (m_offset[:, None] < M) & (n_offset[None, :] < N)
        inp_ptrs = inp + offset
        inp_vals = tl.load(inp_ptrs, mask=mask, other=-float("inf")).to(tl.float32)
        local_max, local_argmax = tl.max(inp_vals, 1, return_indices=True, return_indices_tie_break_left=True)
        # a later block wins only when strictly larger
        update = local_max > max_values
        max_values = tl.where(update, local_max, max_values)
        argmax_values = tl.where(update, start_n + local_argmax, argmax_values)

    offset_index = m_offset * K + pid_k
    out_index_ptrs = out_index + offset_index
    mask1 = m_offset < M
    tl.store(out_index_ptrs, argmax_values, mask=mask1)


def argmax(x, dim=1):
    M, N, K = x.shape
    out = torch.empty((M, K), dtype=torch.int64, device=x.device)

    def grid(meta):
        return (triton.cdiv(M, meta["BLOCK_M"]), K)

    argmax_kernel[grid](x, out, M, N, K)
    return out
