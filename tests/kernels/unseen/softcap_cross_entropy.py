"""Cross entropy on soft-capped logits (Gemma 2), unsloth flavour: per row,
lse = logsumexp(cap * tanh(x / cap)), loss = lse - cap * tanh(x[label] / cap), and loss = 0 for
rows whose label is the ignore index. The padded lanes are forced back to -inf after capping
(tanh(-inf) would otherwise give -cap)."""

import triton
import triton.language as tl
from triton.language.extra import libdevice


@triton.jit
def _cross_entropy_softcap_forward(
    logits_ptr, logits_row_stride,
    loss_ptr,
    logsumexp_ptr,
    labels_ptr,
    VOCAB_SIZE,
    SOFTCAP,
    BLOCK_SIZE: tl.constexpr,
    IGNORE_INDEX: tl.constexpr,
):
    row_idx = tl.program_id(0)
    logits_ptr += row_idx * logits_row_stride
    loss_ptr += row_idx
    logsumexp_ptr += row_idx
    labels_ptr += row_idx

    col_offsets = tl.arange(0, BLOCK_SIZE)
    mask = col_offsets < VOCAB_SIZE
    label_idx = tl.load(labels_ptr).to(tl.int32)
    logits = tl.load(logits_ptr + col_offsets, mask=mask, other=-float("inf")).to(tl.float32)
    logits = SOFTCAP * libdevice.tanh(logits / SOFTCAP)
    logits = tl.where(mask, logits, -float("inf"))
    c = tl.max(logits, 0)
    logsumexp = c + tl.log(tl.sum(tl.exp(logits - c), 0))

    if label_idx != IGNORE_INDEX:
        x = tl.load(logits_ptr + label_idx).to(tl.float32)
        x = SOFTCAP * libdevice.tanh(x / SOFTCAP)
        loss = logsumexp - x
    else:
        loss = 0.0
    tl.store(logsumexp_ptr, logsumexp)
    tl.store(loss_ptr, loss)
