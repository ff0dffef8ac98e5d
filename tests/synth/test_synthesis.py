"""Synthesis end to end on kernels written here: formulas in sizes only, exact at every checked
size, and honest failures."""

from pathlib import Path

import pytest

from tritonlift.dsl import to_text
from tritonlift.dsl.term import Op, walk
from tritonlift.options import Options
from tritonlift.pipeline import lift, load, run_spec
from tritonlift.result import Status
from tritonlift.synth import SynthFailure, synthesize, verify_formula

ROOT = Path(__file__).resolve().parents[2]
K = ROOT / "tests" / "kernels"


@pytest.mark.parametrize(
    "spec, expected",
    [
        ("row_sum_loop.toml", "out[i] = sum(k, 0, N, x[i, k])"),
        ("cumsum_row.toml", "y[i, j] = sum(k, 0, j + 1, x[i, k])"),
        ("transpose_copy.toml", "dst[i, j] = src[j, i]"),
        ("matmul_tiled.toml", "c[i, j] = sum(k, 0, K, a[i, k] * b[k, j])"),
        ("embedding_gather.toml", "y[i, j] = w[idx[i], j]"),
        ("argmax_row.toml", "argmax(k, 0, N, x[i, k])"),
    ],
)
def test_lifted_formulas(spec, expected):
    r = lift(K / spec, Options(prove=False, simplify=False))
    assert r.status is Status.BOUNDED, r.reason
    assert expected in str(r.formula)


def test_online_softmax_lifts_to_one_formula():
    r = lift(K / "online_softmax.toml", Options(prove=False, simplify=False))
    assert r.status is Status.BOUNDED, r.reason
    body = r.formula.outputs[0].body
    ops = {n.op for n in walk(body)}
    assert Op.SUM in ops and Op.MAXR in ops and Op.EXP in ops


def test_formulas_never_mention_block_sizes_or_programs():
    for spec in ("row_sum_loop.toml", "softmax_row.toml", "layer_norm.toml", "matmul_tiled.toml"):
        r = lift(K / spec, Options(prove=False, simplify=False))
        assert r.status is Status.BOUNDED, (spec, r.reason)
        text = str(r.formula)
        assert "BLOCK" not in text and "pid" not in text and "stride" not in text


def test_a_wrong_formula_is_rejected_by_unseen_sizes():
    spec = load(K / "row_sum_loop.toml")
    small = [run_spec(spec, {"M": 2, "N": 3})]
    formula = synthesize(small, list(spec.sizes))
    # synthesised from N=3 only, the bound is the literal 3 or N; at N=5 only N survives
    bad = verify_formula(formula, [run_spec(spec, {"M": 2, "N": 5})])
    assert (bad is None) == ("N" in to_text(formula.outputs[0].body))


def test_unspecified_lanes_fail_honestly():
    r = lift(ROOT / "corpus" / "32_bmm.toml", Options(prove=False, simplify=False))
    if r.status is Status.ERROR:
        pytest.skip(r.reason)
    assert r.status is Status.UNSUPPORTED
    assert "unspecified value" in r.reason


def test_linear_recurrence_is_an_honest_failure():
    r = lift(K / "linear_recurrence.toml", Options(prove=False, simplify=False))
    assert r.status is Status.UNSUPPORTED and r.formula is None and r.reason


def test_synthesize_needs_specs():
    with pytest.raises(SynthFailure):
        synthesize([], [])
