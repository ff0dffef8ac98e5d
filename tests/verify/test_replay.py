"""Counterexamples at any size (issue 11, point 5): a solver model of a failed obligation is
replayed by executing the kernel at the model's sizes, whole or only the model's programs, and a
size-threshold bug past every checked size is REFUTED with a counterexample that replays."""

from __future__ import annotations

from pathlib import Path

import pytest

from tritonlift.check import check_formula, replay
from tritonlift.options import Options
from tritonlift.pipeline import load
from tritonlift.result import Status
from tritonlift.verify.replay import ModelPoint

ADV = Path(__file__).resolve().parents[2] / "tests" / "soundness" / "adversarial"


@pytest.mark.parametrize("name, formula, least", [
    ("threshold_780", "y[i] = 2 * x[i]", 780),  # wrong once n >= 780: the whole launch runs there
    ("threshold_1204", "y[i] = x[i]", 1204),  # the last elements unwritten past 1203
    ("threshold_66561", "y[i] = -x[i]", 66561),  # past the executor's bound: the model's programs only
    ("pid_threshold", "y[i] = 3 * x[i]", 161),  # programs 40 and up add 1
])
def test_bug_past_every_checked_size_is_refuted_and_replays(name, formula, least):
    r = check_formula(ADV / f"{name}.toml", formula, Options(simplify=False))
    assert r.status is Status.REFUTED, r.reason
    c = r.counterexample
    assert c is not None and c.sizes["N"] >= least
    kernel, want = replay(c, ADV / f"{name}.toml", formula)
    assert want == pytest.approx(c.formula_value)
    assert kernel is None or abs(kernel - want) > 1e-6 * max(abs(kernel), abs(want), 1.0)
    if name == "threshold_66561":
        assert c.programs and all(p[0] in (64, 65) for p in c.programs)


def test_split_k_with_store_is_refuted_past_one_split():
    r = check_formula(ADV / "split_k_store.toml", "y[i] = sum(k, 0, K, a[i, k] * v[k])", Options(simplify=False))
    # the splits race on y[i]: a bug found (FINDINGS) with the counterexample
    assert r.status in (Status.REFUTED, Status.FINDINGS), r.reason
    assert r.counterexample is not None and r.counterexample.sizes["K"] > 64


def test_model_point_reads_sizes_programs_and_lanes():
    spec = load(ADV / "threshold_780.toml")
    p = ModelPoint.from_model(spec, (("N", "832"), ("l0", "3"), ("p0", "2"), ("p1", "0"), ("p2", "0")))
    assert p == ModelPoint({"N": 832}, (2, 0, 0), (3,))
    assert ModelPoint.from_model(spec, (("l0", "3"),)) is None  # no sizes: nothing to replay
    assert ModelPoint.from_model(spec, (("N", "-4"),)) is None
