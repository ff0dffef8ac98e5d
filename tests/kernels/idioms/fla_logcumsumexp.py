"""Log-cumsum-exp along time with a carry across chunks, in the style of fla's
ops/utils/logcumsumexp.py (`logcumsumexp_fwd_kernel`): one program per (batch*head) walks chunks
of BT rows of an [T, S] slab; the chunk's running max b_mc (per column) is merged with the carried
max b_mp, the carried sum b_zp is rescaled, the in-chunk prefix sums are one `tl.dot` with a
lower-triangular 0/1 matrix, and the new carry is the chunk's last (largest) prefix sum. Padded
rows load 0 (like a block pointer's boundary_check) and only affect rows that are not stored.
BT is autotuned; the column block BS = next_power_of_2(S), at least 16 for `tl.dot`."""

import torch
import triton
import triton.language as tl


@triton.autotune(
    configs=[
        triton.Config({"BT": BT}, num_warps=num_warps)
        for BT in [16, 32, 64]
        for num_warps in [2, 4, 8]
    ],
    key=["S"],
)
@triton.jit(do_not_specialize=["T"])
def logcumsumexp_fwd_kernel(
    s,
    z,
    T,
    S: tl.constexpr,
    BT: tl.constexpr,
    BS: tl.constexpr,
):
    i_bh = tl.program_id(0)
    o_i = tl.arange(0, BT)
    o_s = tl.arange(0, BS)
    m_s = tl.where(o_i[:, None] >= o_i[None, :], 1., 0.)

    b_mp = tl.full([BS,], float("-inf"), dtype=tl.float32)
    b_zp = tl.zeros([BS,], dtype=tl.float32)
    for i_t in range(tl.cdiv(T, BT)):
        o_t = i_t * BT + o_i
        m_ts = (o_t[:, None] < T) & (o_s[None, :] < S)
        p_s = s + i_bh * T * S + o_t[:, None] * S + o_s[None, :]
        p_z = z + i_bh * T * S + o_t[:, None] * S + o_s[None, :]
        # [BT, BS]
        b_s = tl.load(p_s, mask=m_ts, other=0).to(tl.float32)
        # [BS,]
        b_mc = tl.max(b_s, 0)
        b_mc = tl.maximum(b_mp, b_mc)
        b_zp = b_zp * tl.exp(b_mp - b_mc)
        # [BT, BS]
        b_s = tl.exp(b_s - b_mc)
        b_z = tl.dot(m_s, b_s, input_precision="ieee") + b_zp
        # [BS,]
        b_zc = tl.max(b_z, 0)
        b_mp = b_mc
        b_zp = b_zc
        # [BT, BS]
        b_z = tl.log(tl.where(b_z != 0, b_z, 1e-20)) + b_mc
        tl.store(p_z, b_z.to(p_z.dtype.element_ty), mask=m_ts)


def logcumsumexp_fwd(x):
    B, H, T, S = x.shape
    z = torch.empty_like(x, dtype=torch.float)
    BS = max(triton.next_power_of_2(S), 16)
    logcumsumexp_fwd_kernel[(B * H,)](x, z, T=T, S=S, BS=BS)
    return z
