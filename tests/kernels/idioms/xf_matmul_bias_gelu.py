"""y = gelu(x @ w^T + bias), in the style of xformers' triton/k_fused_matmul_fw.py: an
autotuned tl.dot kernel with grouped program ordering (GROUP_M rows of tiles share columns), the
bias added to the accumulator before the K loop, a K loop that counts *down* (`range(K, 0,
-BLOCK_K)`, masks `rk < k`), pointer increments, and the exact GELU as an epilogue. w is [N, K]
(a linear layer's weight), read transposed through its strides."""

import torch
import triton
import triton.language as tl


@triton.jit
def gelu(x):
    # exact GELU; 0.7071067811865476 = 1 / sqrt(2)
    return 0.5 * x * (1.0 + tl.math.erf(x * 0.7071067811865476))


@triton.autotune(
    configs=[
        triton.Config({"BLOCK_M": 32, "BLOCK_N": 32}, num_stages=5, num_warps=2),
        triton.Config({"BLOCK_M": 32, "BLOCK_N": 64}, num_stages=5, num_warps=2),
    ],
    key=["M", "N", "K"],
)
@triton.jit
def kernel_fma(
    OUT, INPUT, WEIGHT, BIAS,
    M, N, K,
    stride_om, stride_im, stride_wn,
    BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,
    GROUP_M: tl.constexpr,
    HAS_BIAS: tl.constexpr,
    APPLY_GELU: tl.constexpr,
):
    # grouped ordering: a group of GROUP_M tile rows is walked column by column
    pid = tl.program_id(axis=0)
    num_pid_m = tl.cdiv(M, BLOCK_M)
    num_pid_n = tl.cdiv(N, BLOCK_N)
    num_pid_in_group = GROUP_M * num_pid_n
    group_id = pid // num_pid_in_group
    first_pid_m = group_id * GROUP_M
    group_size_m = min(num_pid_m - first_pid_m, GROUP_M)
    pid_m = first_pid_m + (pid % group_size_m)
    pid_n = (pid % num_pid_in_group) // group_size_m

    rm = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    rn = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    rk = tl.arange(0, BLOCK_K)
    mask_rm = rm < M
    mask_rn = rn < N

    input_ptrs = INPUT + rm[:, None] * stride_im + rk[None, :]
    weight_ptrs = WEIGHT + rk[:, None] + rn[None, :] * stride_wn

    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    if HAS_BIAS:
        bias = tl.load(BIAS + rn, mask=mask_rn, other=0.0).to(tl.float32)
        acc += bias[None, :]

    # k counts the columns still to do
    for k in range(K, 0, -BLOCK_K):
        a = tl.load(input_ptrs, mask=(rk[None, :] < k) & mask_rm[:, None], other=0.0)
        w = tl.load(weight_ptrs, mask=(rk[:, None] < k) & mask_rn[None, :], other=0.0)
        acc += tl.dot(a, w, input_precision="ieee")
        input_ptrs += BLOCK_K
        weight_ptrs += BLOCK_K

    if APPLY_GELU:
        acc = gelu(acc)

    out_ptrs = OUT + rm[:, None] * stride_om + rn[None, :]
    tl.store(out_ptrs, acc, mask=mask_rm[:, None] & mask_rn[None, :])


def fused_matmul(x, weight, bias=None, gelu_epilogue=True):
    M, K = x.shape
    N = weight.shape[0]
    out = torch.empty((M, N), device=x.device, dtype=x.dtype)

    def grid(meta):
        return (triton.cdiv(M, meta["BLOCK_M"]) * triton.cdiv(N, meta["BLOCK_N"]),)

    kernel_fma[grid](
        out, x, weight, bias,
        M, N, K,
        out.stride(0), x.stride(0), weight.stride(0),
        BLOCK_K=32, GROUP_M=8,
        HAS_BIAS=bias is not None, APPLY_GELU=gelu_epilogue,
    )
    return out

