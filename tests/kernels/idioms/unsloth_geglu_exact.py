"""GEGLU forward with the exact (erf) GELU, in the style of unsloth's kernels/geglu.py: one flat
launch over every element of the [batch, seq, hidden] gate, BLOCK_SIZE fixed at 1024 by the host,
`tl.math.erf(tl.math.rsqrt(2.0) * e)`, the GELU cast back to the up projection's dtype."""

import torch
import triton
import triton.language as tl


@triton.jit
def _exact_forward_kernel(e, g, h, n_elements, BLOCK_SIZE: tl.constexpr):
    block_idx = tl.program_id(0)
    offsets = block_idx * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements

    # out = gelu(gate) * up, gelu(x) = x/2 * (1 + erf(x / sqrt(2)))
    e_row = tl.load(e + offsets, mask=mask, other=0).to(tl.float32)
    g_row = tl.load(g + offsets, mask=mask, other=0)

    f_row = 0.5 * e_row * (tl.math.erf(tl.math.rsqrt(2.0) * e_row) + 1.0)
    f_row = f_row.to(g_row.dtype)
    h_row = f_row * g_row

    tl.store(h + offsets, h_row, mask=mask)


def geglu_exact_forward_kernel(gate, up):
    batch, seq_len, hd = gate.shape
    n_elements = gate.numel()
    out = torch.empty((batch, seq_len, hd), dtype=gate.dtype, device=gate.device)
    grid = lambda meta: (triton.cdiv(n_elements, meta["BLOCK_SIZE"]),)  # noqa: E731
    _exact_forward_kernel[grid](gate, up, out, n_elements, BLOCK_SIZE=1024)
    return out
