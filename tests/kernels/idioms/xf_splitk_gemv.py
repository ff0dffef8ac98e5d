"""Split-K matrix-vector product with bias, in the style of xformers' split-K kernels: grid
(column block of the output, K split); program (pid_n, pid_k) strides over K with step
SPLIT_K * BLOCK_K starting at pid_k * BLOCK_K, keeps a per-lane [BLOCK_N, BLOCK_K] accumulator,
reduces it along K and `tl.atomic_add`s the partial result into the zero-initialised output; only
the pid_k == 0 program adds the bias. The host picks SPLIT_K = 4 and
BLOCK_K = min(next_pow2(cdiv(K, SPLIT_K)), 256)."""

import torch
import triton
import triton.language as tl


@triton.jit
def _splitk_gemv_kernel(
    Y, W, X, BIAS,
    N, K,
    stride_wn,
    HAS_BIAS: tl.constexpr,
    SPLIT_K: tl.constexpr,
    BLOCK_N: tl.constexpr,
    BLOCK_K: tl.constexpr,
):
    pid_n = tl.program_id(0)
    pid_k = tl.program_id(1)

    rn = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    rk = tl.arange(0, BLOCK_K)
    mask_n = rn < N

    acc = tl.zeros((BLOCK_N, BLOCK_K), dtype=tl.float32)
    for k in range(pid_k * BLOCK_K, K, SPLIT_K * BLOCK_K):
        offs_k = k + rk
        mask_k = offs_k < K
        w = tl.load(W + rn[:, None] * stride_wn + offs_k[None, :],
                    mask=mask_n[:, None] & mask_k[None, :], other=0.0)
        x = tl.load(X + offs_k, mask=mask_k, other=0.0)
        acc += w.to(tl.float32) * x.to(tl.float32)[None, :]
    y = tl.sum(acc, axis=1)

    if HAS_BIAS:
        # one split adds the bias
        if pid_k == 0:
            y += tl.load(BIAS + rn, mask=mask_n, other=0.0).to(tl.float32)

    tl.atomic_add(Y + rn, y, mask=mask_n)


def splitk_gemv(w, x, bias=None):
    """y = w @ x + bias for w [N, K], x [K]."""
    N, K = w.shape
    y = torch.zeros(N, device=w.device, dtype=torch.float32)
    SPLIT_K = 4
    BLOCK_N = 32
    BLOCK_K = min(triton.next_power_of_2(triton.cdiv(K, SPLIT_K)), 256)
    grid = (triton.cdiv(N, BLOCK_N), SPLIT_K)
    _splitk_gemv_kernel[grid](
        y, w, x, bias, N, K, w.stride(0),
        HAS_BIAS=bias is not None, SPLIT_K=SPLIT_K, BLOCK_N=BLOCK_N, BLOCK_K=BLOCK_K,
    )
    return y
