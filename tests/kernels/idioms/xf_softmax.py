"""Row softmax / log-softmax of a [B, M, K] tensor, in the style of xformers'
triton/k_softmax.py: grid (batch, row), the whole row in one DEPTH = next_power_of_2(K) block set
by a heuristic, constexpr LOG / MASK_TYPE / CAUSAL switches, hidden causal lanes forced to -inf
with `tl.where` after the load, and every column written back (0 for softmax, -inf for
log-softmax where the causal mask hides a column)."""

import torch
import triton
import triton.language as tl


def get_depth(args):
    return triton.next_power_of_2(args["K"])


@triton.autotune(
    configs=[triton.Config({}, num_warps=w) for w in (1, 2, 4, 8, 16, 32)],
    key=["K"],
)
@triton.heuristics(values={"DEPTH": get_depth})
@triton.jit
def _softmax(
    Y, X, M,
    stride_ym, stride_yn,
    stride_xm, stride_xn,
    stride_m,
    K,
    LOG: tl.constexpr,
    MASK_TYPE: tl.constexpr,
    CAUSAL: tl.constexpr,
    DEPTH: tl.constexpr,
):
    # softmax over the last dimension of a 3-D tensor; (m, n) = (batch, row)
    m = tl.program_id(0)
    n = tl.program_id(1)

    k = tl.arange(0, DEPTH)
    x_ptrs = X + m * stride_xm + n * stride_xn + k

    io_mask = k < K
    if CAUSAL:
        # row n sees columns 0..n
        io_mask = io_mask & (k <= n)

    x = tl.load(x_ptrs, mask=io_mask, other=float("-inf")).to(tl.float32)

    if CAUSAL:
        off = float("-inf")
        x = tl.where(k > n, off, x)

    if MASK_TYPE is not None:
        if MASK_TYPE == "qk":
            mask_ptrs = M + n * stride_m + k
        elif MASK_TYPE == "bk":
            mask_ptrs = M + m * stride_m + k
        add_mask = tl.load(mask_ptrs, io_mask, other=float("-inf"))
        x += add_mask

    z = x - tl.max(x, axis=0)
    num = tl.exp(z)
    denom = tl.sum(num, axis=0)

    if LOG:
        y = z - tl.log(denom)
    else:
        y = num / denom

    y_ptrs = Y + m * stride_ym + n * stride_yn + k
    tl.store(y_ptrs, y, mask=k < K)


def softmax(x, log=False, causal=False):
    x_ = x if x.ndim == 3 else x.unsqueeze(0)
    x_ = x_.contiguous()
    y = torch.empty_like(x_)
    assert y.stride(2) == 1 and x_.stride(2) == 1
    grid = lambda meta: (y.shape[0], y.shape[1])  # noqa: E731
    _softmax[grid](
        y, x_, None,
        y.stride(0), y.stride(1),
        x_.stride(0), x_.stride(1),
        0,
        x_.shape[2],
        LOG=log,
        MASK_TYPE=None,
        CAUSAL=causal,
    )
    return y.reshape_as(x)
