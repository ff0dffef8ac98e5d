"""NeoX-style rotary embedding on a [T, H, 2 * HALF] tensor: the head dimension is split in two
halves x1, x2 and out = [x1 cos - x2 sin, x2 cos + x1 sin], with cos/sin tables [T, HALF].
Grid (token, head); two stores per program, one per half."""

import triton
import triton.language as tl


@triton.jit
def rotary_neox_kernel(
    q_ptr, cos_ptr, sin_ptr, out_ptr,
    stride_qt, stride_qh,
    stride_ot, stride_oh,
    stride_cs,
    half_dim,
    BLOCK_HALF: tl.constexpr,
):
    t = tl.program_id(0)
    h = tl.program_id(1)
    offs = tl.arange(0, BLOCK_HALF)
    m = offs < half_dim
    q_row = q_ptr + t * stride_qt + h * stride_qh
    o_row = out_ptr + t * stride_ot + h * stride_oh
    x1 = tl.load(q_row + offs, mask=m, other=0.0).to(tl.float32)
    x2 = tl.load(q_row + half_dim + offs, mask=m, other=0.0).to(tl.float32)
    cos = tl.load(cos_ptr + t * stride_cs + offs, mask=m, other=0.0)
    sin = tl.load(sin_ptr + t * stride_cs + offs, mask=m, other=0.0)
    tl.store(o_row + offs, x1 * cos - x2 * sin, mask=m)
    tl.store(o_row + half_dim + offs, x2 * cos + x1 * sin, mask=m)
