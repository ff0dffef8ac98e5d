"""The small elementwise kernel and launch spec the command-line, API, plugin and bounds tests
write into a temporary folder (y = 2·x + 1, BLOCK = 4)."""

KERNEL = '''\
import triton
import triton.language as tl


@triton.jit
def scale(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    tl.store(y_ptr + offs, x * 2.0 + 1.0, mask=mask)
'''

SPEC = '''\
kernel = "k.py::scale"
grid = ["cdiv(N, 4)"]
[sizes]
N = ""
[tensors]
x = "in f32[N]"
y = "out f32[N]"
[args]
x_ptr = "x"
y_ptr = "y"
n = "N"
BLOCK = 4
'''
