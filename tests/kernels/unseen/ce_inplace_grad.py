"""Cross entropy forward + backward in one pass, the gradient written over the logits in place
(as memory-saving CE kernels do). Rows whose label is the ignore index get zero loss and zero
gradient and leave early with `return`. loss and grad are multiplied by `scale` (1 / number of
non-ignored rows, computed on the host)."""

import triton
import triton.language as tl


@triton.jit
def _ce_fwd_bwd_inplace(logits_ptr, stride, labels_ptr, loss_ptr, n_cols, scale, ignore_index,
                        BLOCK: tl.constexpr):
    row = tl.program_id(0).to(tl.int64)
    logits_ptr += row * stride
    label = tl.load(labels_ptr + row)
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    if label == ignore_index:
        tl.store(logits_ptr + cols, tl.zeros([BLOCK], dtype=tl.float32), mask=mask)
        tl.store(loss_ptr + row, 0.0)
        return
    x = tl.load(logits_ptr + cols, mask=mask, other=float("-inf")).to(tl.float32)
    m = tl.max(x, axis=0)
    e = tl.exp(x - m)
    s = tl.sum(e, axis=0)
    x_label = tl.load(logits_ptr + label).to(tl.float32)
    loss = tl.log(s) + m - x_label
    grad = (e / s - tl.where(cols == label, 1.0, 0.0)) * scale
    tl.store(logits_ptr + cols, grad, mask=mask)
    tl.store(loss_ptr + row, loss * scale)
