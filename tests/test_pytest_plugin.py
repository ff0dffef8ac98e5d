"""The pytest plugin: assert_lifts / assert_proved pass and fail with readable messages; it is
registered through the pytest11 entry point."""

import tomllib
from pathlib import Path

import pytest
from tests.scale_kernel import KERNEL, SPEC

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]


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


def _plugin_args() -> tuple[str, ...]:
    """Load the plugin by name unless the installed entry point already does (a fresh
    `pip install -e .` registers it; loading it twice is an error)."""
    from importlib.metadata import entry_points

    installed = any(ep.value == "tritonlift.pytest_plugin" for ep in entry_points(group="pytest11"))
    return () if installed else ("-p", "tritonlift.pytest_plugin")


def test_assertions(pytester):
    pytester.makefile(".py", k=KERNEL)
    pytester.makefile(".toml", k=SPEC)
    pytester.makepyfile(test_kernel=TESTS)
    result = pytester.runpytest(*_plugin_args())
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
    result = pytester.runpytest(*_plugin_args())
    result.assert_outcomes(failed=1)
    assert "unknown name 'Nx'" in result.stdout.str()


def test_entry_point_is_declared():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert meta["project"]["entry-points"]["pytest11"] == {"tritonlift": "tritonlift.pytest_plugin"}


@pytest.mark.parametrize("name", ["assert_lifts", "assert_proved"])
def test_docstrings(name):
    from tritonlift import pytest_plugin

    assert getattr(pytest_plugin, name).__doc__
