"""The pytest plugin: assert_lifts / assert_proved pass and fail with readable messages; it is
registered through the pytest11 entry point."""

import tomllib
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]

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

TESTS = '''\
from pathlib import Path
from tritonlift.pytest_plugin import assert_lifts, assert_proved

HERE = Path(__file__).parent


def test_lifts_as_printed():
    assert_lifts(None, HERE / "k.toml", "y[i] = x[i] * 2 + 1")


def test_lifts_an_equal_formula():
    assert_lifts(None, HERE / "k.toml", "y[i] = 1 + 2 * x[i]")


def test_proved():
    assert_proved(None, HERE / "k.toml")
    assert_proved(None, HERE / "k.toml", "y[i] = 2 * x[i] + 1")


def test_fixture(tritonlift):
    tritonlift.assert_lifts(None, HERE / "k.toml")


def test_wrong_formula():
    assert_lifts(None, HERE / "k.toml", "y[i] = x[i] * 3")
'''


def test_assertions(pytester):
    pytester.makefile(".py", k=KERNEL)
    pytester.makefile(".toml", k=SPEC)
    pytester.makepyfile(test_kernel=TESTS)
    result = pytester.runpytest("-p", "tritonlift.pytest_plugin")
    result.assert_outcomes(passed=4, failed=1)
    out = result.stdout.str()
    for text in ("the formula is REFUTED (expected BOUNDED or better)", "expected: y[i] = x[i] * 3",
                 "lifted:   y[i] = x[i] * 2 + 1", "counterexample: y[", "(kernel) but formula gives"):
        assert text in out


def test_unproved_kernel_fails_assert_proved(pytester):
    pytester.makefile(".py", k=KERNEL)
    pytester.makefile(".toml", k=SPEC)
    pytester.makepyfile(test_kernel='''
from pathlib import Path
from tritonlift.pytest_plugin import assert_proved

def test_bad_spec():
    (Path(__file__).parent / "k.toml").write_text(open(Path(__file__).parent / "k.toml").read().replace('n = "N"', 'n = "Nx"'))
    assert_proved(None, Path(__file__).parent / "k.toml")
''')
    result = pytester.runpytest("-p", "tritonlift.pytest_plugin")
    result.assert_outcomes(failed=1)
    assert "unknown name 'Nx'" in result.stdout.str()


def test_entry_point_is_declared():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert meta["project"]["entry-points"]["pytest11"] == {"tritonlift": "tritonlift.pytest_plugin"}


@pytest.mark.parametrize("name", ["assert_lifts", "assert_proved"])
def test_docstrings(name):
    from tritonlift import pytest_plugin

    assert getattr(pytest_plugin, name).__doc__
