"""ADVERSARIAL (launches Triton rejects): an accumulator tl.zeros([N]) with the constexpr N = the row length: Triton rejects shapes that are not powers of two"""

import triton
import triton.language as tl


@triton.jit
def row_sum_kernel(x_ptr, out_ptr, N: tl.constexpr, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    acc = tl.zeros([N], dtype=tl.float32)
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + row * N + offs, mask=offs < N, other=0.0)
    tl.store(out_ptr + row, tl.sum(acc, 0) + tl.sum(x, 0))
