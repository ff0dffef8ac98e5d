"""ADVERSARIAL (size/pid/iteration thresholds): t holds K ints in [0, K): read as an axiom over every index it forces K >= 1, but at K = 0 (t empty) the kernel negates x"""

import triton
import triton.language as tl


@triton.jit
def sign_kernel(x_ptr, t_ptr, y_ptr, n, k, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    nonempty = (offs * 0 + k) > 0
    j = tl.load(t_ptr + offs * 0, mask=mask & nonempty, other=0)
    tl.store(y_ptr + offs, tl.where(j < k, x, -x), mask=mask)
