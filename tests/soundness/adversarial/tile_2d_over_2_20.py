"""ADVERSARIAL (launches Triton rejects): a 2-D tile next_power_of_2(M) x next_power_of_2(N) over a whole matrix: 2048 x 1024 exceeds 2**20 elements"""

import triton
import triton.language as tl


@triton.jit
def total_kernel(x_ptr, out_ptr, m, n, BM: tl.constexpr, BN: tl.constexpr):
    rows = tl.arange(0, BM)
    cols = tl.arange(0, BN)
    mask = (rows[:, None] < m) & (cols[None, :] < n)
    x = tl.load(x_ptr + rows[:, None] * n + cols[None, :], mask=mask, other=0.0)
    tl.store(out_ptr, tl.sum(tl.sum(x, 1), 0))
