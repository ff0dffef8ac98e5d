"""In-place running abs-max by a masked vector atomic_max on one address (all lanes of every
program target out[0]): out[0] <- max(out[0], max_{k<N} |x[k]|)."""

import triton
import triton.language as tl


@triton.jit
def atomic_absmax_kernel(x_ptr, out_ptr, N, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offs < N
    v = tl.abs(tl.load(x_ptr + offs, mask=mask, other=0.0))
    target = out_ptr + tl.zeros([BLOCK], dtype=tl.int32)
    tl.atomic_max(target, v, mask=mask)
