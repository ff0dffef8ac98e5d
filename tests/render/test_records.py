"""Results are records and every output says what a claim covers and rests on (issue 11.8,
issue 12.3): the prover's obligations with their status and solver time, the simplification
rules, the coverage (sizes, blocks, configurations), the assumptions (semantics, size
constraints, data ranges, lemmas, constants), in text and in JSON, for `lift` and `check` alike."""

from __future__ import annotations

import json
from pathlib import Path

from tritonlift.options import Options
from tritonlift.result import (
    SCHEMA_VERSION,
    Assumptions,
    Obligation,
    ObligationStatus,
    Status,
    Verdict,
)

KERNELS = Path(__file__).resolve().parents[1] / "kernels"
SOFTMAX = KERNELS / "softmax_row.toml"


def test_lift_json_carries_the_proof_and_its_scope():
    from tritonlift.pipeline import lift

    r = lift(SOFTMAX, Options())
    assert r.status is Status.PROVED
    data = json.loads(json.dumps(r.to_json()))
    assert data["schema_version"] == SCHEMA_VERSION == 2 and data["exit_code"] == 0
    obligations = data["verdict"]["obligations"]
    assert {"in-bounds", "value", "coverage"} <= {o["kind"] for o in obligations}
    assert all(o["status"] in ("proved", "derived") and isinstance(o["seconds"], float) for o in obligations)
    assert any(o["location"] and o["location"].endswith(".py:19:5") for o in obligations)
    assert "softmax-shift" in data["simplification"]["rules"]
    assert data["coverage"]["sizes"] == ["M ≥ 1", "N ≥ 1"]
    assert data["coverage"]["blocks"] and "next_power_of_2(N)" in data["coverage"]["blocks"][0]
    assert data["coverage"]["checked_sizes"] == data["checked_sizes"]
    a = data["assumptions"]
    assert a["sizes"] == ["M ≥ 1", "N ≥ 1"] and {"max_masked_tail", "sum_masked_tail"} <= set(a["lemmas"])
    assert any("real arithmetic" in s for s in a["semantics"])
    assert data["findings"] == [] and data["error"] is None


def test_lift_text_states_coverage_and_assumptions():
    from tritonlift.pipeline import lift
    from tritonlift.render.lift_text import lift_text

    r = lift(SOFTMAX, Options())
    text = lift_text(r, verbose=True)
    for part in ("proved for: all sizes M ≥ 1, N ≥ 1", "checked exactly at:", "semantics: real arithmetic",
                 "assumes: M ≥ 1; N ≥ 1", "assumptions: ", "max_masked_tail", "rules: softmax-shift",
                 "in-bounds y@19"):
        assert part in text, part


def test_data_ranges_are_assumptions():
    """An int input's declared range is a precondition: listed with the result."""
    from tritonlift.frontend.claims import assumptions
    from tritonlift.pipeline import load

    spec = load(KERNELS / "embedding_gather.toml")
    ranged = [n for n, d in spec.tensors.items() if d.value_range is not None]
    a = assumptions(spec)
    assert ranged and all(any(d.startswith(f"every element of {n} lies in [") for d in a.data) for n in ranged)


def test_check_and_lift_share_one_json_shape():
    from tritonlift.check import check_formula
    from tritonlift.pipeline import lift

    lifted = lift(SOFTMAX, Options(prove=False)).to_json()
    checked = check_formula(SOFTMAX, "y[i, j] = exp(x[i, j]) / sum(l, 0, N, exp(x[i, l]))",
                            Options(prove=False)).to_json()
    assert set(lifted) == set(checked)
    assert set(lifted["outputs"][0]) == set(checked["outputs"][0])
    assert checked["command"] == "check" and checked["assumptions"]["sizes"] == ["M ≥ 1", "N ≥ 1"]


def test_bounded_check_says_why_not_proved():
    """No stale "unbounded verification is not implemented yet": the reason is the prover's."""
    from tritonlift.check import check_formula
    from tritonlift.render.check_text import check_text

    r = check_formula(KERNELS / "row_sum_loop.toml", "out[i] = sum(k, 0, N, x[i, k])", Options(prove=False))
    assert r.status is Status.BOUNDED
    text = check_text(r)
    assert "not proved for all sizes: the prover did not run (--no-prove)" in text and "not implemented" not in text
    assert "semantics: " in text and "assumes: " in text


def test_check_reason_names_the_failed_obligation():
    from tritonlift.check import _reason

    v = Verdict(Status.UNKNOWN, "value y@12 not proved: unknown: timeout",
                (Obligation("y@12", "value", "unknown", 1.0, "unknown: timeout"),))
    assert _reason(Status.BOUNDED, [], 4, v, True) == ("equal to the kernel exactly at 4 sizes; not proved for all "
                                                       "sizes: value y@12 not proved: unknown: timeout")
    assert v.failed is v.obligations[0] and v.obligations[0].status is ObligationStatus.UNKNOWN


def test_obligation_status_is_an_enum_that_reads_as_before():
    o = Obligation("x", "in-bounds", "proved", 0.5)
    assert o.status is ObligationStatus.PROVED and o.status == "proved" and o.proved
    assert not Obligation("x", "value", "failed").proved
    assert Assumptions().trusted() == ()
