"""Two-stage reduction (two launches): the L2 norm out = sqrt(sum_{k<N} x[k]^2).
Stage 1 writes one partial sum of squares per program into `partial`; stage 2 reduces it."""

import triton
import triton.language as tl


@triton.jit
def partial_sumsq_kernel(x_ptr, partial_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    v = tl.load(x_ptr + offs, mask=offs < n, other=0.0).to(tl.float32)
    tl.store(partial_ptr + pid, tl.sum(v * v, axis=0))


@triton.jit
def finish_norm_kernel(partial_ptr, out_ptr, n_partials, BLOCK_P: tl.constexpr):
    offs = tl.arange(0, BLOCK_P)
    p = tl.load(partial_ptr + offs, mask=offs < n_partials, other=0.0)
    tl.store(out_ptr, tl.sqrt(tl.sum(p, axis=0)))
