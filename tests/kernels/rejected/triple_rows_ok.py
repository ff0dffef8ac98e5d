"""Control: the row kernel of arange_twice_n.py with BLOCK = next_power_of_2(N), which Triton
accepts at every allowed size (a correct kernel: y = 3 x)."""

import triton
import triton.language as tl


@triton.jit
def triple_rows_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    offs = tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + row * n + offs, mask=mask, other=0.0)
    tl.store(y_ptr + row * n + offs, 3.0 * x, mask=mask)
