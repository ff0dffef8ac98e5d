"""Kernels whose fixed-width integer arithmetic wraps at the sizes they are run at (issue 11,
point 4). The wrapping values are computed from program ids and `tl.arange`, so the symbolic
executor folds them to constants and must wrap exactly as Triton does."""

import triton
import triton.language as tl


@triton.jit
def int8_offset_kernel(y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    v = (offs * 37).to(tl.int8)  # a narrowing cast keeps the low 8 bits
    w = v + 100  # int8 + Python int stays int8 and wraps
    tl.store(y_ptr + offs, w.to(tl.int32), mask=offs < n)


@triton.jit
def uint32_sub_kernel(y_ptr, q_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    a = offs.to(tl.uint32)
    b = (offs * 3 + 1).to(tl.uint32)
    d = a - b  # a < b: wraps to 2**32 - (b - a)
    tl.store(y_ptr + offs, d.to(tl.int64), mask=mask)
    small = d < 5  # unsigned comparison: false for every wrapped difference
    q = (d >> 28) + (d // 7) % 1000 + small.to(tl.uint32)
    tl.store(q_ptr + offs, q.to(tl.int64), mask=mask)


@triton.jit
def int16_product_kernel(y_ptr, z_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    s = offs.to(tl.int16) + 300
    p = s * (s + 7)  # int16 product wraps past 32767
    tl.store(y_ptr + offs, p, mask=mask)  # widening store: sign-extended
    tl.store(z_ptr + offs, offs * 5000, mask=mask)  # int32 stored into int16: truncated


@triton.jit
def int32_index_kernel(x_ptr, y_ptr, s_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0)
    big = offs * 1000000000  # int32 wraps
    tl.store(y_ptr + offs, x + big, mask=mask)
    t = tl.sum(tl.where(mask, offs * 300000000, 0))  # int32 sum of wrapped products, wraps again
    c = tl.sum(tl.full([BLOCK], 100, tl.int8))  # an int8 sum accumulates in int32: no wrap
    tl.store(s_ptr + pid * 2, t)
    tl.store(s_ptr + pid * 2 + 1, c)


@triton.jit
def int16_mask_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    o16 = offs.to(tl.int16) * 4096  # negative from offs = 8 on (int16 wraps)
    mask = (offs < n) & (o16 >= 0)
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    tl.store(y_ptr + offs, 2.0 * x, mask=mask)


@triton.jit
def uint8_full_kernel(y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    u = tl.full([BLOCK], 200, tl.uint8) + offs.to(tl.uint8) * 9  # uint8 wraps at 256
    m = tl.where(offs % 2 == 0, u, ~u)  # bitwise not of uint8
    tl.store(y_ptr + offs, m, mask=offs < n)  # uint8 into int32: zero-extended


@triton.jit
def int32_atomic_kernel(y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    # every lane adds 10**9 + offs into y[offs % 2]: the int32 sums wrap past 2**31 - 1
    tl.atomic_add(y_ptr + offs % 2, 1000000000 + offs, mask=offs < n)
