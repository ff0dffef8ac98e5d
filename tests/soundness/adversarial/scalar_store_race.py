"""ADVERSARIAL (aliasing and in-place): every program stores its own value into y[0]: the last program to run wins"""

import triton
import triton.language as tl


@triton.jit
def last_wins_kernel(x_ptr, y_ptr):
    p = tl.program_id(0)
    tl.store(y_ptr, tl.load(x_ptr + p))
