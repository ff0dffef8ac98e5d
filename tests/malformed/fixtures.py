"""The well-formed kernels and launch specs the malformed cases are mutations of. Each works:
`tritonlift spec` and `lift` succeed on it (tests/malformed/test_malformed.py checks)."""

from tests.scale_kernel import KERNEL as SCALE_PY
from tests.scale_kernel import SPEC as SCALE_TOML

ROW_PY = """\
import triton
import triton.language as tl


@triton.jit
def row_scale(x_ptr, w_ptr, y_ptr, stride, n_cols, eps, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    x = tl.load(x_ptr + row * stride + cols, mask=mask, other=0.0)
    w = tl.load(w_ptr + cols, mask=mask, other=0.0)
    s = tl.sum(x * x, axis=0) / n_cols
    tl.store(y_ptr + row * stride + cols, x * w / tl.sqrt(s + eps), mask=mask)
"""

ROW_TOML = """\
op = "rms"
kernel = "row.py::row_scale"
grid = ["M"]
samples = [{ M = 2, N = 3 }, { M = 1, N = 5 }]

[sizes]
M = ""
N = "N <= 64"

[reals]
eps = "eps > 0"

[tensors]
x = "in f32[M, N]"
w = { dir = "in", dtype = "f32", shape = ["N"] }
y = "out f32[M, N]"

[let]
BLOCK = "next_power_of_2(N)"

[args]
x_ptr = "x"
w_ptr = "w"
y_ptr = "y"
stride = "N"
n_cols = "N"
eps = "eps"
BLOCK = "BLOCK"
"""

TWO_PY = """\
import triton
import triton.language as tl


@triton.jit
def partial(x_ptr, mid_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n, other=0.0)
    tl.store(mid_ptr + pid, tl.sum(x, axis=0))


@triton.jit
def total(mid_ptr, out_ptr, m, BLOCK_MID: tl.constexpr):
    offs = tl.arange(0, BLOCK_MID)
    v = tl.load(mid_ptr + offs, mask=offs < m, other=0.0)
    tl.store(out_ptr, tl.sum(v, axis=0))
"""

TWO_TOML = """\
op = "sum"
[sizes]
N = ""
[let]
B = "4"
MID = "cdiv(N, B)"
[tensors]
x = "in f32[N]"
mid = "temp f32[MID]"
out = "out f32[]"

[[launch]]
kernel = "two.py::partial"
grid = ["MID"]
args = { x_ptr = "x", mid_ptr = "mid", n = "N", BLOCK = "B" }

[[launch]]
kernel = "two.py::total"
grid = [1]
args = { mid_ptr = "mid", out_ptr = "out", m = "MID", BLOCK_MID = "next_power_of_2(MID)" }
"""

FN_PY = """\
import triton


@triton.jit
def add_func(x, y, alpha):
    return x + y * alpha
"""

FN_TOML = """\
op = "add"
elementwise = true
kernel = "fn.py::add_func"
[sizes]
N = ""
[reals]
alpha = ""
[tensors]
x = "in f32[N]"
y = "in f32[N]"
out = "out f32[N]"
[args]
x = "x"
y = "y"
alpha = "alpha"
[outputs]
values = ["out"]
"""

FILES = {"k.py": SCALE_PY, "k.toml": SCALE_TOML, "row.py": ROW_PY, "row.toml": ROW_TOML,
         "two.py": TWO_PY, "two.toml": TWO_TOML, "fn.py": FN_PY, "fn.toml": FN_TOML}
