"""GEGLU forward with the tanh-approximate GELU, in the style of unsloth's kernels/geglu.py:
a flat launch, BLOCK_SIZE = 1024, sqrt(2/pi) written as a float literal, and tanh taken from
libdevice through a module-level alias (`triton_tanh = libdevice.tanh`, as unsloth's utils do)."""

import torch
import triton
import triton.language as tl
from triton.language.extra import libdevice

triton_tanh = libdevice.tanh


@triton.jit
def _approx_forward_kernel(e, g, h, n_elements, BLOCK_SIZE: tl.constexpr):
    block_idx = tl.program_id(0)
    offsets = block_idx * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements

    # out = gelu_tanh(gate) * up
    s = 0.7978845608028654  # math.sqrt(2 / math.pi)

    e_row = tl.load(e + offsets, mask=mask, other=0).to(tl.float32)
    g_row = tl.load(g + offsets, mask=mask, other=0)

    f_row = 0.5 * e_row * (triton_tanh(s * e_row * (1.0 + 0.044715 * e_row * e_row)) + 1.0)
    f_row = f_row.to(g_row.dtype)
    h_row = f_row * g_row

    tl.store(h + offsets, h_row, mask=mask)


def geglu_approx_forward_kernel(gate, up):
    batch, seq_len, hd = gate.shape
    n_elements = gate.numel()
    out = torch.empty((batch, seq_len, hd), dtype=gate.dtype, device=gate.device)
    grid = lambda meta: (triton.cdiv(n_elements, meta["BLOCK_SIZE"]),)  # noqa: E731
    _approx_forward_kernel[grid](gate, up, out, n_elements, BLOCK_SIZE=1024)
    return out
