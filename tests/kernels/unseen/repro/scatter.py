import triton
import triton.language as tl


@triton.jit
def scatter_store(src_ptr, idx_ptr, dst_ptr):
    i = tl.program_id(0)
    j = tl.load(idx_ptr + i)
    tl.store(dst_ptr + j, tl.load(src_ptr + i))


@triton.jit
def scatter_atomic(src_ptr, idx_ptr, dst_ptr):
    i = tl.program_id(0)
    j = tl.load(idx_ptr + i)
    tl.atomic_add(dst_ptr + j, tl.load(src_ptr + i))


@triton.jit
def atomic_fixed(src_ptr, idx_ptr, dst_ptr):
    i = tl.program_id(0)
    tl.atomic_add(dst_ptr + i % 2, tl.load(src_ptr + i))
