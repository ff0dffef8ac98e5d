"""A full `x.sum()` of a long 1-D tensor as torch inductor splits it: a first looped reduction
kernel where each of the 64 x-rows reduces one contiguous split of ceil(ks0 / 64) elements
(`xnumel = 64` assigned in the body, the in-bounds test `r0_1 + x0 * ((63 + ks0) // 64) < ks0`
as a tmp, the load index taken `% ks0`), writing 64 partials; then a persistent reduction
kernel (`triton_per_...`, `R0_BLOCK: tl.constexpr = 64` assigned in the body, no masks) sums
the partials into a 0-d output."""

# ruff: noqa: F841  (inductor output keeps dead assignments; so does this imitation)

import triton
import triton.language as tl


@triton.jit
def triton_red_fused_sum_0(in_ptr0, out_ptr0, ks0, xnumel, r0_numel,
                           XBLOCK: tl.constexpr, R0_BLOCK: tl.constexpr):
    xnumel = 64
    xoffset = tl.program_id(0) * XBLOCK
    xindex = xoffset + tl.arange(0, XBLOCK)[:, None]
    xmask = xindex < xnumel
    r0_base = tl.arange(0, R0_BLOCK)[None, :]
    x0 = xindex
    _tmp5 = tl.full([XBLOCK, R0_BLOCK], 0, tl.float32)
    for r0_offset in range(0, r0_numel, R0_BLOCK):
        r0_index = r0_offset + r0_base
        r0_mask = r0_index < r0_numel
        r0_1 = r0_index
        tmp0 = r0_1 + x0 * ((63 + ks0) // 64)
        tmp1 = ks0
        tmp2 = tmp0 < tmp1
        tmp3 = tl.load(in_ptr0 + ((r0_1 + x0 * ((63 + ks0) // 64)) % ks0), r0_mask & tmp2 & xmask,
                       eviction_policy="evict_first", other=0.0)
        tmp4 = tl.broadcast_to(tmp3, [XBLOCK, R0_BLOCK])
        tmp6 = _tmp5 + tmp4
        _tmp5 = tl.where(r0_mask & xmask, tmp6, _tmp5)
    tmp5 = tl.sum(_tmp5, 1)[:, None]
    tl.store(out_ptr0 + (x0), tmp5, xmask)


@triton.jit
def triton_per_fused_sum_1(in_ptr0, out_ptr0, xnumel, r0_numel, XBLOCK: tl.constexpr):
    xnumel = 1
    r0_numel = 64
    R0_BLOCK: tl.constexpr = 64
    xoffset = tl.program_id(0) * XBLOCK
    xindex = xoffset + tl.arange(0, XBLOCK)[:, None]
    xmask = tl.full([XBLOCK, R0_BLOCK], True, tl.int1)
    r0_index = tl.arange(0, R0_BLOCK)[None, :]
    r0_offset = 0
    r0_mask = tl.full([XBLOCK, R0_BLOCK], True, tl.int1)
    r0_0 = r0_index
    tmp0 = tl.load(in_ptr0 + (r0_0), None)
    tmp1 = tl.broadcast_to(tmp0, [XBLOCK, R0_BLOCK])
    tmp3 = tl.sum(tmp1, 1)[:, None]
    tl.store(out_ptr0 + (tl.full([XBLOCK, 1], 0, tl.int32)), tmp3, None)
