"""softmax over the last dimension as torch inductor emits it with online softmax enabled: one
r0 loop keeps per-lane (max, sum) tiles updated by the helper `online_softmax_combine` (masked
with `tl.where(r0_mask & xmask, ...)`), `online_softmax_reduce` merges the lanes with a
`tl.reduce` over the pair, and a second r0 loop writes exp(x - max) / sum."""

import triton
import triton.language as tl
from tests.kernels.idioms import inductor_helpers as triton_helpers
from tests.kernels.idioms.inductor_helpers import math as tl_math


@triton.jit
def triton_red_fused__softmax_0(in_ptr0, out_ptr2, xnumel, r0_numel,
                                XBLOCK: tl.constexpr, R0_BLOCK: tl.constexpr):
    xoffset = tl.program_id(0) * XBLOCK
    xindex = xoffset + tl.arange(0, XBLOCK)[:, None]
    xmask = xindex < xnumel
    r0_base = tl.arange(0, R0_BLOCK)[None, :]
    x0 = xindex
    _tmp1_max = tl.full([XBLOCK, R0_BLOCK], float("-inf"), tl.float32)
    _tmp1_sum = tl.zeros([XBLOCK, R0_BLOCK], tl.float32)
    for r0_offset in range(0, r0_numel, R0_BLOCK):
        r0_index = r0_offset + r0_base
        r0_mask = r0_index < r0_numel
        r0_1 = r0_index
        tmp0 = tl.load(in_ptr0 + (r0_1 + r0_numel * x0), r0_mask & xmask, eviction_policy="evict_last", other=0.0)
        _tmp1_max_next, _tmp1_sum_next = triton_helpers.online_softmax_combine(
            _tmp1_max, _tmp1_sum, tmp0, False
        )
        _tmp1_max = tl.where(r0_mask & xmask, _tmp1_max_next, _tmp1_max)
        _tmp1_sum = tl.where(r0_mask & xmask, _tmp1_sum_next, _tmp1_sum)
    tmp1, tmp2 = triton_helpers.online_softmax_reduce(_tmp1_max, _tmp1_sum, 1, False)
    tmp1 = tmp1[:, None]
    tmp2 = tmp2[:, None]
    for r0_offset in range(0, r0_numel, R0_BLOCK):
        r0_index = r0_offset + r0_base
        r0_mask = r0_index < r0_numel
        r0_1 = r0_index
        tmp3 = tl.load(in_ptr0 + (r0_1 + r0_numel * x0), r0_mask & xmask, eviction_policy="evict_first", other=0.0)
        tmp4 = tmp3 - tmp1
        tmp5 = tl_math.exp(tmp4)
        tmp6 = tmp5 / tmp2
        tl.store(out_ptr2 + (r0_1 + r0_numel * x0), tmp6, r0_mask & xmask)
