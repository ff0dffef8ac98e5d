"""Bug: `row > M` lets program M through, which reads and writes row M, one past the end."""

import triton
import triton.language as tl


@triton.jit
def early_return_off_by_one_kernel(x_ptr, y_ptr, M, N, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    if row > M:
        return
    cols = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + row * N + cols, mask=cols < N, other=0.0)
    tl.store(y_ptr + row * N + cols, 2.0 * x, mask=cols < N)
