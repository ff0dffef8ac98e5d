"""`check`: a user's formula against a kernel. Protects: correct formulas for corpus kernels are
BOUNDED; wrong ones are REFUTED with a counterexample that replays numerically (and, when torch
and triton are installed, on the real kernel under TRITON_INTERPRET=1); formulas that are right
but written differently are never REFUTED; malformed formulas are one-line errors.

The correct formulas are `tritonlift lift --launch corpus/<item>.toml` output (`str(formula)`);
each wrong one differs in one plausible mistake.
"""

from __future__ import annotations

import importlib.util
import math
import os
from pathlib import Path

import numpy as np
import pytest

from tritonlift.check import check_formula, replay
from tritonlift.dsl.printer import parse
from tritonlift.errors import DslError
from tritonlift.pipeline import load
from tritonlift.render.check_text import check_text, counterexample_text
from tritonlift.render.unicode import to_unicode
from tritonlift.result import Status
from tritonlift.user_formula import from_unicode, parse_user_formula

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

# triton.autotune's warning about the warmup/rep arguments FlagGems' libtuner passes on
pytestmark = pytest.mark.filterwarnings("ignore:warmup, rep, and use_cuda_graph parameters are deprecated")

SUM_ROW = "sum(k, 0, N, inp[i, k])"
MAX_ROW = "max_over(k, 0, N, inp[i, k])"
MEAN = "sum(k, 0, N, x[i, k]) / N"
VAR = f"sum(l, 0, N, (x[i, l] - {MEAN}) * (x[i, l] - {MEAN}))"
LN_RSTD = f"rsqrt({VAR} / N + eps)"
LSE_LIGER = "max_over(k, 0, N, x[i, k])"

# item -> (lifted formula, wrong formula: the mistake in the comment)
ITEMS = {
    "15_sum": ("out[] = sum(k, 0, M, inp[k])",
               "out[] = sum(k, 1, M, inp[k])"),  # skips the first element
    "16_sum_dim": (f"out[i] = {SUM_ROW}",
                   "out[i] = sum(k, 0, N - 1, inp[i, k])"),  # misses the tail element
    "17_mean_dim": (f"out[i] = {SUM_ROW} / N",
                    f"out[i] = {SUM_ROW} / (N - 1)"),  # wrong normaliser N - 1
    "19_max_dim": (f"out_value[i] = {MAX_ROW}; out_index[i] = argmax(k, 0, N, inp[i, k])",
                   f"out_value[i] = {MAX_ROW}; out_index[i] = argmin(k, 0, N, inp[i, k])"),  # argmin
    "20_min": ("out[] = min_over(k, 0, M, inp[k])",
               "out[] = max_over(k, 0, M, inp[k])"),  # max for min
    "21_prod": ("out[] = prod(k, 0, M, inp[k])",
                "out[] = prod(k, 0, M, abs(inp[k]))"),  # loses the sign
    "23_softmax": (f"out[i, j] = exp(inp[i, j] - {MAX_ROW}) / sum(l, 0, N, exp(inp[i, l] - {MAX_ROW}))",
                   f"out[i, j] = exp(inp[i, j]) / sum(l, 0, N, exp(inp[i, l] - {MAX_ROW}))"),  # shift in one place
    "24_log_softmax": (
        f"out[i, j] = inp[i, j] + -1 * log(sum(l, 0, N, exp(inp[i, l] + -1 * {MAX_ROW}))) + -1 * {MAX_ROW}",
        f"out[i, j] = inp[i, j] - {MAX_ROW} - sum(l, 0, N, exp(inp[i, l] - {MAX_ROW}))"),  # missing log
    "25_layer_norm": (
        f"y[i, j] = (x[i, j] - {MEAN}) * {LN_RSTD} * weight[j] + bias[j]; mean[i] = {MEAN}; rstd[i] = {LN_RSTD}",
        f"y[i, j] = (x[i, j] - {MEAN}) * rsqrt({VAR} / (N - 1) + eps) * weight[j] + bias[j]; "
        f"mean[i] = {MEAN}; rstd[i] = {LN_RSTD}"),  # unbiased variance
    "26_rms_norm": (
        "y[i, j] = x[i, j] * (1 / sqrt(sum(k, 0, N, x[i, k] * x[i, k]) / N + eps)) * weight[j]; "
        "inv_rms[i] = 1 / sqrt(sum(k, 0, N, x[i, k] * x[i, k]) / N + eps)",
        "y[i, j] = x[i, j] * (1 / sqrt(sum(k, 0, N, x[i, k] * x[i, k]) / N)) * weight[j]"),  # no eps
    "28_cumsum": ("out[i, j] = sum(k, 0, j + 1, x[i, k])",
                  "out[i, j] = sum(k, 0, j, x[i, k])"),  # exclusive scan
    "30_mm": ("c[i, j] = sum(k, 0, K, a[i, k] * b[k, j])",
              "c[i, j] = sum(k, 0, K - 1, a[i, k] * b[k, j])"),  # missing last k
    "31_addmm": ("out[i, j] = sum(k, 0, K, mat1[i, k] * mat2[k, j]) * alpha + bias[j] * beta",
                 "out[i, j] = sum(k, 0, K, mat1[i, k] * mat2[k, j]) * beta + bias[j] * alpha"),  # swapped
    "34_liger_rms_norm": (
        "y[i, j] = x[i, j] * rsqrt(sum(k, 0, N, x[i, k] * x[i, k]) / N + eps) * (offset + w[j]); "
        "rstd[i] = rsqrt(sum(k, 0, N, x[i, k] * x[i, k]) / N + eps)",
        "y[i, j] = x[i, j] * rsqrt(sum(k, 0, N, x[i, k] * x[i, k]) / N + eps) * w[j]"),  # no offset
    "38_liger_softmax": (
        f"y[i, j] = exp(x[i, j] - {LSE_LIGER}) / sum(l, 0, N, exp(x[i, l] - {LSE_LIGER}))",
        f"y[i, j] = exp(x[i, j] - {LSE_LIGER}) / sum(l, 1, N, exp(x[i, l] - {LSE_LIGER}))"),  # drops l = 0
    "39_liger_cross_entropy": (
        "loss[i] = where(not target[i] == -100, (max_over(k, 0, V, x[i, k]) + log(sum(l, 0, V, "
        "exp2((x[i, l] - max_over(k, 0, V, x[i, k])) * 1.4426950408889634))) - x[i, target[i]]) / M, 0)",
        "loss[i] = (max_over(k, 0, V, x[i, k]) + log(sum(l, 0, V, exp2((x[i, l] - max_over(k, 0, V, "
        "x[i, k])) * 1.4426950408889634))) - x[i, target[i]]) / V"),  # divides by V, not M
}


def _needs(item: str) -> list[str]:
    return [m for m in ("liger_kernel" if "liger" in item else "flag_gems",) if importlib.util.find_spec(m) is None]


def _path(item: str) -> Path:
    return CORPUS / f"{item}.toml"


def _skip_missing(item: str) -> None:
    missing = _needs(item)
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (the [corpus] extra)")


@pytest.mark.parametrize("item", sorted(ITEMS))
def test_lifted_formula_checks_bounded(item):
    _skip_missing(item)
    r = check_formula(_path(item), ITEMS[item][0])
    assert r.status <= Status.BOUNDED, r.reason  # BOUNDED, or PROVED by the verifier
    assert r.counterexample is None and len(r.checked_sizes) >= 4
    assert all(v.status is Status.BOUNDED for v in r.outputs)
    assert str(r.status) in check_text(r)


@pytest.mark.parametrize("item", sorted(ITEMS))
def test_wrong_formula_is_refuted_with_a_replayable_counterexample(item):
    _skip_missing(item)
    wrong = ITEMS[item][1]
    r = check_formula(_path(item), wrong)
    assert r.status is Status.REFUTED, r.reason
    c = r.counterexample
    assert c is not None and c.kernel_value is not None
    assert {v.tensor: v.status for v in r.outputs}[c.tensor] is Status.REFUTED
    # every input tensor is there, with its full shape at the counterexample's sizes
    assert set(c.inputs) == {n for n, d in load(_path(item)).tensors.items() if d.direction in ("in", "inout")}
    k, f = replay(c, _path(item), wrong)
    assert k == pytest.approx(c.kernel_value, rel=1e-12) and f == pytest.approx(c.formula_value, rel=1e-12)
    assert abs(k - f) > 1e-9 and abs(k - f) > 1e-6 * max(abs(k), abs(f))
    line = check_text(r).splitlines()[0]
    assert ": error: " in line and f"{c.tensor}[" in line and "(kernel) but formula gives" in line
    assert all(f"{n}=" in line for n in c.sizes)
    assert r.to_json()["counterexample"]["inputs"] == c.inputs
    _replay_on_real_kernel(item, c)


def _replay_on_real_kernel(item: str, c) -> None:
    """The kernel's value, recomputed by the real kernel under the Triton interpreter."""
    if importlib.util.find_spec("torch") is None or importlib.util.find_spec("triton") is None:
        return
    if os.environ.get("TRITON_INTERPRET") != "1":
        return
    from tritonlift.bench.interp_run import run_kernels
    from tritonlift.frontend.concrete import instantiate
    from tritonlift.options import Options

    conc = instantiate(load(_path(item)), c.sizes, c.choice)
    out = run_kernels(conc, c.arrays(), c.reals, generated_dir=Options().generated_dir)
    real = float(out[c.tensor][c.index])
    assert real == pytest.approx(c.kernel_value, rel=1e-4, abs=1e-5), (item, real, c.kernel_value)
    assert not math.isclose(real, c.formula_value, rel_tol=1e-4, abs_tol=1e-5), (item, real, c.formula_value)


def test_at_least_ten_items():
    assert len(ITEMS) >= 10


def test_counterexample_line_is_replayable_by_hand():
    _skip_missing("17_mean_dim")
    r = check_formula(_path("17_mean_dim"), ITEMS["17_mean_dim"][1])
    c = r.counterexample
    text = counterexample_text(c)
    # the printed inputs are the stored ones, exactly (Python literals)
    printed = text.split(" when inp = ", 1)[1].rsplit(" at ", 1)[0]
    assert np.array_equal(np.asarray(eval(printed)), c.arrays()["inp"])  # noqa: S307 - our own output


def test_right_formula_in_another_form_is_proved():
    # the naive softmax equals the kernel's max-shifted one over the reals: the decider's
    # exp-shift canonical form shows it at every checked size, and the prover `lift` runs with
    # the simplifier's proved rules for every size (issue 12: `check` accepts what `lift` prints)
    _skip_missing("23_softmax")
    r = check_formula(_path("23_softmax"), "out[i, j] = exp(inp[i, j]) / sum(l, 0, N, exp(inp[i, l]))")
    assert r.status is Status.PROVED, r.reason
    assert r.counterexample is None


def test_a_difference_within_fp_tolerance_is_not_a_counterexample():
    _skip_missing("15_sum")
    r = check_formula(_path("15_sum"), "out = sum(k, 0, M, inp[k]) + 1e-12")
    assert r.status is Status.UNKNOWN and r.counterexample is None
    assert "tolerance" in r.reason


def test_an_element_the_kernel_never_writes_refutes_the_formula(tmp_path):
    # one program too few: the last row of `out` is never written
    kernel = Path(__file__).resolve().parent / "kernels" / "row_sum_loop.py"
    spec = tmp_path / "short_grid.toml"
    spec.write_text(f"""
kernel = "{kernel}::row_sum_loop_kernel"
grid = ["M - 1"]
[sizes]
M = "M >= 2"
N = ""
[tensors]
x = "in f32[M, N]"
out = "out f32[M]"
[args]
x_ptr = "x"
out_ptr = "out"
N = "N"
stride_row = "N"
BLOCK_N = 4
""")
    formula = "out[i] = sum(k, 0, N, x[i, k])"
    r = check_formula(spec, formula)
    assert r.status is Status.REFUTED
    c = r.counterexample
    assert c.kernel_value is None and c.index == (c.sizes["M"] - 1,)
    assert "never written by the kernel" in check_text(r).splitlines()[0]
    assert replay(c, spec, formula)[0] is None


def test_uninterpreted_random_calls_with_their_reference_implementation():
    # dropout: Philox is uninterpreted in the DSL; given its reference implementation (bench
    # tooling), elements that depend on it can serve as witnesses
    _skip_missing("29_dropout")
    from tritonlift.bench.philox_reference import RANDOM_CALLS

    keep = "call('uint_to_uniform_float', call('philox0', seed, i + offset, 0, 0, 0)) > prob"
    wrong = f"y[i] = x[i] * (1.0 / (1.0 + prob)) * where({keep}, 1, 0)"
    assert check_formula(_path("29_dropout"), wrong).status is not Status.REFUTED  # no numbers for philox
    r = check_formula(_path("29_dropout"), wrong, calls=RANDOM_CALLS)
    assert r.status is Status.REFUTED and r.unstated == ("keep",)
    c = r.counterexample
    assert replay(c, _path("29_dropout"), wrong, calls=RANDOM_CALLS) == (c.kernel_value, c.formula_value)
    _replay_on_real_kernel("29_dropout", c)
    right = f"y[i] = x[i] * (1.0 / (1.0 - prob)) * where({keep}, 1, 0); keep[i] = {keep}"
    assert check_formula(_path("29_dropout"), right, calls=RANDOM_CALLS).status <= Status.BOUNDED


def test_z3_model_finds_a_witness_random_inputs_miss():
    # differs only at x = 161/512, which no random input (multiples of 1/16) hits
    _skip_missing("01_abs.scalar")
    wrong = "out[i] = where(x[i] == 0.314453125, 1.0, abs(x[i]))"
    r = check_formula(_path("01_abs.scalar"), wrong)
    assert r.status is Status.REFUTED, r.reason
    assert r.counterexample.found_by.startswith("z3")
    assert replay(r.counterexample, _path("01_abs.scalar"), wrong) == (0.314453125, 1.0)


def test_unicode_rendering_is_accepted():
    _skip_missing("23_softmax")
    launch = load(_path("23_softmax"))
    formula = parse_user_formula(ITEMS["23_softmax"][0], launch)
    body = formula.outputs[0].body
    text = f"out[i, j] = {to_unicode(body)}"
    assert parse_user_formula(text, launch).outputs[0].body is body
    assert check_formula(_path("23_softmax"), text).status <= Status.BOUNDED


@pytest.mark.parametrize("text, expected", [
    ("Σ_{k<N} a[i, k]·b[k] + c", "sum(k, 0, N, a[i, k] * b[k]) + c"),
    ("x[i] / Σ_{0≤k<j+1} exp(x[k] − 1)", "x[i] / sum(k, 0, j+1, exp(x[k] - 1))"),
    ("max_{k<N} max_{l<N} x[k]·x[l]", "max_over(k, 0, N, max_over(l, 0, N, x[k] * x[l]))"),
    ("√(x[i])^2", "sqrt(x[i]) ** 2"),
    ("|x[i] − |y[i]||", "abs(x[i] - abs(y[i]))"),
    ("where(¬(t[i] = −100) ∧ t[i] ≥ 0, 1, 0)", "where(not t[i] == -100 and t[i] >= 0, 1, 0)"),
    ("philox0(seed, i) > prob", "call('philox0', seed, i) > prob"),
])
def test_unicode_rendering_symbols(text, expected):
    assert parse(from_unicode(text, force=True)) is parse(expected)


def test_unicode_rendering_of_lifted_formulas_checks_bounded():
    for item in ("19_max_dim", "25_layer_norm", "28_cumsum", "39_liger_cross_entropy"):
        _skip_missing(item)
        launch = load(_path(item))
        formula = parse_user_formula(ITEMS[item][0], launch)
        text = "\n".join(f"{o.tensor}[{', '.join(o.index_vars)}] = {to_unicode(o.body)}" for o in formula.outputs)
        assert check_formula(_path(item), text).status <= Status.BOUNDED, text


@pytest.mark.parametrize("formula, message", [
    ("", "empty"),
    ("out[i, j] = ", "nothing on the right"),
    ("out[i, j] = exp(inp[i, j]", "unexpected end"),
    ("nosuch[i, j] = inp[i, j]", "not an output tensor"),
    ("inp[i, j] = 1", "not an output tensor"),
    ("out[i] = inp[i, 0]", "rank 2"),
    ("out[i, i] = inp[i, i]", "repeated index variable"),
    ("out[I, j] = inp[I, j]", "lowercase letter"),
    ("out[i, j] = inp[i, k]", "'k' is not on the left side"),
    ("out[i, j] = inp[i]", "read with 1 index"),
    ("out[i, j] = inp[i, j] * Q", "unknown name 'Q'"),
    ("out[i, j] = out[i, j]", "is an output"),
    ("out[i, j] = inp[i, j]; out[i, j] = 0", "defined twice"),
    ("out[i, j] = inp[i, j] $ 2", "unexpected character"),
    ("out[i, j] = Σ_{k N} inp[i, k]", "binder range"),
    ("out[i, j] inp[i, j]", "expected `tensor[i, ...] = expression`"),
])
def test_malformed_formulas_are_located_errors(formula, message):
    _skip_missing("23_softmax")
    with pytest.raises(DslError) as e:
        check_formula(_path("23_softmax"), formula)
    first = str(e.value).splitlines()[0]
    assert first.startswith("<formula>:1:") and "formula error: " in first
    assert message in first
    assert e.value.loc is not None and e.value.loc.col >= 1
