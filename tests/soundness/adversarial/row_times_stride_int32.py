"""ADVERSARIAL (integer semantics): the row offset row * stride is computed in int32 (no .to(tl.int64)): it wraps once M·S >= 2**31; the kernel stores it to show the value"""

import triton
import triton.language as tl


@triton.jit
def row_offset_kernel(y_ptr, stride):
    row = tl.program_id(0)
    off = row * stride
    tl.store(y_ptr + row, off.to(tl.int64))
