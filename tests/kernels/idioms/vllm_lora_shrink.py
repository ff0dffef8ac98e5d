"""LoRA shrink (x @ A^T * scaling) with split-K, in the style of vLLM's lora/ops/triton_ops
(`_lora_shrink_kernel` and its `mm_k` helper): a 1-D grid decoded into (split, m block, n block);
row and column offsets wrapped with `% M` / `% N` and hinted with `tl.max_contiguous` /
`tl.multiple_of`, so loads never need row masks; the K loop steps BLOCK_K * SPLIT_K, with an
EVEN_K constexpr dropping the K masks; the scaled tile is stored directly when SPLIT_K == 1 and
`tl.atomic_add`ed into the zeroed output otherwise."""

import torch
import triton
import triton.language as tl


@triton.jit
def mm_k(a_ptr, b_ptr, ak_stride, bk_stride, offset_k, K: tl.constexpr,
         BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,
         EVEN_K: tl.constexpr, SPLIT_K: tl.constexpr):
    accumulator = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k in range(tl.cdiv(K, BLOCK_K * SPLIT_K)):
        if EVEN_K:
            tiled_a = tl.load(a_ptr)
            tiled_b = tl.load(b_ptr)
        else:
            k_left = K - k * (BLOCK_K * SPLIT_K)
            tiled_a = tl.load(a_ptr, mask=offset_k[None, :] < k_left, other=0)
            tiled_b = tl.load(b_ptr, mask=offset_k[:, None] < k_left, other=0)
        accumulator += tl.dot(tiled_a, tiled_b, input_precision="ieee")
        a_ptr += BLOCK_K * SPLIT_K * ak_stride
        b_ptr += BLOCK_K * SPLIT_K * bk_stride
    return accumulator


@triton.jit
def _lora_shrink_kernel(
    input_ptr, lora_ptr, out_ptr,
    M, N, K: tl.constexpr,
    input_d0_stride, input_d1_stride,
    lora_d0_stride, lora_d1_stride,
    out_d0_stride, out_d1_stride,
    scaling,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
    BLOCK_K: tl.constexpr,
    EVEN_K: tl.constexpr,
    SPLIT_K: tl.constexpr,
):
    cta_n_num = tl.cdiv(N, BLOCK_N)
    cta_m_num = tl.cdiv(M, BLOCK_M)
    pid_sk_m_n = tl.program_id(axis=0)
    pid_sk = pid_sk_m_n % SPLIT_K
    pid_m = (pid_sk_m_n // SPLIT_K) % cta_m_num
    pid_n = pid_sk_m_n // (SPLIT_K * cta_m_num) % cta_n_num

    offset_m = tl.arange(0, BLOCK_M) + pid_m * BLOCK_M
    offset_n = tl.arange(0, BLOCK_N) + pid_n * BLOCK_N
    offset_k = pid_sk * BLOCK_K + tl.arange(0, BLOCK_K)
    ram = tl.max_contiguous(tl.multiple_of(offset_m % M, BLOCK_M), BLOCK_M)
    rbn = tl.max_contiguous(tl.multiple_of(offset_n % N, BLOCK_N), BLOCK_N)

    a_ptr = input_ptr + ram[:, None] * input_d0_stride + offset_k[None, :] * input_d1_stride
    b_ptr = lora_ptr + rbn[None, :] * lora_d0_stride + offset_k[:, None] * lora_d1_stride

    accumulator = mm_k(a_ptr, b_ptr, input_d1_stride, lora_d1_stride, offset_k, K,
                       BLOCK_M, BLOCK_N, BLOCK_K, EVEN_K, SPLIT_K)
    accumulator *= scaling

    offset_cm = tl.arange(0, BLOCK_M) + pid_m * BLOCK_M
    offset_cn = tl.arange(0, BLOCK_N) + pid_n * BLOCK_N
    c_ptr = out_ptr + offset_cm[:, None] * out_d0_stride + offset_cn[None, :] * out_d1_stride
    c_mask = (offset_cm[:, None] < M) & (offset_cn[None, :] < N)
    if SPLIT_K == 1:
        tl.store(c_ptr, accumulator, mask=c_mask)
    else:
        tl.atomic_add(c_ptr, accumulator, mask=c_mask)


# the shrink defaults of the kernel config table
_SHRINK_CONFIG = {"block_m": 32, "block_n": 16, "block_k": 256, "split_k": 64, "num_warps": 4}


def lora_shrink(x, lora_a, scaling):
    """out = scaling * x @ lora_a^T for x [M, K], lora_a [N = rank, K]."""
    M, K = x.shape
    N = lora_a.shape[0]
    out = torch.zeros((M, N), device=x.device, dtype=torch.float32)
    cfg = _SHRINK_CONFIG
    BLOCK_M, BLOCK_N, BLOCK_K, SPLIT_K = cfg["block_m"], cfg["block_n"], cfg["block_k"], cfg["split_k"]
    EVEN_K = K % (BLOCK_K * SPLIT_K) == 0
    grid = (SPLIT_K * triton.cdiv(M, BLOCK_M) * triton.cdiv(N, BLOCK_N),)
    _lora_shrink_kernel[grid](
        x, lora_a, out, M, N, K,
        x.stride(0), x.stride(1), lora_a.stride(0), lora_a.stride(1), out.stride(0), out.stride(1),
        scaling, BLOCK_M, BLOCK_N, BLOCK_K, EVEN_K, SPLIT_K, num_warps=cfg["num_warps"],
    )
    return out
