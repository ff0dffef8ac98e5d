"""Cross entropy with the gradient written in place of the logits, in the style of Liger-Kernel's
ops/cross_entropy.py: one program per row (`tl.program_id(0).to(tl.int64)`, pointer bumps by
row stride), rows whose target is `ignore_index` zero their gradient in a loop and `return`; the
others run an online softmax over column blocks with scalar running max `m` (starting at -inf)
and normaliser `d`, then a second loop overwrites the logits with softmax - onehot (divided by the
number of non-ignored rows for reduction="mean"). BLOCK_SIZE = min(32768, next_pow2(V))."""

import torch
import triton
import triton.language as tl

MAX_FUSED_SIZE = 65536 // 2


@triton.jit
def liger_cross_entropy_kernel(
    X_ptr,
    X_stride,
    Y_ptr,
    Y_stride,
    loss_ptr,
    loss_stride,
    n_cols,
    n_non_ignore,
    ignore_index,
    reduction: tl.constexpr,
    BLOCK_SIZE: tl.constexpr,
):
    program_id = tl.program_id(0).to(tl.int64)

    Y_ptr += program_id * Y_stride
    y = tl.load(Y_ptr)

    X_ptr += program_id * X_stride

    if y == ignore_index:
        # an ignored row: no loss, zero gradient
        for i in range(0, n_cols, BLOCK_SIZE):
            X_offsets = i + tl.arange(0, BLOCK_SIZE)
            tl.store(X_ptr + X_offsets, 0.0, mask=X_offsets < n_cols)
        return

    loss_ptr += program_id * loss_stride

    # pass 1: running max m and normaliser d = sum exp(x - m)
    m = float("-inf")
    d = 0.0
    ori_X_y = tl.load(X_ptr + y).cast(tl.float32)

    for i in range(0, n_cols, BLOCK_SIZE):
        X_offsets = i + tl.arange(0, BLOCK_SIZE)
        X_block = tl.load(X_ptr + X_offsets, mask=X_offsets < n_cols, other=float("-inf")).cast(tl.float32)
        block_max = tl.max(X_block)
        m_new = tl.maximum(m, block_max)
        d = d * tl.exp(m - m_new) + tl.sum(tl.exp(X_block - m_new))
        m = m_new

    # pass 2: the gradient softmax(x) - onehot(y), in place
    for i in range(0, n_cols, BLOCK_SIZE):
        X_offsets = i + tl.arange(0, BLOCK_SIZE)
        X_block = tl.load(X_ptr + X_offsets, mask=X_offsets < n_cols, other=float("-inf")).cast(tl.float32)
        if reduction == "mean":
            X_block = (tl.exp(X_block - m) / d) / n_non_ignore
        else:
            X_block = tl.exp(X_block - m) / d
        tl.store(X_ptr + X_offsets, X_block, mask=X_offsets < n_cols)

    # the target's entry gets the -1 of the one-hot (after the block loop, as a scalar store)
    tl.debug_barrier()
    X_y = tl.load(X_ptr + y)
    if reduction == "mean":
        X_y = X_y - 1 / n_non_ignore
    else:
        X_y = X_y - 1
    tl.store(X_ptr + y, X_y)

    loss = -(ori_X_y - m - tl.log(d))
    if reduction == "mean":
        loss = loss / n_non_ignore
    tl.store(loss_ptr, loss)


def cross_entropy_forward(_input, target, ignore_index=-100, reduction="mean"):
    BT, V = _input.shape
    n_rows = BT
    BLOCK_SIZE = min(MAX_FUSED_SIZE, triton.next_power_of_2(V))
    loss_1d = torch.zeros(n_rows, dtype=torch.float32, device=_input.device)
    n_non_ignore = (target != ignore_index).sum().item()
    if _input.stride(-1) != 1:
        _input = _input.contiguous()
    liger_cross_entropy_kernel[(n_rows,)](
        X_ptr=_input,
        X_stride=_input.stride(-2),
        Y_ptr=target,
        Y_stride=target.stride(-1),
        loss_ptr=loss_1d,
        loss_stride=loss_1d.stride(-1),
        n_cols=V,
        n_non_ignore=n_non_ignore,
        ignore_index=ignore_index,
        reduction=reduction,
        BLOCK_SIZE=BLOCK_SIZE,
        num_warps=32,
    )
    loss = torch.sum(loss_1d)
    return loss, _input
