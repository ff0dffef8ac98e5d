"""Cross-entropy forward over one vocabulary-sized block per row, in the style of unsloth's
kernels/cross_entropy_loss.py: pointer bumps by `row_idx * stride` (cast to int64), the label is
loaded as a scalar, optional logit scaling (Cohere) and softcapping (Gemma 2) switched by
constexprs, the log-sum-exp saved for the backward pass and `label == -100` rows given loss 0."""

import torch
import triton
import triton.language as tl
from triton.language.extra import libdevice

triton_tanh = libdevice.tanh
MAX_FUSED_SIZE = 65536


@triton.jit
def triton_cast(x, dtype):
    return x.to(dtype)


@triton.heuristics({
    "DO_SOFTCAPPING": lambda args: bool(args["DO_SOFTCAPPING"]),
    "DO_LOGIT_SCALING": lambda args: bool(args["DO_LOGIT_SCALING"]),
})
@triton.jit
def _cross_entropy_forward(
    logits_ptr,
    logits_row_stride,
    loss_ptr,
    logsumexp_ptr,
    labels_ptr,
    VOCAB_SIZE: tl.constexpr,
    BLOCK_SIZE: tl.constexpr,
    DO_SOFTCAPPING: tl.constexpr,
    SOFTCAP: tl.constexpr,
    DO_LOGIT_SCALING: tl.constexpr,
    LOGIT_SCALE: tl.constexpr,
):
    # loss[row] = logsumexp(z[row, :]) - z[row, label], z the (scaled, capped) logits
    row_idx = tl.program_id(0)
    logits_ptr += row_idx * triton_cast(logits_row_stride, tl.int64)
    loss_ptr += row_idx
    logsumexp_ptr += row_idx
    labels_ptr += row_idx

    col_offsets = tl.arange(0, BLOCK_SIZE)
    mask = col_offsets < VOCAB_SIZE

    label_idx = tl.load(labels_ptr).to(tl.int32)
    logits = tl.load(logits_ptr + col_offsets, mask=mask, other=-float("inf")).to(tl.float32)

    if DO_LOGIT_SCALING:
        logits = LOGIT_SCALE * logits
    if DO_SOFTCAPPING:
        logits = SOFTCAP * triton_tanh(logits / SOFTCAP)
        logits = tl.where(mask, logits, -float("inf"))

    c = tl.max(logits, 0)
    logsumexp = c + tl.log(tl.sum(tl.exp(logits - c), 0))

    if label_idx != -100:
        x = tl.load(logits_ptr + label_idx).to(tl.float32)
        if DO_LOGIT_SCALING:
            x = LOGIT_SCALE * x
        if DO_SOFTCAPPING:
            x = SOFTCAP * triton_tanh(x / SOFTCAP)
        loss = logsumexp - x
    else:
        loss = 0.0
    tl.store(logsumexp_ptr, logsumexp)
    tl.store(loss_ptr, loss)


def cross_entropy_forward(logits, labels, logit_softcapping=0, logit_scaling=0):
    n_rows, vocab_size = logits.shape
    if vocab_size > MAX_FUSED_SIZE:
        raise NotImplementedError("the chunked kernel handles vocabularies above 65536")
    BLOCK_SIZE = triton.next_power_of_2(vocab_size)
    losses = torch.empty(n_rows, dtype=torch.float32, device=logits.device)
    logsumexp = torch.empty(n_rows, dtype=torch.float32, device=logits.device)
    _cross_entropy_forward[(n_rows,)](
        logits, logits.stride(0),
        losses,
        logsumexp,
        labels,
        VOCAB_SIZE=vocab_size,
        BLOCK_SIZE=BLOCK_SIZE,
        DO_SOFTCAPPING=logit_softcapping != 0,
        SOFTCAP=logit_softcapping,
        DO_LOGIT_SCALING=logit_scaling != 0,
        LOGIT_SCALE=logit_scaling,
        num_warps=32,
    )
    return losses, logsumexp
