"""max and argmax over the last dimension as torch inductor emits `torch.max(x, dim=-1)`: a
looped reduction with a per-lane (value, index) pair, `_tmp2` starting at -inf and `_tmp2_index`
at the largest int64, updated by the helper `maximum_with_index` (larger value, or equal value
with the smaller index) under `tl.where(r0_mask & xmask, ...)`, then reduced across lanes by
`max_with_index` (a `tl.reduce` over the pair with the same combine function)."""

import triton
import triton.language as tl
from tests.kernels.idioms import inductor_helpers as triton_helpers


@triton.jit
def triton_red_fused_max_0(in_ptr0, out_ptr0, out_ptr1, xnumel, r0_numel,
                           XBLOCK: tl.constexpr, R0_BLOCK: tl.constexpr):
    xoffset = tl.program_id(0) * XBLOCK
    xindex = xoffset + tl.arange(0, XBLOCK)[:, None]
    xmask = xindex < xnumel
    r0_base = tl.arange(0, R0_BLOCK)[None, :]
    x0 = xindex
    _tmp2 = tl.full([XBLOCK, R0_BLOCK], float("-inf"), tl.float32)
    _tmp2_index = tl.full([XBLOCK, R0_BLOCK], 9223372036854775807, tl.int64)
    for r0_offset in range(0, r0_numel, R0_BLOCK):
        r0_index = r0_offset + r0_base
        r0_mask = r0_index < r0_numel
        r0_1 = r0_index
        tmp0 = tl.load(in_ptr0 + (r0_1 + r0_numel * x0), r0_mask & xmask, eviction_policy="evict_first", other=0.0)
        tmp1 = tl.broadcast_to(tmp0, [XBLOCK, R0_BLOCK])
        _tmp2_next, _tmp2_index_next = triton_helpers.maximum_with_index(
            _tmp2, _tmp2_index, tmp1, r0_index
        )
        _tmp2 = tl.where(r0_mask & xmask, _tmp2_next, _tmp2)
        _tmp2_index = tl.where(r0_mask & xmask, _tmp2_index_next, _tmp2_index)
    tmp2_val, tmp2_idx = triton_helpers.max_with_index(_tmp2, _tmp2_index, 1)
    tmp2 = tmp2_val[:, None]
    tmp3 = tmp2_idx[:, None]
    tl.store(out_ptr0 + (x0), tmp2, xmask)
    tl.store(out_ptr1 + (x0), tmp3, xmask)
