"""Adversarial kernels (tests/soundness/adversarial/, table expected.toml): the tool's verdict is
never a wrong PROVED, neither from `lift` nor from `check` with the intended formula.

Kernels PROVED today are `xfail(strict=True)` with the reason: once the prover is fixed the test
passes, the strict xfail fails, and `today`/`today_check` in expected.toml must be updated. The
interpreter confirms every kernel's problem at its witness size (`test_witness_confirmed`)."""

import pytest

from tritonlift.options import Options
from tritonlift.soundness import adversarial

ENTRIES = adversarial.load_table()
WITH_INTENDED = [e for e in ENTRIES if e.intended]


def _param(entry, today):
    marks = []
    if today == "PROVED":
        marks.append(pytest.mark.xfail(strict=True, reason=f"wrong PROVED today: {entry.why}"))
    return pytest.param(entry, id=entry.name, marks=marks)


def test_table_is_complete():
    assert len(ENTRIES) >= 60
    for e in ENTRIES:
        assert e.spec.exists() and e.spec.with_suffix(".py").exists(), e.name
        assert e.cls in adversarial.CLASSES and e.confirm in adversarial.CONFIRM and e.correct in adversarial.CORRECT
        assert e.confirm != "mismatch" or e.intended, e.name
    cases = {e.case for e in ENTRIES if e.case}
    assert len(cases) >= 14  # every case of issue 11's "Why" list has a kernel
    assert {e.cls for e in ENTRIES} == set(adversarial.CLASSES)


@pytest.mark.parametrize("entry", [_param(e, e.today) for e in ENTRIES])
def test_lift_is_never_a_wrong_proved(entry):
    from tritonlift.pipeline import lift

    r = lift(entry.spec, Options(simplify=False))
    assert not adversarial.wrong_proved(entry, r), f"{entry.name}: PROVED {r.formula} ({entry.why})"


@pytest.mark.parametrize("entry", [_param(e, e.today_check) for e in WITH_INTENDED])
def test_check_is_never_a_wrong_proved(entry):
    from tritonlift.check import check_formula

    r = check_formula(entry.spec, entry.intended, Options(simplify=False))
    assert not adversarial.check_wrong_proved(entry, r), f"{entry.name}: check PROVED {entry.intended}"


@pytest.mark.interp
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_witness_confirmed(entry):
    pytest.importorskip("triton")
    ok, seen = adversarial.confirm(entry)
    assert ok, f"{entry.name}: the interpreter does not show the problem at {entry.witness}: {seen}"
