"""The Python API: tritonlift.lift / check / load_launch return the result records, raise located
errors for bad input, and `import tritonlift` stays cheap."""

import subprocess
import sys
import textwrap

import pytest
from tests.scale_kernel import KERNEL, SPEC

import tritonlift
from tritonlift.errors import DslError, SpecError


@pytest.fixture()
def spec(tmp_path):
    (tmp_path / "k.py").write_text(KERNEL)
    (tmp_path / "k.toml").write_text(SPEC)
    return tmp_path / "k.toml"


def test_lift_returns_the_record(spec):
    r = tritonlift.lift(spec)
    assert r.status is tritonlift.Status.PROVED
    assert str(r.formula) == "y[i] = x[i] * 2 + 1"
    assert isinstance(r, tritonlift.LiftResult) and r.error is None


def test_lift_options(spec):
    r = tritonlift.lift(spec, prove=False)
    assert r.status is tritonlift.Status.BOUNDED and "not proved" in r.reason


def test_check_returns_the_record(spec):
    ok = tritonlift.check(spec, "y[i] = 2 * x[i] + 1")
    assert isinstance(ok, tritonlift.CheckResult) and ok.status is tritonlift.Status.PROVED
    bad = tritonlift.check(spec, "y[i] = 2 * x[i]")
    assert bad.status is tritonlift.Status.REFUTED and bad.counterexample is not None


def test_load_launch(spec):
    launch = tritonlift.load_launch(spec)
    assert list(launch.sizes) == ["N"] and launch.steps[0].kernel == "k.py::scale"


def test_bad_input_raises_located_errors(spec):
    spec.write_text(SPEC.replace('n = "N"', 'n = "Nx"'))
    with pytest.raises(SpecError) as e:
        tritonlift.lift(spec)
    assert e.value.loc.line == 11 and "unknown name 'Nx'" in str(e.value)
    assert isinstance(e.value, tritonlift.TritonLiftError)
    spec.write_text(SPEC)
    with pytest.raises(DslError) as e:
        tritonlift.check(spec, "y[i] = foo(x[i])")
    assert "unknown function 'foo'" in e.value.message and e.value.loc.col == 8


def test_timeout_is_unknown(spec, tmp_path):
    (tmp_path / "k.py").write_text(KERNEL.replace("    tl.store(", "    i = 0\n    while i < n:\n        i += 1\n    tl.store("))
    spec.write_text(SPEC.replace('n = "N"', "n = 100000000"))
    r = tritonlift.lift(spec, timeout=1)
    assert r.status is tritonlift.Status.UNKNOWN and r.error.kind == "timeout" and "stage symex" in r.reason


def test_import_is_lazy():
    code = textwrap.dedent("""
        import sys, tritonlift
        heavy = [m for m in ("numpy", "z3", "tritonlift.pipeline", "pydantic", "rich") if m in sys.modules]
        print(heavy)
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"


def test_public_names_have_docstrings():
    for name in ("lift", "check", "load_launch"):
        assert getattr(tritonlift, name).__doc__
    assert set(tritonlift.__all__) <= set(dir(tritonlift))
