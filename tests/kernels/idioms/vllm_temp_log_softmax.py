"""Log-probabilities of temperature-scaled logits for a padded batch, in the style of vLLM's
v1 sampler Triton kernels: the launch covers the batch padded to a CUDA-graph size, so programs
past the real number of requests `return` at once; each row is processed in fixed
BLOCK_SIZE = 1024 vocabulary chunks, with a scalar online max / sum (starting at -inf / 0) in a
first loop and the normalised log-probabilities written in a second loop."""

import torch
import triton
import triton.language as tl


@triton.jit
def _temperature_log_softmax_kernel(
    logprobs_ptr,
    logprobs_stride,
    logits_ptr,
    logits_stride,
    temperature_ptr,
    num_reqs,
    vocab_size,
    BLOCK_SIZE: tl.constexpr,
):
    req_idx = tl.program_id(0)
    if req_idx >= num_reqs:
        # a padding slot of the captured graph
        return

    temp = tl.load(temperature_ptr + req_idx)
    row = logits_ptr + req_idx * logits_stride

    max_val = float("-inf")
    sum_exp = 0.0
    for i in range(0, vocab_size, BLOCK_SIZE):
        block = i + tl.arange(0, BLOCK_SIZE)
        mask = block < vocab_size
        logits = tl.load(row + block, mask=mask, other=float("-inf"))
        logits = logits / temp
        new_max = tl.maximum(max_val, tl.max(logits))
        sum_exp = sum_exp * tl.exp(max_val - new_max) + tl.sum(tl.exp(logits - new_max))
        max_val = new_max
    lse = max_val + tl.log(sum_exp)

    out_row = logprobs_ptr + req_idx * logprobs_stride
    for i in range(0, vocab_size, BLOCK_SIZE):
        block = i + tl.arange(0, BLOCK_SIZE)
        mask = block < vocab_size
        logits = tl.load(row + block, mask=mask)
        tl.store(out_row + block, logits / temp - lse, mask=mask)


def _padded_batch(n):
    # batch sizes are padded to the next CUDA-graph capture size (multiples of 8 here)
    return triton.cdiv(n, 8) * 8


def compute_logprobs(logits, temperature):
    num_reqs, vocab_size = logits.shape
    logprobs = torch.empty_like(logits, dtype=torch.float32)
    _temperature_log_softmax_kernel[(_padded_batch(num_reqs),)](
        logprobs, logprobs.stride(0), logits, logits.stride(0), temperature,
        num_reqs, vocab_size, BLOCK_SIZE=1024,
    )
    return logprobs
