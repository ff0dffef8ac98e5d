"""Column sums over row blocks combined by atomics, each with one bug (tests/verify/test_prove.py):

- `colsum_store_kernel`: `tl.store` instead of `tl.atomic_add`: the row-block programs race, and
  the last one to write wins (out[j] = the last block's partial sum, not the column sum);
- `colsum_atomic_kernel` launched into an output nothing zeroes (`colsum_not_zeroed.toml`): the
  sum starts from whatever the memory held;
- `fill_one_kernel` fills the output with 1.0 before the atomics: every sum is off by one."""

import triton
import triton.language as tl


@triton.jit
def fill_one_kernel(out_ptr, N, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(out_ptr + offs, tl.full([BLOCK], 1.0, dtype=tl.float32), mask=offs < N)


@triton.jit
def colsum_atomic_kernel(x_ptr, out_ptr, M, N, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    rows = tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)
    cols = tl.program_id(1) * BLOCK_N + tl.arange(0, BLOCK_N)
    tile = tl.load(x_ptr + rows[:, None] * N + cols[None, :], mask=(rows[:, None] < M) & (cols[None, :] < N),
                   other=0.0)
    tl.atomic_add(out_ptr + cols, tl.sum(tile, axis=0), mask=cols < N)


@triton.jit
def colsum_store_kernel(x_ptr, out_ptr, M, N, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    rows = tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)
    cols = tl.program_id(1) * BLOCK_N + tl.arange(0, BLOCK_N)
    tile = tl.load(x_ptr + rows[:, None] * N + cols[None, :], mask=(rows[:, None] < M) & (cols[None, :] < N),
                   other=0.0)
    tl.store(out_ptr + cols, tl.sum(tile, axis=0), mask=cols < N)
