"""Rejected launch: a band of 64 rows times next_power_of_2(N) columns in one tile; once N passes
16384 the tile holds 64 * 32768 = 2**21 elements, past Triton's 2**20."""

import triton
import triton.language as tl


@triton.jit
def add_one_band_kernel(x_ptr, y_ptr, m, n, BM: tl.constexpr, BN: tl.constexpr):
    rows = tl.program_id(0) * BM + tl.arange(0, BM)
    cols = tl.arange(0, BN)
    mask = (rows[:, None] < m) & (cols[None, :] < n)
    offs = rows[:, None] * n + cols[None, :]
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    tl.store(y_ptr + offs, x + 1.0, mask=mask)
