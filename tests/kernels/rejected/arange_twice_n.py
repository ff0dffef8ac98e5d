"""Rejected launch: the tile is tl.arange(0, BLOCK) with BLOCK = 2 * N, a power of two only when N
is one (N = 3 gives an arange of 6 lanes, which Triton refuses)."""

import triton
import triton.language as tl


@triton.jit
def triple_rows_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    offs = tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + row * n + offs, mask=mask, other=0.0)
    tl.store(y_ptr + row * n + offs, 3.0 * x, mask=mask)
