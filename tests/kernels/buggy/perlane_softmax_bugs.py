"""Per-lane online log-softmax over column blocks (FlagGems style, TILE_N = min(next_pow2(N), 8)),
each kernel with one bug (tests/verify/test_prove.py):

- `no_guard_kernel`: no `where(m_new == -inf, ...)` guard; a lane that sees only padding (every
  lane past N when N < TILE_N) computes exp(-inf - -inf) = NaN, and the row's sum is NaN;
- `no_rescale_kernel`: the running sum is not rescaled when the lane's max grows."""

import triton
import triton.language as tl


@triton.jit
def no_guard_kernel(output_ptr, input_ptr, M, N, TILE_N: tl.constexpr):
    pid_m = tl.program_id(0)
    m = tl.full([TILE_N], value=float("-inf"), dtype=tl.float32)
    z = tl.full([TILE_N], value=0.0, dtype=tl.float32)
    for start_n in range(0, N, TILE_N):
        n_offsets = start_n + tl.arange(0, TILE_N)
        inp = tl.load(input_ptr + pid_m * N + n_offsets, mask=n_offsets < N, other=-float("inf"))
        m_new = tl.maximum(m, inp)
        z = z * tl.exp(m - m_new) + tl.exp(inp - m_new)
        m = m_new
    m_reduced = tl.max(m, 0)
    z = tl.sum(z * tl.exp(m - m_reduced), 0)
    log_z = m_reduced + tl.log(z)
    for start_n in range(0, N, TILE_N):
        n_offsets = start_n + tl.arange(0, TILE_N)
        inp = tl.load(input_ptr + pid_m * N + n_offsets, mask=n_offsets < N, other=-float("inf"))
        tl.store(output_ptr + pid_m * N + n_offsets, inp - log_z, mask=n_offsets < N)


@triton.jit
def no_rescale_kernel(output_ptr, input_ptr, M, N, TILE_N: tl.constexpr):
    pid_m = tl.program_id(0)
    m = tl.full([TILE_N], value=float("-inf"), dtype=tl.float32)
    z = tl.full([TILE_N], value=0.0, dtype=tl.float32)
    for start_n in range(0, N, TILE_N):
        n_offsets = start_n + tl.arange(0, TILE_N)
        inp = tl.load(input_ptr + pid_m * N + n_offsets, mask=n_offsets < N, other=-float("inf"))
        m_new = tl.maximum(m, inp)
        z = tl.where(m_new == float("-inf"), z, z + tl.exp(inp - m_new))
        m = m_new
    m_reduced = tl.max(m, 0)
    z = tl.sum(z * tl.exp(m - m_reduced), 0)
    log_z = m_reduced + tl.log(z)
    for start_n in range(0, N, TILE_N):
        n_offsets = start_n + tl.arange(0, TILE_N)
        inp = tl.load(input_ptr + pid_m * N + n_offsets, mask=n_offsets < N, other=-float("inf"))
        tl.store(output_ptr + pid_m * N + n_offsets, inp - log_z, mask=n_offsets < N)
