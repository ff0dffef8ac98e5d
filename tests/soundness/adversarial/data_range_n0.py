"""ADVERSARIAL (size/pid/iteration thresholds): idx holds N ints in [0, N) and N >= 0 is allowed: at N = 0 the box is empty, the kernel writes -1, the axiom read over every index forces 1"""

import triton
import triton.language as tl


@triton.jit
def flag_kernel(idx_ptr, out_ptr, n):
    j = tl.load(idx_ptr, mask=n > 0, other=0)
    tl.store(out_ptr, tl.where(j < n, 1.0, -1.0))
