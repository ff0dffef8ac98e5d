"""RMSNorm as torch inductor would emit it for
`x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * w` with a dynamic row length: a
looped reduction kernel (`triton_red_...`) with XBLOCK rows x R0_BLOCK columns, a masked
per-lane accumulator `_tmp3` updated with `tl.where(r0_mask & xmask, ...)`, the reduced value
turned into rstd (stored in place into an `in_out_ptr0` buffer), then a second r0 loop writing
the normalised, weighted output. eps is a literal, as inductor inlines it."""

# ruff: noqa: F841  (inductor output keeps dead assignments; so does this imitation)

import triton
import triton.language as tl
from tests.kernels.idioms.inductor_helpers import libdevice


@triton.jit
def triton_red_fused_add_mean_mul_pow_rsqrt_0(in_out_ptr0, in_ptr0, in_ptr1, out_ptr0, xnumel, r0_numel,
                                              XBLOCK: tl.constexpr, R0_BLOCK: tl.constexpr):
    rnumel = r0_numel
    RBLOCK: tl.constexpr = R0_BLOCK
    xoffset = tl.program_id(0) * XBLOCK
    xindex = xoffset + tl.arange(0, XBLOCK)[:, None]
    xmask = xindex < xnumel
    r0_base = tl.arange(0, R0_BLOCK)[None, :]
    rbase = r0_base
    x0 = xindex
    _tmp3 = tl.full([XBLOCK, R0_BLOCK], 0, tl.float32)
    for r0_offset in range(0, r0_numel, R0_BLOCK):
        r0_index = r0_offset + r0_base
        r0_mask = r0_index < r0_numel
        roffset = r0_offset
        rindex = r0_index
        r0_1 = r0_index
        tmp0 = tl.load(in_ptr0 + (r0_1 + r0_numel * x0), r0_mask & xmask, eviction_policy="evict_last", other=0.0)
        tmp1 = tmp0 * tmp0
        tmp2 = tl.broadcast_to(tmp1, [XBLOCK, R0_BLOCK])
        tmp4 = _tmp3 + tmp2
        _tmp3 = tl.where(r0_mask & xmask, tmp4, _tmp3)
    tmp3 = tl.sum(_tmp3, 1)[:, None]
    tmp5 = r0_numel
    tmp6 = tmp5.to(tl.float32)
    tmp7 = tmp3 / tmp6
    tmp8 = 1e-06
    tmp9 = tmp7 + tmp8
    tmp10 = libdevice.rsqrt(tmp9)
    tl.debug_barrier()
    tl.store(in_out_ptr0 + (x0), tmp10, xmask)
    for r0_offset in range(0, r0_numel, R0_BLOCK):
        r0_index = r0_offset + r0_base
        r0_mask = r0_index < r0_numel
        roffset = r0_offset
        rindex = r0_index
        r0_1 = r0_index
        tmp11 = tl.load(in_ptr0 + (r0_1 + r0_numel * x0), r0_mask & xmask, eviction_policy="evict_first", other=0.0)
        tmp13 = tl.load(in_ptr1 + (r0_1), r0_mask, eviction_policy="evict_last", other=0.0)
        tmp12 = tmp11 * tmp10
        tmp14 = tmp12 * tmp13
        tl.store(out_ptr0 + (r0_1 + r0_numel * x0), tmp14, r0_mask & xmask)
