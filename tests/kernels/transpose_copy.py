"""Strided copy into the transpose: dst[j, i] = src[i, j].

All strides are passed explicitly; the launch spec makes `src` column-major (a transposed view),
so the loads are non-contiguous along the tile's fast axis.
"""

import triton
import triton.language as tl


@triton.jit
def transpose_copy_kernel(
    src_ptr,
    dst_ptr,
    M,
    N,
    stride_sm,
    stride_sn,
    stride_dn,
    stride_dm,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    mask = (offs_m[:, None] < M) & (offs_n[None, :] < N)
    tile = tl.load(src_ptr + offs_m[:, None] * stride_sm + offs_n[None, :] * stride_sn, mask=mask)
    tl.store(dst_ptr + offs_n[None, :] * stride_dn + offs_m[:, None] * stride_dm, tile, mask=mask)
