"""Math builtins (all run under TRITON_INTERPRET=1):
e[i] = exp2(x[i] * log2(e)) = exp(x[i])
g[i] = 0.5 * x[i] * (1 + erf(x[i] / sqrt(2)))                 (exact GELU)
s[i] = sigmoid(x[i]) * log(1 + x[i]^2) + log2(2 + x[i]^2)
r[i] = sqrt(x[i]^2 + 1) * rsqrt(x[i]^2 + 2)."""

import triton
import triton.language as tl

LOG2_E = tl.constexpr(1.4426950408889634)
INV_SQRT2 = tl.constexpr(0.7071067811865476)


@triton.jit
def math_mix_kernel(x_ptr, e_ptr, g_ptr, s_ptr, r_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    tl.store(e_ptr + offs, tl.exp2(x * LOG2_E), mask=mask)
    tl.store(g_ptr + offs, 0.5 * x * (1.0 + tl.erf(x * INV_SQRT2)), mask=mask)
    sq = x * x
    tl.store(s_ptr + offs, tl.sigmoid(x) * tl.log(1.0 + sq) + tl.log2(2.0 + sq), mask=mask)
    tl.store(r_ptr + offs, tl.sqrt(sq + 1.0) * tl.rsqrt(sq + 2.0), mask=mask)
