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


@triton.jit
def col_sum_kernel(xt_ptr, out_ptr, n_rows, BLOCK: tl.constexpr):
    # out[j] += sum of row j of xt (the transposed copy of x): one program per column of x
    j = tl.program_id(0)
    offs = tl.arange(0, BLOCK)
    v = tl.load(xt_ptr + j * n_rows + offs, mask=offs < n_rows, other=0.0)
    tl.atomic_add(out_ptr + j, tl.sum(v, axis=0))


def col_sum(x):
    """Column sums: the host transposes x into a contiguous copy and zero-fills the result."""
    import torch

    m, n = x.shape
    xt = x.t().contiguous()
    out = torch.zeros(n, dtype=x.dtype)
    col_sum_kernel[(n,)](xt, out, m, BLOCK=triton.next_power_of_2(m))
    return out


@triton.jit
def scale_rows_kernel(x_ptr, y_ptr, rstd_ptr, n, BLOCK: tl.constexpr):
    # y = x / sqrt(mean(x^2) + 1), per row; also stores the row's reciprocal norm
    row = tl.program_id(0)
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + row * n + offs, mask=offs < n, other=0.0)
    r = 1.0 / tl.sqrt(tl.sum(x * x, axis=0) / n + 1.0)
    tl.store(rstd_ptr + row, r)
    tl.store(y_ptr + row * n + offs, x * r, mask=offs < n)


def scale_rows(x):
    """Returns only y; the per-row rstd is kept by the host (as for a backward pass)."""
    import torch

    m, n = x.shape
    y = torch.empty_like(x)
    rstd = torch.empty(m, dtype=torch.float32)
    scale_rows_kernel[(m,)](x, y, rstd, n, BLOCK=triton.next_power_of_2(n))
    scale_rows.saved = rstd
    return y


@triton.jit
def copy_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=offs < n), mask=offs < n)


def tiled_copy(x):
    """The host picks the tile by a threshold: 4 up to 20 elements, 16 above."""
    import torch

    n = x.numel()
    block = 4 if n <= 20 else 16
    y = torch.empty_like(x)
    copy_kernel[(triton.cdiv(n, block),)](x, y, n, BLOCK=block)
    return y


@triton.autotune(configs=[triton.Config({"BLOCK": 8}), triton.Config({"BLOCK": 4}), triton.Config({"BLOCK": 16})],
                 key=["n"])
@triton.jit
def tuned_double_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(y_ptr + offs, 2.0 * tl.load(x_ptr + offs, mask=offs < n), mask=offs < n)


def tuned_double(x):
    import torch

    y = torch.empty_like(x)
    n = x.numel()
    tuned_double_kernel[lambda meta: (triton.cdiv(n, meta["BLOCK"]),)](x, y, n)
    return y
