"""ADVERSARIAL (integer semantics): an int8 accumulator (tl.zeros(..., tl.int8)) summing int8 values in [0, 100): wraps past 127"""

import triton
import triton.language as tl


@triton.jit
def total_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    acc = tl.zeros([BLOCK], dtype=tl.int8)
    for start in range(0, n, BLOCK):
        offs = start + tl.arange(0, BLOCK)
        acc += tl.load(x_ptr + row * n + offs, mask=offs < n, other=0)
    tl.store(out_ptr + row, tl.sum(acc.to(tl.int32), 0))
