"""log_softmax over the last dimension with a per-lane online softmax, in the style of FlagGems'
ops/softmax.py (`softmax_kernel_inner` for wide rows): a first loop keeps, for every lane of a
TILE_N tile, a running max `m` (from -inf) and a rescaled sum `z`, guarded where the new max is
still -inf; the lanes are then merged (`tl.max(m)`, `tl.sum(z * exp(m - m_reduced))`) and a
second loop writes x - max - log(sum). TILE_N = min(next_pow2(N), 4096)."""

import torch
import triton
import triton.language as tl


@triton.jit
def log_softmax_kernel_inner(
    output_ptr,
    input_ptr,
    M,
    N,
    TILE_N: tl.constexpr,
):
    pid_m = tl.program_id(0).to(tl.int64)
    input_ptr += pid_m * N
    output_ptr += pid_m * N

    m = tl.full([TILE_N], value=float("-inf"), dtype=tl.float32)
    z = tl.full([TILE_N], value=0.0, dtype=tl.float32)
    for start_n in range(0, N, TILE_N):
        n_offsets = start_n + tl.arange(0, TILE_N)
        mask = n_offsets < N
        inp = tl.load(input_ptr + n_offsets, mask=mask, other=-float("inf")).to(tl.float32)
        m_new = tl.maximum(m, inp)
        # lanes that have seen nothing but padding keep z = 0 (avoids exp(-inf - -inf))
        all_neg_inf = m_new == float("-inf")
        z = tl.where(all_neg_inf, z, z * tl.exp(m - m_new) + tl.exp(inp - m_new))
        m = m_new

    m_reduced = tl.max(m, 0)
    z = tl.sum(z * tl.exp(m - m_reduced), 0)
    log_z = m_reduced + tl.log(z)

    for start_n in range(0, N, TILE_N):
        n_offsets = start_n + tl.arange(0, TILE_N)
        mask = n_offsets < N
        inp = tl.load(input_ptr + n_offsets, mask=mask, other=-float("inf")).to(tl.float32)
        o = inp - log_z
        tl.store(output_ptr + n_offsets, o.to(output_ptr.dtype.element_ty), mask=mask)


def log_softmax(x):
    M, N = x.shape
    out = torch.empty_like(x)
    TILE_N = min(triton.next_power_of_2(N), 4096)
    log_softmax_kernel_inner[(M,)](out, x, M, N, TILE_N=TILE_N)
    return out
