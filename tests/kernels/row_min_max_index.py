"""Value and index of the row max and row min via tl.max/tl.min(..., return_indices=True):
vmax[i] = max_k x[i, k], imax[i] = argmax_k x[i, k], vmin[i] = min_k x[i, k],
imin[i] = argmin_k x[i, k]."""

import triton
import triton.language as tl


@triton.jit
def row_min_max_index_kernel(
    x_ptr, vmax_ptr, imax_ptr, vmin_ptr, imin_ptr, N, stride, BLOCK: tl.constexpr
):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < N
    x = tl.load(x_ptr + row * stride + cols, mask=mask, other=0.0)
    hi_val, hi_idx = tl.max(tl.where(mask, x, float("-inf")), axis=0, return_indices=True)
    lo_val, lo_idx = tl.min(tl.where(mask, x, float("inf")), axis=0, return_indices=True)
    tl.store(vmax_ptr + row, hi_val)
    tl.store(imax_ptr + row, hi_idx)
    tl.store(vmin_ptr + row, lo_val)
    tl.store(imin_ptr + row, lo_idx)
