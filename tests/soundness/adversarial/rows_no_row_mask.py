"""ADVERSARIAL (block-size dependence): two rows per program, the store masked by columns only: for odd M the last program writes a row past y"""

import triton
import triton.language as tl


@triton.jit
def copy_rows_kernel(x_ptr, y_ptr, m, n, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    rows = tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)
    cols = tl.arange(0, BLOCK_N)
    col_mask = cols[None, :] < n
    ptrs = rows[:, None] * n + cols[None, :]
    x = tl.load(x_ptr + ptrs, mask=(rows[:, None] < m) & col_mask, other=0.0)
    tl.store(y_ptr + ptrs, x + 2.0, mask=col_mask)
