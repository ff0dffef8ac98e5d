"""First-order linear recurrence by a tuple associative_scan:
h[j] = a[j] * h[j-1] + b[j] with h[-1] = 0, i.e. h[j] = sum_{k<=j} b[k] * prod_{k<l<=j} a[l]."""

import triton
import triton.language as tl


@triton.jit
def _affine_combine(a_left, b_left, a_right, b_right):
    # compose x -> a_left*x + b_left, then x -> a_right*x + b_right
    return a_left * a_right, b_left * a_right + b_right


@triton.jit
def linear_recurrence_kernel(a_ptr, b_ptr, h_ptr, N, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    mask = offs < N
    a = tl.load(a_ptr + offs, mask=mask, other=1.0)
    b = tl.load(b_ptr + offs, mask=mask, other=0.0)
    _, h = tl.associative_scan((a, b), axis=0, combine_fn=_affine_combine)
    tl.store(h_ptr + offs, h, mask=mask)
