"""Embedding backward as a scatter-add: grad_weight[idx[i], :] += grad_out[i, :], one program per
(token, column block), tl.atomic_add at a data-dependent row. grad_weight is zero-filled by the
host (spec: init = 0)."""

import triton
import triton.language as tl


@triton.jit
def embedding_backward_kernel(grad_out_ptr, indices_ptr, grad_weight_ptr, dim,
                              BLOCK_D: tl.constexpr):
    tok = tl.program_id(0)
    pid_d = tl.program_id(1)
    cols = pid_d * BLOCK_D + tl.arange(0, BLOCK_D)
    mask = cols < dim
    row = tl.load(indices_ptr + tok).to(tl.int64)
    g = tl.load(grad_out_ptr + tok * dim + cols, mask=mask, other=0.0)
    tl.atomic_add(grad_weight_ptr + row * dim + cols, g, mask=mask)
