"""Mean over the middle dimension of a [M, N, K] tensor (a non-innermost reduction), in the style
of FlagGems' reduction kernels: grid (M, K blocks); program (pid_m, pid_k) walks N in blocks of
BLOCK_N rows with a [BLOCK_N, BLOCK_K] per-lane accumulator, reduces along axis 0 and divides by
N. Block sizes capped by the host: BLOCK_N = min(next_pow2(N), 128), BLOCK_K = min(next_pow2(K), 256)."""

import torch
import triton
import triton.language as tl


@triton.jit
def mean_dim_non_inner_kernel(
    output_ptr,
    input_ptr,
    M,
    N,
    K,
    BLOCK_N: tl.constexpr,
    BLOCK_K: tl.constexpr,
):
    pid_m = tl.program_id(0)
    pid_k = tl.program_id(1)
    k_offsets = pid_k * BLOCK_K + tl.arange(0, BLOCK_K)[None, :]
    acc = tl.zeros([BLOCK_N, BLOCK_K], dtype=tl.float32)
    for start_n in range(0, N, BLOCK_N):
        n_offsets = start_n + tl.arange(0, BLOCK_N)[:, None]
        offsets = pid_m * N * K + n_offsets * K + k_offsets
        mask = (n_offsets < N) & (k_offsets < K)
        inp = tl.load(input_ptr + offsets, mask=mask, other=0.0).to(tl.float32)
        acc += inp
    out = tl.sum(acc, axis=0)[None, :] / N
    out_offsets = pid_m * K + k_offsets
    tl.store(output_ptr + out_offsets, out, mask=k_offsets < K)


def mean_dim1(x):
    M, N, K = x.shape
    out = torch.empty((M, K), dtype=x.dtype, device=x.device)
    BLOCK_N = min(triton.next_power_of_2(N), 128)
    BLOCK_K = min(triton.next_power_of_2(K), 256)
    grid = (M, triton.cdiv(K, BLOCK_K))
    mean_dim_non_inner_kernel[grid](out, x, M, N, K, BLOCK_N=BLOCK_N, BLOCK_K=BLOCK_K)
    return out
