"""Rotary embedding `q * cos + rotate_half(q) * sin`, rotate_half = cat(-q2, q1), as torch
inductor emits it with dynamic shapes: a pointwise kernel (`triton_poi_...`) over the flat index
`xindex`, decoded with `%` and `//` by the size arguments ks0 (head dim) and ks1 (heads); the
`torch.cat` becomes two masked loads selected by `tmp3 < tmp6` (the column is in the first
half) with `tl.where`, dead comparisons included, constants as `tmpN` variables."""

# ruff: noqa: F841  (inductor output keeps dead assignments; so does this imitation)

import triton
import triton.language as tl


@triton.jit
def triton_poi_fused_add_cat_mul_neg_0(in_ptr0, in_ptr1, in_ptr2, out_ptr0, ks0, ks1, xnumel,
                                       XBLOCK: tl.constexpr):
    xoffset = tl.program_id(0) * XBLOCK
    xindex = xoffset + tl.arange(0, XBLOCK)[:]
    xmask = xindex < xnumel
    x3 = xindex
    x0 = xindex % ks0
    x4 = xindex // ks0
    x2 = xindex // (ks0 * ks1)
    tmp0 = tl.load(in_ptr0 + (x3), xmask, eviction_policy="evict_last")
    tmp1 = tl.load(in_ptr1 + (x0 + ks0 * x2), xmask, eviction_policy="evict_last")
    tmp2 = tmp0 * tmp1
    tmp3 = x0
    tmp4 = tl.full([1], 0, tl.int64)
    tmp5 = tmp3 >= tmp4
    tmp6 = ks0 // 2
    tmp7 = tmp3 < tmp6
    tmp8 = tl.load(in_ptr0 + (ks0 // 2 + ks0 * x4 + (x0)), tmp7 & xmask, eviction_policy="evict_last", other=0.0)
    tmp9 = -tmp8
    tmp10 = tl.full(tmp9.shape, 0.0, tmp9.dtype)
    tmp11 = tl.where(tmp7, tmp9, tmp10)
    tmp12 = tmp3 >= tmp6
    tmp13 = ks0
    tmp14 = tmp3 < tmp13
    tmp15 = tl.load(in_ptr0 + (ks0 * x4 + (x0 + ((-1) * (ks0 // 2)))), tmp12 & xmask,
                    eviction_policy="evict_last", other=0.0)
    tmp16 = tl.where(tmp7, tmp11, tmp15)
    tmp17 = tl.load(in_ptr2 + (x0 + ks0 * x2), xmask, eviction_policy="evict_last")
    tmp18 = tmp16 * tmp17
    tmp19 = tmp2 + tmp18
    tl.store(out_ptr0 + (x3), tmp19, xmask)
