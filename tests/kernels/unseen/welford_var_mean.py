"""Row variance and mean with Welford's algorithm, shaped like an inductor reduction kernel
(`triton_red_fused_var_mean_0`): an [XBLOCK, RBLOCK] tile of per-lane (mean, m2, weight)
updated across a reduction loop, merged with a tuple tl.reduce and a Welford combine function.
var is the population variance (correction 0)."""

import triton
import triton.language as tl


@triton.jit
def _welford_combine(mean_1, m2_1, weight_1, mean_2, m2_2, weight_2):
    delta = mean_2 - mean_1
    new_weight = weight_1 + weight_2
    w2_over_w = tl.where(new_weight == 0.0, 0.0, weight_2 / new_weight)
    return (
        mean_1 + delta * w2_over_w,
        m2_1 + m2_2 + delta * delta * weight_1 * w2_over_w,
        new_weight,
    )


@triton.jit
def triton_red_fused_var_mean_0(in_ptr0, out_ptr0, out_ptr1, xnumel, rnumel,
                                XBLOCK: tl.constexpr, RBLOCK: tl.constexpr):
    xoffset = tl.program_id(0) * XBLOCK
    xindex = xoffset + tl.arange(0, XBLOCK)[:, None]
    xmask = xindex < xnumel
    rbase = tl.arange(0, RBLOCK)[None, :]
    x0 = xindex
    tmp_mean = tl.zeros([XBLOCK, RBLOCK], tl.float32)
    tmp_m2 = tl.zeros([XBLOCK, RBLOCK], tl.float32)
    tmp_weight = tl.zeros([XBLOCK, RBLOCK], tl.float32)
    for roffset in range(0, rnumel, RBLOCK):
        rindex = roffset + rbase
        rmask = rindex < rnumel
        r1 = rindex
        tmp0 = tl.load(in_ptr0 + (r1 + (rnumel * x0)), rmask & xmask, other=0.0)
        upd_weight = tmp_weight + 1.0
        delta = tmp0 - tmp_mean
        upd_mean = tmp_mean + delta / upd_weight
        upd_m2 = tmp_m2 + delta * (tmp0 - upd_mean)
        tmp_mean = tl.where(rmask & xmask, upd_mean, tmp_mean)
        tmp_m2 = tl.where(rmask & xmask, upd_m2, tmp_m2)
        tmp_weight = tl.where(rmask & xmask, upd_weight, tmp_weight)
    tmp_mean_r, tmp_m2_r, tmp_weight_r = tl.reduce((tmp_mean, tmp_m2, tmp_weight), 1, _welford_combine)
    tl.store(out_ptr0 + (x0), tmp_mean_r[:, None], xmask)
    tl.store(out_ptr1 + (x0), (tmp_m2_r / rnumel)[:, None], xmask)
