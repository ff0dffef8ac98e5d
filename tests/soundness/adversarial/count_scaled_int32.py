"""ADVERSARIAL (integer semantics): a count of positive elements times 10**7 in int32: wraps once the count reaches 215 (N of a few hundred)"""

import triton
import triton.language as tl


@triton.jit
def count_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    acc = tl.zeros([BLOCK], dtype=tl.int32)
    for start in range(0, n, BLOCK):
        offs = start + tl.arange(0, BLOCK)
        x = tl.load(x_ptr + row * n + offs, mask=offs < n, other=0.0)
        acc += (x > 0).to(tl.int32)
    tl.store(out_ptr + row, tl.sum(acc, 0) * 10000000)
