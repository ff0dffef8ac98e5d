"""Fixed-width integers (verify/intwidth.py): every integer intermediate stays in its dtype's range.

Each wrong kernel is one of tests/soundness/adversarial/ (confirmed under TRITON_INTERPRET=1 by
tests/soundness/test_adversarial.py); here the verdict's details: an overflow is a FINDINGS result
whose finding names the expression and the (smallest) sizes, the formula's coverage names the
sizes where it holds, data that can wrap is never PROVED, and correct integer kernels keep their
proofs (restricted to tensors of at most 2**30 elements where the spec leaves sizes unbounded)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tritonlift.check import check_formula
from tritonlift.options import Options
from tritonlift.pipeline import lift
from tritonlift.result import Status
from tritonlift.soundness import adversarial

ROOT = Path(__file__).resolve().parents[2]
ADV, KERNELS = ROOT / "tests" / "soundness" / "adversarial", ROOT / "tests" / "kernels"
OPTS = Options(simplify=False)


def _texts(r) -> list[str]:
    return [str(f) for f in r.findings]


def test_mask_in_int16_is_a_finding_at_the_first_size_that_wraps_and_holds_below():
    r = lift(ADV / "mask_int16.toml", OPTS)
    assert r.status is Status.FINDINGS and r.formula is not None
    assert any("`offs.to(tl.int16)` overflows int16 at N=32769" in f for f in _texts(r)), _texts(r)
    assert [f.kind for f in r.findings] == ["overflow"] and r.findings[0].sizes == {"N": 32769}
    assert any("`offs.to(tl.int16)`" in c and "stays within int16" in c for c in r.coverage.conditions), r.covers


@pytest.mark.interp
def test_the_largest_size_the_int16_claim_covers_runs_clean_under_the_interpreter():
    # N = 32768: offs.to(tl.int16) still fits; from N = 32769 on the masked-off lanes wrap to
    # negative offsets, pass the store mask and write past y (the witness N = 32818 is confirmed
    # by tests/soundness/test_adversarial.py; just past 32768 the stray writes run past the
    # interpreter's guard and corrupt its heap, so they are not run here)
    pytest.importorskip("triton")
    from dataclasses import replace

    entry = next(e for e in adversarial.load_table() if e.name == "mask_int16")
    ok, seen = adversarial.confirm(replace(entry, witness={"N": 32768}))
    assert not ok, seen


@pytest.mark.parametrize("name, expr", [("uint32_sub", "`a - b` can wrap around in uint32"),
                                        ("uint8_add", "`a + b` can wrap around in uint8"),
                                        ("int16_square", "`x * x` can wrap around in int16"),
                                        ("int32_sum_overflow", "`tl.sum(x, 0)` can wrap around in int32")])
def test_data_that_wraps_at_every_size_is_never_proved(name, expr):
    # signed overflow is a bug (FINDINGS); unsigned arithmetic wraps by definition: a note, and the
    # formula's integer reading stays unproved (BOUNDED)
    r = lift(ADV / f"{name}.toml", OPTS)
    assert r.status is (Status.BOUNDED if "uint" in expr else Status.FINDINGS)
    assert any(expr in f for f in _texts(r)), _texts(r)
    assert "int-range" in r.reason


def test_a_store_into_int8_is_an_overflow_of_the_store():
    r = lift(ADV / "store_int8.toml", OPTS)
    assert r.status is Status.FINDINGS
    assert any("tl.store(" in f and "int8" in f for f in _texts(r)), _texts(r)


def test_int32_row_times_stride_is_a_finding_and_the_int64_fix_is_not():
    bad = check_formula(ADV / "row_times_stride_int32.toml", "y[i] = i * S", OPTS)
    assert bad.status is Status.FINDINGS  # the formula holds where row * stride fits, as the coverage says
    assert any("`row * stride` overflows int32" in f for f in _texts(bad)), _texts(bad)
    assert any("`row * stride`" in c and "stays within int32" in c for c in bad.coverage.conditions)
    good = check_formula(KERNELS / "intwidth" / "row_offset64.toml", "y[i] = i * S", OPTS)
    assert good.status is Status.PROVED and not good.findings
    assert not any("stays within" in c for c in good.coverage.conditions)


def test_a_count_times_a_large_constant_is_a_finding_and_holds_below_its_threshold():
    r = lift(ADV / "count_scaled_int32.toml", OPTS)
    assert r.status is Status.FINDINGS
    assert any("`tl.sum(acc, 0) * 10000000` may overflow int32" in f for f in _texts(r)), _texts(r)
    assert any("for every input" in c for c in r.covers), r.covers


def test_an_int32_count_is_proved_for_ordinary_sizes_without_a_finding():
    r = lift(KERNELS / "count_positive.toml", OPTS)
    assert r.status is Status.PROVED and not r.findings
    assert any("at most 2**30 elements" in c for c in r.covers), r.covers


def test_an_int8_accumulator_is_a_finding_and_holds_only_where_it_fits():
    # one block of values below 100 fits int8; the sum of two may not: PROVED only for the sizes
    # where the accumulator stays within int8 for every input (M = N = 3 is one), saying so
    r = lift(ADV / "int8_accumulator.toml", OPTS)
    assert r.status is Status.FINDINGS
    assert any("`acc += tl.load(" in f and "overflow int8" in f for f in _texts(r)), _texts(r)
    assert any("`acc += tl.load(" in c and "stays within int8 for every input" in c for c in r.covers), r.covers


def test_a_bounded_spec_needs_no_size_restriction():
    # cumsum's N <= 16384 keeps its index arithmetic in int32 only together with M: the ordinary
    # restriction is stated; an element-wise kernel over N <= 2**20 elements needs none
    r = lift(KERNELS / "axpy.toml", OPTS)
    assert r.status is Status.PROVED and not r.findings
