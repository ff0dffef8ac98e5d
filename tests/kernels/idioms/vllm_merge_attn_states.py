"""Merge two partial attention results by their log-sum-exps, in the style of vLLM's
attention/ops/triton_merge_attn_states.py: grid (token, head); each program reads the prefix and
suffix LSE scalars (an LSE of +inf, from an empty partial, is turned into -inf with a scalar
conditional expression), rescales both head vectors by exp(lse - max) / sum and optionally writes
the merged LSE. The head dim is padded to a power of two; masked loads have no `other`."""

import triton
import triton.language as tl


@triton.jit
def merge_attn_states_kernel(
    output,  # [NUM_TOKENS, NUM_HEADS, HEAD_SIZE]
    output_lse,  # [NUM_HEADS, NUM_TOKENS]
    prefix_output,  # [NUM_TOKENS, NUM_HEADS, HEAD_SIZE]
    prefix_lse,  # [NUM_HEADS, NUM_TOKENS]
    suffix_output,  # [NUM_TOKENS, NUM_HEADS, HEAD_SIZE]
    suffix_lse,  # [NUM_HEADS, NUM_TOKENS]
    HEAD_SIZE: tl.constexpr,
    PADDED_HEAD_SIZE: tl.constexpr,
    OUTPUT_LSE: tl.constexpr,
):
    token_idx = tl.program_id(0)
    num_tokens = tl.num_programs(0)
    head_idx = tl.program_id(1)
    num_heads = tl.num_programs(1)

    p_lse = tl.load(prefix_lse + head_idx * num_tokens + token_idx)
    s_lse = tl.load(suffix_lse + head_idx * num_tokens + token_idx)
    # an empty partial has lse = +inf: count it as -inf (weight 0)
    p_lse = float("-inf") if p_lse == float("inf") else p_lse
    s_lse = float("-inf") if s_lse == float("inf") else s_lse

    max_lse = tl.maximum(p_lse, s_lse)
    p_lse = p_lse - max_lse
    s_lse = s_lse - max_lse
    p_se = tl.exp(p_lse)
    s_se = tl.exp(s_lse)
    out_se = p_se + s_se

    if OUTPUT_LSE:
        out_lse = tl.log(out_se) + max_lse
        tl.store(output_lse + head_idx * num_tokens + token_idx, out_lse)

    head_arange = tl.arange(0, PADDED_HEAD_SIZE)
    head_mask = head_arange < HEAD_SIZE
    row = token_idx * num_heads * HEAD_SIZE + head_idx * HEAD_SIZE
    p_out = tl.load(prefix_output + row + head_arange, mask=head_mask)
    s_out = tl.load(suffix_output + row + head_arange, mask=head_mask)

    p_scale = p_se / out_se
    s_scale = s_se / out_se
    out = p_out * p_scale + s_out * s_scale
    tl.store(output + row + head_arange, out, mask=head_mask)


def merge_attn_states(output, prefix_output, prefix_lse, suffix_output, suffix_lse, output_lse=None):
    num_tokens, num_query_heads, head_size = output.shape
    padded_head_size = triton.next_power_of_2(head_size)
    merge_attn_states_kernel[(num_tokens, num_query_heads)](
        output, output_lse, prefix_output, prefix_lse, suffix_output, suffix_lse,
        head_size, padded_head_size, output_lse is not None,
    )

