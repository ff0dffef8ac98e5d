"""Log-softmax with a persistent grid: a fixed number of programs strides over the rows with
`tl.range(start, n_rows, step, num_stages=...)`, one single-tile row per iteration."""

import triton
import triton.language as tl


@triton.jit
def log_softmax_persistent_kernel(out_ptr, in_ptr, in_row_stride, out_row_stride, n_rows, n_cols,
                                  BLOCK_SIZE: tl.constexpr, NUM_STAGES: tl.constexpr):
    first = tl.program_id(0)
    step = tl.num_programs(0)
    for r in tl.range(first, n_rows, step, num_stages=NUM_STAGES):
        offs = tl.arange(0, BLOCK_SIZE)
        valid = offs < n_cols
        row = tl.load(in_ptr + r * in_row_stride + offs, mask=valid, other=-float("inf"))
        shifted = row - tl.max(row, axis=0)
        log_denom = tl.log(tl.sum(tl.exp(shifted), axis=0))
        tl.store(out_ptr + r * out_row_stride + offs, shifted - log_denom, mask=valid)
