import triton
import triton.language as tl


@triton.jit
def branch_ifelse(x_ptr, y_ptr, z_ptr):
    i = tl.program_id(0)
    v = tl.load(x_ptr + i)
    if v > 0:
        r = v * 2.0
    else:
        r = 0.0
    tl.store(y_ptr + i, r)
    tl.store(z_ptr + i, v + 1.0)


@triton.jit
def branch_if_only(x_ptr, y_ptr, z_ptr):
    i = tl.program_id(0)
    v = tl.load(x_ptr + i)
    r = 0.0
    if v > 0:
        r = v * 2.0
    tl.store(y_ptr + i, r)
    tl.store(z_ptr + i, v + 1.0)
