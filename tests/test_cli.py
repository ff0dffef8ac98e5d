"""The command line: spec output, and one-line located errors with exit code 2, no traceback."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

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


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tritonlift.cli", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture()
def work(tmp_path):
    (tmp_path / "k.py").write_text(KERNEL)
    (tmp_path / "k.toml").write_text(SPEC)
    return tmp_path


def test_spec_prints_every_element(work):
    r = run("spec", "--launch", "k.toml", "--size", "N=5", cwd=work)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "y[4] = x[4] * 2.0 + 1.0" in lines
    assert sum(1 for line in lines if line.startswith("y[")) == 5


def test_spec_json(work):
    r = run("spec", "--launch", "k.toml", "--size", "N=3", "--json", cwd=work)
    data = json.loads(r.stdout)
    assert data["outputs"]["y"]["elements"][2] == {"index": [2], "expr": "x[2] * 2.0 + 1.0"}


def _assert_located_error(r, file: str, line: int, col: int | None, text: str):
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    first = r.stderr.splitlines()[0]
    where = f"{file}:{line}:{col}" if col is not None else f"{file}:{line}:"
    assert where in first, first
    assert text in first, first


def test_unsupported_construct(work):
    (work / "k.py").write_text(KERNEL.replace("    tl.store(", "    with open('f') as f:\n        pass\n    tl.store("))
    r = run("spec", "--launch", "k.toml", "--size", "N=3", cwd=work)
    _assert_located_error(r, "k.py", 10, 5, "unsupported: statement 'With'")
    assert "^" in r.stderr


def test_syntax_error_in_kernel(work):
    (work / "k.py").write_text(KERNEL.replace("mask = offs < n", "mask = offs <"))
    r = run("spec", "--launch", "k.toml", "--size", "N=3", cwd=work)
    _assert_located_error(r, "k.py", 8, None, "syntax error")


def test_missing_launch_argument(work):
    (work / "k.toml").write_text(SPEC.replace('n = "N"\n', ""))
    r = run("spec", "--launch", "k.toml", "--size", "N=3", cwd=work)
    _assert_located_error(r, "k.toml", 8, None, "missing argument 'n'")


def test_unknown_launch_argument(work):
    (work / "k.toml").write_text(SPEC + 'extra = "N"\n')
    r = run("spec", "--launch", "k.toml", "--size", "N=3", cwd=work)
    _assert_located_error(r, "k.toml", 13, 1, "unknown parameter 'extra'")


def test_malformed_toml(work):
    (work / "k.toml").write_text(SPEC.replace('grid = ["cdiv(N, 4)"]', 'grid = ["cdiv(N, 4)"'))
    r = run("spec", "--launch", "k.toml", cwd=work)
    _assert_located_error(r, "k.toml", 3, None, "malformed TOML")


def test_internal_errors_hide_traceback_unless_debug(work):
    r = run("spec", "--launch", "missing.toml", cwd=work)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "cannot read launch spec" in r.stderr
    r = run("--debug", "spec", "--launch", "missing.toml", cwd=work)
    assert r.returncode == 2 and "Traceback" in r.stderr


def test_kernel_on_command_line_overrides_spec(work):
    (work / "other.py").write_text(KERNEL.replace("x * 2.0 + 1.0", "x - 1.0"))
    r = run("spec", "other.py::scale", "--launch", "k.toml", "--size", "N=2", cwd=work)
    assert r.returncode == 0, r.stderr
    assert "y[1] = x[1] - 1.0" in r.stdout
