"""Full sum by atomics into a 0-d output, after a zero-fill launch: out = sum_{k<N} x[k]."""

import triton
import triton.language as tl


@triton.jit
def zero_scalar_kernel(out_ptr):
    tl.store(out_ptr, 0.0)


@triton.jit
def atomic_sum_kernel(x_ptr, out_ptr, N, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    v = tl.load(x_ptr + offs, mask=offs < N, other=0.0)
    tl.atomic_add(out_ptr, tl.sum(v, axis=0))
