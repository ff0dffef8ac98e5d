"""Second stage of split-KV decode attention, in the style of vLLM's
attention/ops/triton_decode_attention.py (`_fwd_kernel_stage2`): program (batch, head) merges
NUM_KV_SPLITS partial results, each stored as Lv values followed by its log-sum-exp in one row of
`Mid_O` [batch, head, split, Lv + 1]. The sequence length is read from memory; splits that got
no keys (`split_kv_end <= split_kv_start`) are skipped by a data-dependent `if`. An online
softmax with scalar running max `e_max` (starting at -inf) and sum `e_sum` rescales the
accumulator."""

import triton
import triton.language as tl


@triton.jit
def _fwd_kernel_stage2(
    Mid_O,
    o,
    B_Seqlen,
    stride_mid_ob,
    stride_mid_oh,
    stride_mid_os,
    stride_obs,
    stride_oh,
    NUM_KV_SPLITS: tl.constexpr,
    BLOCK_DV: tl.constexpr,
    Lv: tl.constexpr,
):
    cur_batch = tl.program_id(0)
    cur_head = tl.program_id(1)

    cur_batch_seq_len = tl.load(B_Seqlen + cur_batch)

    offs_d = tl.arange(0, BLOCK_DV)
    mask_d = offs_d < Lv

    e_sum = 0.0
    e_max = -float("inf")
    acc = tl.zeros([BLOCK_DV], dtype=tl.float32)

    offs_v = cur_batch * stride_mid_ob + cur_head * stride_mid_oh + offs_d
    offs_logic = cur_batch * stride_mid_ob + cur_head * stride_mid_oh + Lv

    for split_kv_id in range(0, NUM_KV_SPLITS):
        kv_len_per_split = tl.cdiv(cur_batch_seq_len, NUM_KV_SPLITS)
        split_kv_start = kv_len_per_split * split_kv_id
        split_kv_end = tl.minimum(split_kv_start + kv_len_per_split, cur_batch_seq_len)

        if split_kv_end > split_kv_start:
            tv = tl.load(Mid_O + offs_v + split_kv_id * stride_mid_os, mask=mask_d, other=0.0)
            tlogic = tl.load(Mid_O + offs_logic + split_kv_id * stride_mid_os)
            n_e_max = tl.maximum(tlogic, e_max)

            old_scale = tl.exp(e_max - n_e_max)
            acc *= old_scale
            exp_logic = tl.exp(tlogic - n_e_max)
            acc += exp_logic * tv

            e_sum = e_sum * old_scale + exp_logic
            e_max = n_e_max

    tl.store(
        o + cur_batch * stride_obs + cur_head * stride_oh + offs_d,
        acc / e_sum,
        mask=mask_d,
    )


def decode_softmax_reducev_fwd(logits, o, b_seq_len, num_kv_splits):
    batch, head_num = o.shape[0], o.shape[1]
    Lv = o.shape[-1]
    BLOCK_DV = triton.next_power_of_2(Lv)
    grid = (batch, head_num)
    _fwd_kernel_stage2[grid](
        logits, o, b_seq_len,
        logits.stride(0), logits.stride(1), logits.stride(2),
        o.stride(0), o.stride(1),
        NUM_KV_SPLITS=num_kv_splits, BLOCK_DV=BLOCK_DV, Lv=Lv,
        num_warps=4, num_stages=2,
    )

