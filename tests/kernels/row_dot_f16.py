"""Row-wise dot product of f16 inputs accumulated in f32 with tl.fma, advancing the pointers
by BLOCK each iteration: out[i] = sum_{k<N} x[i, k] * y[i, k]."""

import triton
import triton.language as tl


@triton.jit
def row_dot_f16_kernel(x_ptr, y_ptr, out_ptr, N, stride_x, stride_y, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    x_ptrs = x_ptr + row * stride_x + tl.arange(0, BLOCK)
    y_ptrs = y_ptr + row * stride_y + tl.arange(0, BLOCK)
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, N, BLOCK):
        mask = start + tl.arange(0, BLOCK) < N
        a = tl.load(x_ptrs, mask=mask, other=0.0).to(tl.float32)
        b = tl.load(y_ptrs, mask=mask, other=0.0).to(tl.float32)
        acc = tl.fma(a, b, acc)
        x_ptrs += BLOCK
        y_ptrs += BLOCK
    tl.store(out_ptr + row, tl.sum(acc, axis=0))
