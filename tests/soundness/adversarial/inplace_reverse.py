"""ADVERSARIAL (aliasing and in-place): in place x[i] = x[N - 1 - i], one element per program: program p reads what program N - 1 - p writes"""

import triton
import triton.language as tl


@triton.jit
def reverse_inplace_kernel(x_ptr, n):
    p = tl.program_id(0)
    v = tl.load(x_ptr + (n - 1 - p))
    tl.store(x_ptr + p, v)
