"""Helpers for the inductor-style kernels of this folder, playing the part of
`torch._inductor.runtime.triton_helpers` (written here; nothing copied). The kernels import this
module as `triton_helpers` and re-import `libdevice` and `math as tl_math` through it, the way
inductor output does."""

import triton
import triton.language as tl
from triton.language import math  # noqa: F401  (re-exported: `from ... import math as tl_math`)
from triton.language.extra import libdevice  # noqa: F401  (re-exported)


@triton.jit
def promote_to_tensor(x):
    return x + tl.zeros((1,), tl.int1)


@triton.jit
def maximum(a, b):
    mask = a > b
    return tl.where(mask, a, b)


@triton.jit
def minimum(a, b):
    mask = a < b
    return tl.where(mask, a, b)


@triton.jit
def max2(a, dim):
    return tl.reduce(a, dim, maximum)


@triton.jit
def min2(a, dim):
    return tl.reduce(a, dim, minimum)


@triton.jit
def maximum_with_index(a_value, a_index, b_value, b_index):
    # a wins when it is larger, or equal with the smaller index (first occurrence)
    mask = a_value > b_value
    equal = a_value == b_value
    mask = mask | (equal & (a_index < b_index))
    return tl.where(mask, a_value, b_value), tl.where(mask, a_index, b_index)


@triton.jit
def max_with_index(value, index, dim):
    return tl.reduce((value, index), dim, maximum_with_index)


@triton.jit
def minimum_with_index(a_value, a_index, b_value, b_index):
    mask = a_value < b_value
    equal = a_value == b_value
    mask = mask | (equal & (a_index < b_index))
    return tl.where(mask, a_value, b_value), tl.where(mask, a_index, b_index)


@triton.jit
def min_with_index(value, index, dim):
    return tl.reduce((value, index), dim, minimum_with_index)


@triton.jit
def welford_reduce(value, mean, m2, weight, first_iteration):
    if first_iteration:
        new_weight = tl.full(weight.shape, 1, weight.dtype)
        new_mean = value
        new_m2 = tl.zeros_like(m2)
    else:
        delta = value - mean
        new_weight = weight + 1
        new_mean = mean + delta / new_weight
        new_m2 = m2 + delta * (value - new_mean)
    return new_mean, new_m2, new_weight


@triton.jit
def welford_combine(mean_1, m2_1, weight_1, mean_2, m2_2, weight_2):
    delta = mean_2 - mean_1
    new_weight = weight_1 + weight_2
    w2_over_w = tl.where(new_weight == 0.0, 0.0, weight_2 / new_weight)
    return (
        mean_1 + delta * w2_over_w,
        m2_1 + m2_2 + delta * delta * weight_1 * w2_over_w,
        new_weight,
    )


@triton.jit
def welford(mean, m2, weight, dim):
    return tl.reduce((mean, m2, weight), dim, welford_combine)


@triton.jit
def _exp_shift(m, new_m):
    # exp(m - new_m), with the convention that a -inf running max contributes nothing
    return tl.where(m == float("-inf"), 0.0, tl.math.exp(m - new_m))


@triton.jit
def online_softmax_combine(lhs_max, lhs_sum, rhs_max, use_fast_math: tl.constexpr):
    """One step of a per-lane online softmax: fold the element rhs_max (a sum of 1) into the
    running (max, sum)."""
    out_max = maximum(lhs_max, rhs_max)
    lhs_scale = _exp_shift(lhs_max, out_max)
    rhs_scale = _exp_shift(rhs_max, out_max)
    out_sum = lhs_sum * lhs_scale + rhs_scale
    return out_max, out_sum


@triton.jit
def _online_softmax_merge(a_max, a_sum, b_max, b_sum):
    out_max = maximum(a_max, b_max)
    out_sum = a_sum * _exp_shift(a_max, out_max) + b_sum * _exp_shift(b_max, out_max)
    return out_max, out_sum


@triton.jit
def online_softmax_reduce(lhs_max, lhs_sum, dim, use_fast_math: tl.constexpr):
    out_max, out_sum = tl.reduce((lhs_max, lhs_sum), dim, _online_softmax_merge)
    return out_max, out_sum
