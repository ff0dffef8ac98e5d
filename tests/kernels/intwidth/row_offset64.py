"""The fixed `row * stride` of tests/soundness/adversarial/row_times_stride_int32: the row index is
widened first (`.to(tl.int64)`), so the product is int64 and never wraps for int32 strides."""

import triton
import triton.language as tl


@triton.jit
def row_offset_kernel(y_ptr, stride):
    row = tl.program_id(0).to(tl.int64)
    off = row * stride
    tl.store(y_ptr + row, off)
