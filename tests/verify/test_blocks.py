"""All autotune configurations in one proof (verify/blocks.py): each listed constexpr a symbol
constrained to its list. It must prove what holds for every listed value, and never prove a
kernel that is wrong for one of them: neither through Python control flow on the value (the
attempt is refused and each configuration is proved alone) nor through arithmetic on it."""

from __future__ import annotations

from pathlib import Path

from tritonlift.options import Options
from tritonlift.pipeline import lift
from tritonlift.result import Status

SPEC = '''op = "axpy"
kernel = "k.py::axpy_kernel"
grid = ["cdiv(N, BLOCK_SIZE)"]
samples = [{ N = 3 }, { N = 13 }, { N = 40 }]

[sizes]
N = ""

[reals]
alpha = ""

[tensors]
x = "in f32[N]"
z = "in f32[N]"
out = "out f32[N]"

[args]
x_ptr = "x"
z_ptr = "z"
out_ptr = "out"
alpha = "alpha"
n = "N"
BLOCK_SIZE = [4, 8, 16, 32]
'''

KERNEL = '''import triton
import triton.language as tl


@triton.jit
def axpy_kernel(x_ptr, z_ptr, out_ptr, alpha, n, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offs < n{extra_mask}
{extra}    x = tl.load(x_ptr + offs, mask=mask, other=0.0)
    z = tl.load(z_ptr + offs, mask=mask, other=0.0)
    tl.store(out_ptr + offs, x + alpha * z, mask=mask)
'''


def _lift(tmp_path: Path, extra: str = "", extra_mask: str = ""):
    (tmp_path / "k.py").write_text(KERNEL.format(extra=extra, extra_mask=extra_mask))
    (tmp_path / "k.toml").write_text(SPEC)
    return lift(tmp_path / "k.toml", Options())


def test_every_listed_block_size_in_one_proof(tmp_path):
    r = _lift(tmp_path)
    assert r.status is Status.PROVED, r.reason
    assert "BLOCK_SIZE ∈ {4, 8, 16, 32}" in r.covers
    values = [o for o in r.verdict.obligations if o.kind == "value"]
    assert len(values) == 1  # one proof, not four


def test_python_branch_on_the_block_size_falls_back_to_each_configuration(tmp_path):
    # wrong only at BLOCK_SIZE = 16 and only past the checked sizes (element 300 never written):
    # the symbolic attempt cannot take the branch, the fallback proves the configurations one
    # by one and finds the gap in coverage
    r = _lift(tmp_path, extra="    if BLOCK_SIZE == 16:\n        mask = mask & (offs != 300)\n")
    assert r.status is Status.BOUNDED
    assert "coverage" in r.reason  # element 300, at an N past it


def test_arithmetic_on_the_block_size_wrong_for_one_value(tmp_path):
    # the mask lets one lane past n only when BLOCK_SIZE = 32 (32 // 32 = 1)
    r = _lift(tmp_path, extra_mask=" + BLOCK_SIZE // 32")
    assert r.status in (Status.FINDINGS, Status.BOUNDED), r.reason  # an out-of-bounds read at N past the block
