"""A user's own kernel and host code, for `tritonlift.record` tests (not a benchmark kernel)."""

import triton
import triton.language as tl


@triton.jit
def row_scale_kernel(x_ptr, y_ptr, n_cols, scale, BLOCK: tl.constexpr):
    # y[i, :] = x[i, :] * scale / (sum of |x[i, :]|), one program per row
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    x = tl.load(x_ptr + row * n_cols + cols, mask=mask, other=0.0)
    total = tl.sum(tl.abs(x), axis=0)
    tl.store(y_ptr + row * n_cols + cols, x * scale / total, mask=mask)


def row_scale(x, y, scale):
    m, n = x.shape
    row_scale_kernel[(m,)](x, y, n, scale, BLOCK=triton.next_power_of_2(n))
