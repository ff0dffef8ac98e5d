"""vLLM-style silu_and_mul: the input row holds [gate | up] side by side (width 2 d), the output
row is silu(gate) * up (width d). The up half is addressed as gate pointer + d."""

import triton
import triton.language as tl


@triton.jit
def silu_and_mul_kernel(out_ptr, in_ptr, d, stride_in, stride_out, BLOCK_D: tl.constexpr):
    token = tl.program_id(0)
    blk = tl.program_id(1)
    offs = blk * BLOCK_D + tl.arange(0, BLOCK_D)
    valid = offs < d
    gate_ptrs = in_ptr + token * stride_in + offs
    gate = tl.load(gate_ptrs, mask=valid, other=0.0).to(tl.float32)
    up = tl.load(gate_ptrs + d, mask=valid, other=0.0).to(tl.float32)
    act = gate * tl.sigmoid(gate)
    tl.store(out_ptr + token * stride_out + offs, act * up, mask=valid)
