"""Textbook recognition (issue 12, point 2), end to end: kernels that write activations and
softmax the way kernels do (tests/kernels/textbook_forms.py, softmax_temperature.py) are lifted
to the textbook names, proved, and `check` of the printed text is PROVED; a formula off by a
constant, with the wrong named function or the wrong rational is REFUTED. Also the pieces:
exact rationals from kernel constants, -inf scaled by a positive symbol, names of shared
sub-expressions, in-place updates, `where` clauses read back."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from tritonlift.check import check_formula
from tritonlift.dsl import build
from tritonlift.dsl.printer import parse
from tritonlift.dsl.term import ExactQuotient, Op, exact_div, sym
from tritonlift.options import Options
from tritonlift.pipeline import lift, load
from tritonlift.render.lift_text import lift_text
from tritonlift.render.shared import mark_old_values, role, shared_subterms
from tritonlift.result import Formula, OutputFormula, Status
from tritonlift.user_formula import parse_user_formula

KERNELS = Path(__file__).resolve().parents[1] / "kernels"
FORMS = KERNELS / "textbook_forms.toml"
TEMP = KERNELS / "softmax_temperature.toml"

PRINTED = {  # what `lift` prints for textbook_forms.toml
    "t": "t[i] = tanh(x[i])",
    "g": "g[i] = gelu_tanh(x[i])",
    "e": "e[i] = gelu(x[i])",
    "l": "l[i] = logsigmoid(x[i])",
    "h": "h[i] = x[i]·min(max(x[i] + 3, 0), 6) / 6",
}


def _printed(r) -> list[str]:
    return [line.strip() for line in lift_text(r).splitlines()[1:] if line.startswith("  ") and "] = " in line
            and not line.startswith("   ")][: len(r.formula.outputs)]


def test_activations_are_named_and_proved():
    r = lift(FORMS, Options())
    assert r.status is Status.PROVED, r.reason
    assert _printed(r) == list(PRINTED.values())
    assert "1.5957691216057308" not in lift_text(r).split("as written")[0]


def test_check_of_the_printed_activations_is_proved():
    r = check_formula(FORMS, "; ".join(PRINTED.values()))
    assert r.status is Status.PROVED, r.reason
    assert any("1/√2" in a for a in r.assumptions.constants)  # the literal in gelu's erf argument


@pytest.mark.parametrize("wrong", [
    "h[i] = x[i]·min(max(x[i] + 3, 0), 6) / 7",  # wrong rational
    "h[i] = x[i]·min(max(x[i] + 3, 0), 6) / 6 + 0.001",  # off by a constant
    "h[i] = x[i]·min(max(x[i] + 3, 0), 6)·0.1666",  # a rounded rational
    "l[i] = softplus(x[i])",  # wrong named function
    "l[i] = −softplus(x[i])",
    "g[i] = gelu(x[i])",  # exact GELU for the tanh approximation
    "e[i] = gelu_tanh(x[i])",
    "t[i] = tanh(2·x[i])",
])
def test_check_of_a_wrong_activation_is_refuted(wrong):
    r = check_formula(FORMS, wrong)
    assert r.status is Status.REFUTED, r.reason


def test_softmax_with_a_symbolic_temperature():
    r = lift(TEMP, Options())
    assert r.status is Status.PROVED, r.reason
    assert _printed(r) == ["y[i, j] = exp(x[i, j] / temp) / (Σ_{l<N} exp(x[i, l] / temp))"]
    c = check_formula(TEMP, _printed(r)[0])
    assert c.status is Status.PROVED, c.reason
    for wrong in ("y[i, j] = exp(x[i, j]·temp) / (Σ_{l<N} exp(x[i, l]·temp))",
                  "y[i, j] = exp(x[i, j] / (2·temp)) / (Σ_{l<N} exp(x[i, l] / (2·temp)))"):
        assert check_formula(TEMP, wrong).status is Status.REFUTED


def test_logsumexp_with_a_symbolic_scale():
    path = KERNELS / "log_softmax_scaled.toml"
    r = lift(path, Options())
    assert r.status is Status.PROVED, r.reason
    assert _printed(r) == ["y[i, j] = x[i, j]·scale − log(Σ_{l<N} exp(x[i, l]·scale))"]
    assert check_formula(path, _printed(r)[0]).status is Status.PROVED
    assert check_formula(path, "y[i, j] = x[i, j]·scale − log(Σ_{l<N} exp(x[i, l]))").status is Status.REFUTED


def test_in_place_update_reads_old_values():
    path = KERNELS / "inplace_double.toml"
    r = lift(path, Options())
    assert _printed(r) == ["x[i] = x_old[i]·2"]
    assert check_formula(path, "x[i] = x_old[i]·2").status is Status.PROVED
    assert check_formula(path, "x[i] = x_old[i]·3").status is Status.REFUTED


# -- the pieces ----------------------------------------------------------------------------------

def test_kernel_constants_divide_exactly():
    q = exact_div(1.0, 6.0)
    assert isinstance(q, ExactQuotient) and q == 1.0 / 6.0 and q.exact == Fraction(1, 6)
    assert str(build.as_term(q)) == "1 / 6"
    assert (q * 6) == 1.0 and not isinstance(q * 6, ExactQuotient)  # exact again: a plain float
    assert isinstance(2 * q, ExactQuotient) and (2 * q).exact == Fraction(1, 3)
    assert isinstance(-q, ExactQuotient) and (1.0 - q).exact == Fraction(5, 6)
    assert exact_div(1.0, 4.0) == 0.25 and type(exact_div(1.0, 4.0)) is float
    assert int(q * 12) == 2 and q < 0.2  # a Python float wherever Python uses it


def test_minus_infinity_times_a_positive_symbol():
    temp = sym("temp", "real")
    scaled = build.div(const_inf := build.const(-float("inf")), temp)
    assert scaled.op is Op.DIV  # the sign of temp is unknown
    with build.positive_symbols(frozenset({"temp"})):
        assert build.mul(const_inf, build.div(build.const(1.4426950408889634), temp)).value == -float("inf")
        assert build.div(const_inf, temp).value == -float("inf")
        assert build.mul(const_inf, build.neg(temp)).value == float("inf")
        assert build.mul(const_inf, build.sub(temp, build.const(1))).op is Op.MUL  # sign unknown
    assert build.mul(const_inf, temp).op is Op.MUL


@pytest.mark.parametrize(("text", "name"), [
    ("sum(k, 0, N, x[i, k]) / N", "mean"),
    ("sum(k, 0, N, (x[i, k] - sum(l, 0, N, x[i, l]) / N) ** 2) / N", "var"),
    ("sqrt(sum(k, 0, N, x[i, k] ** 2) / N + eps)", "rms"),
    ("1 / sqrt(sum(k, 0, N, x[i, k] ** 2) / N + eps)", "rstd"),
    ("rsqrt(sum(k, 0, N, x[i, k] * x[i, k]) / N + eps)", "rstd"),
    ("log(sum(k, 0, N, exp(x[i, k])))", "lse"),
    ("max_over(k, 0, N, x[i, k])", "mx"),
    ("sum(k, 0, N, x[i, k])", "s"),
    ("sum(k, 0, N, x[i, k]) * 2", None),
])
def test_shared_sub_expressions_are_named_for_what_they_are(text, name):
    assert role(parse(text, {"N": "size", "eps": "real"})) == name


def test_names_never_clash_and_never_mislead():
    kinds = {"N": "size", "eps": "real"}
    s = parse("sum(k, 0, N, x[i, k])", kinds)
    f = Formula((OutputFormula("y", ("i", "j"), parse("x[i, j] / sum(k, 0, N, x[i, k]) + sum(k, 0, N, x[i, k])", kinds)),
                 OutputFormula("s", ("i",), s)))
    names = shared_subterms(f)
    assert [n for n, _, _ in names] == ["s_x"]  # `s` is an output: the sum of x
    assert all("μ" not in n for n, _, _ in names)


def test_where_clauses_are_read_back():
    spec = load(KERNELS / "layer_norm.toml")
    text = ("y[i, j] = ((x[i, j] − mean_x[i]) / std[i])·w[j] + b[j]; mean[i] = mean_x[i]; rstd[i] = 1 / std[i]\n"
            "    where mean_x[i] = (Σ_{k<N} x[i, k]) / N\n"
            "    where std[i] = √((Σ_{l<N} (x[i, l] − mean_x[i])^2) / N + eps)")
    f = parse_user_formula(text, spec)
    assert [o.tensor for o in f.outputs] == ["y", "mean", "rstd"]
    assert "mean_x" not in str(f) and "sqrt(sum(l, 0, N, (x[i, l] - sum(k, 0, N, x[i, k]) / N) ** 2) / N + eps)" in str(f)
    assert mark_old_values(f) is f


def test_a_where_clause_naming_a_tensor_is_an_error():
    from tritonlift.errors import DslError

    spec = load(KERNELS / "layer_norm.toml")
    with pytest.raises(DslError, match="names a tensor"):
        parse_user_formula("mean[i] = w[i]\n  where w[i] = x[i, 0]", spec)
