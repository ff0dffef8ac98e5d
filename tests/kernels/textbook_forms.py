"""Activations written the way kernels write them, for the simplifier's textbook recognition
(tests/simplify/test_textbook.py): every output is the textbook function of x[i].

t[i] = 1 − 2/(exp(2x) + 1) = tanh(x)
g[i] = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), tanh written through exp   = gelu_tanh(x)
e[i] = 0.5·x·(erf(x·(1/√2)) + 1)                                             = gelu(x)
l[i] = min(x, 0) − log(1 + exp(−|x|))                                        = logsigmoid(x)
h[i] = x·min(max(x + 3, 0), 6)·(1/6)                                         = hardswish(x)"""

import triton
import triton.language as tl


@triton.jit
def textbook_forms_kernel(x_ptr, t_ptr, g_ptr, e_ptr, l_ptr, h_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    tl.store(t_ptr + offs, 1.0 - 2.0 / (tl.exp(2.0 * x) + 1.0), mask=mask)
    inner = 0.7978845608028654 * (x + 0.044715 * x * x * x)
    tanh_inner = 1.0 - 2.0 / (tl.exp(2.0 * inner) + 1.0)
    tl.store(g_ptr + offs, 0.5 * x * (1.0 + tanh_inner), mask=mask)
    tl.store(e_ptr + offs, 0.5 * x * (tl.erf(x * 0.7071067811865476) + 1.0), mask=mask)
    tl.store(l_ptr + offs, tl.minimum(x, 0.0) - tl.log(1.0 + tl.exp(-tl.abs(x))), mask=mask)
    tl.store(h_ptr + offs, x * tl.minimum(tl.maximum(x + 3.0, 0.0), 6.0) * (1.0 / 6.0), mask=mask)
