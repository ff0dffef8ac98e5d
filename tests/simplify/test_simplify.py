"""The simplify stage on formulas as synthesis writes them: textbook results, the equality gate,
the listed assumptions, limits and binder names. (Every rule's soundness: test_rules.py; every
corpus item's printed result: tests/golden.)"""

from __future__ import annotations

import pytest

from tritonlift.dsl import parse
from tritonlift.dsl.term import Op, Term, const
from tritonlift.result import Formula, OutputFormula
from tritonlift.simplify import Limits, SimplifyContext, simplify
from tritonlift.simplify.check import EqualityCheck
from tritonlift.simplify.rules import RULES, Rule
from tritonlift.synth.instantiate import instantiate

ROWS = SimplifyContext(sizes=({"M": 2, "N": 1}, {"M": 2, "N": 3}, {"M": 1, "N": 5}), positive=frozenset({"eps"}))
FLAT = SimplifyContext(sizes=({"N": 1}, {"N": 4}))


def _one(text: str, index: tuple[str, ...] = ("i", "j"), tensor: str = "y") -> Formula:
    return Formula((OutputFormula(tensor, index, parse(text)),))


CASES = [
    # (as lifted, textbook form, index variables)
    ("exp(x[i, j] - max_over(k, 0, N, x[i, k])) / sum(l, 0, N, exp(x[i, l] - max_over(k, 0, N, x[i, k])))",
     "exp(x[i, j]) / sum(l, 0, N, exp(x[i, l]))", ("i", "j")),
    ("x[i, j] + -1 * log(sum(l, 0, N, exp(x[i, l] + -1 * max_over(k, 0, N, x[i, k])))) + -1 * max_over(k, 0, N, x[i, k])",
     "x[i, j] - log(sum(l, 0, N, exp(x[i, l])))", ("i", "j")),
    ("exp2((x[i, j] - max_over(k, 0, N, x[i, k])) * 1.4426950408889634) / "
     "sum(l, 0, N, exp2((x[i, l] - max_over(k, 0, N, x[i, k])) * 1.4426950408889634))",
     "exp(x[i, j]) / sum(l, 0, N, exp(x[i, l]))", ("i", "j")),
    ("max_over(k, 0, N, x[i, k]) + log(sum(l, 0, N, exp(x[i, l] - max_over(k, 0, N, x[i, k])))) - x[i, 0]",
     "log(sum(l, 0, N, exp(x[i, l]))) - x[i, 0]", ("i",)),
    ("x[i, j] * rsqrt(sum(k, 0, N, x[i, k] * x[i, k]) / N + eps) * w[j]",
     "x[i, j] / sqrt(sum(k, 0, N, x[i, k] ** 2) / N + eps) * w[j]", ("i", "j")),
    ("x[i, j] * (1.0 / sqrt(sum(k, 0, N, x[i, k] * x[i, k]) / N + eps)) * w[j]",
     "x[i, j] / sqrt(sum(k, 0, N, x[i, k] ** 2) / N + eps) * w[j]", ("i", "j")),
    ("sum(l, 0, N, (sum(k, 0, N, 1.0 / N * x[i, k]) - x[i, l]) * (sum(k, 0, N, 1.0 / N * x[i, k]) - x[i, l])) / (N - 1)",
     "sum(l, 0, N, (x[i, l] - sum(k, 0, N, x[i, k]) / N) ** 2) / (N - 1)", ("i",)),
    ("sum(k, 0, N, x[i, k] * x[i, k]) / N - (sum(k, 0, N, x[i, k]) / N) ** 2",
     "sum(k, 0, N, (x[i, k] - sum(l, 0, N, x[i, l]) / N) ** 2) / N", ("i",)),
    ("sum(k, 0, N, x[i, k]) * (1 / N)", "sum(k, 0, N, x[i, k]) / N", ("i",)),
    ("sum(k, 0, N, x[i, k]) * w[i] ** -1", "sum(k, 0, N, x[i, k]) / w[i]", ("i",)),
    ("1 / (1 + exp2(-x[i] * 1.4426950408889634))", "sigmoid(x[i])", ("i",)),
    ("x[i] / (1.0 + exp(-x[i]))", "silu(x[i])", ("i",)),
    ("a[i] * (1.0 / (1.0 + exp(-a[i]))) * b[i]", "silu(a[i]) * b[i]", ("i",)),
    ("a[i] * gate * sigmoid(a[i] * gate) * b[i]", "silu(a[i] * gate) * b[i]", ("i",)),
    ("0.5 * x[i] * (1 + erf(x[i] * 0.7071067811))", "gelu(x[i])", ("i",)),
    ("0.5 * x[i] * (1.0 + erf(x[i] * 0.7071067811865476))", "gelu(x[i])", ("i",)),
    ("0.5 * a[i] * (1 + tanh(0.7978845608028654 * (a[i] + 0.044715 * a[i] * a[i] * a[i]))) * b[i]",
     "gelu_tanh(a[i]) * b[i]", ("i",)),
    ("0.5 * x[i] * (1.0 + (2.0 * (1.0 / (1.0 + exp(-(1.5957691216057308 * (x[i] + 0.044715 * x[i] * x[i] * x[i]))))) - 1.0))",
     "gelu_tanh(x[i])", ("i",)),
    ("log(1 + exp(x[i]))", "softplus(x[i])", ("i",)),
    ("where(x[i] > 0, x[i], 0)", "max(x[i], 0)", ("i",)),
    ("where(x[i] > 0, x[i], x[i] * slope)", "where(x[i] > 0, x[i], x[i] * slope)", ("i",)),
    ("1.0 / (-2 * N) * exp(x[i]) + -1 * x[i]", "-(exp(x[i]) / (2 * N)) - x[i]", ("i",)),
    ("(x[i] + -1.0) * 3.0", "(x[i] - 1) * 3", ("i",)),
    ("abs(exp(x[i]))", "exp(x[i])", ("i",)),
]


@pytest.mark.parametrize("lifted, textbook, index", CASES, ids=[c[1] for c in CASES])
def test_textbook_form(lifted: str, textbook: str, index: tuple[str, ...]):
    ctx = ROWS if "j" in index or "N" in lifted else FLAT
    ctx = SimplifyContext(sizes=tuple({**s, "N": s.get("N", 3)} for s in ctx.sizes), positive=ctx.positive)
    res = simplify(_one(lifted, index), ctx)
    assert str(res.formula.outputs[0].body) == textbook, res.reason
    if textbook != lifted:
        assert res.checked and res.changed and not res.reason


def test_assumptions_are_listed_only_when_used():
    res = simplify(_one("1 / (1 + exp2(-x[i] * 1.4426950408889634))", ("i",)), FLAT)
    assert [a.key for a in res.assumptions] == ["log2e"]
    assert "1.4426950408889634 read as log2(e)" in res.explain()
    res = simplify(_one("0.5 * a[i] * (1 + tanh(0.7978845608028654 * (a[i] + 0.044715 * a[i] ** 3)))", ("i",)), FLAT)
    assert [a.key for a in res.assumptions] == ["sqrt_2_over_pi"]
    res = simplify(_one("exp(x[i, j]) / sum(l, 0, N, exp(x[i, l]))"), ROWS)
    assert res.assumptions == ()


def test_an_unsound_rule_is_caught_by_the_check():
    """The gate: a wrong rewrite (here an injected unsound rule) never reaches the result."""
    bad = Rule("bad-shift", "exp(a - c)", "exp(a)")
    f = _one("exp(x[i, j] - max_over(k, 0, N, x[i, k]))")
    res = simplify(f, ROWS, rules=(*RULES, bad))
    assert res.formula is f and not res.checked
    assert "not shown equal" in res.reason and "kept the lifted one" in res.reason
    assert "bad-shift" in res.rules_fired


def test_nothing_is_shown_unchecked():
    f = _one("x[i] / (1.0 + exp(-x[i]))", ("i",))
    res = simplify(f, SimplifyContext())
    assert res.formula is f and not res.checked and "no sample sizes" in res.reason


def test_infinite_constants_are_left_alone():
    t = Term.make(Op.MAX, (parse("x[i] * x[i]"), const(float("-inf"))))  # unfolded on purpose
    f = Formula((OutputFormula("y", ("i",), t),))
    res = simplify(f, FLAT)
    assert res.formula is f and "infinite" in res.reason


def test_shift_dependent_on_the_bound_index_is_not_removed():
    """free(c, v): the inner sum rebinds l, so y[l] differs inside and outside it; the max-shift
    rule must not fire (it would be unsound)."""
    f = _one("sum(l, 0, N, exp(x[i, l] - y[l]) / sum(l, 0, N, exp(x[i, l] - y[l])))", ("i",))
    res = simplify(f, ROWS)
    assert "softmax-shift" not in res.rules_fired
    assert res.checked or res.formula is f


def test_renamed_binders_never_shadow():
    res = simplify(_one("sum(k, 0, N, x[i, k] ** 2) / N - (sum(k, 0, N, x[i, k]) / N) ** 2", ("i",)), ROWS)
    text = str(res.formula.outputs[0].body)
    assert "sum(k, 0, N, (x[i, k] - sum(l, 0, N, x[i, l]) / N) ** 2) / N" == text


def test_prefix_ranges_are_checked_element_by_element():
    """A binder bound depending on an output index cannot be instantiated with the index left
    symbolic: the check then compares every element (the output shapes are needed)."""
    f = _one("sum(k, 0, j + 1, x[i, k] * x[i, k])")
    sizes = ({"M": 2, "N": 3},)
    res = simplify(f, SimplifyContext(sizes=sizes, shapes=({"y": (2, 3)},)))
    assert res.checked and str(res.formula.outputs[0].body) == "sum(k, 0, j + 1, x[i, k] ** 2)"
    res = simplify(f, SimplifyContext(sizes=sizes))
    assert not res.checked and "shape unknown" in res.reason


def test_limits_bound_the_run():
    res = simplify(_one(CASES[1][0]), ROWS, limits=Limits(iterations=1, per_round=1))
    assert res.stats.iterations == 1 and res.stats.stopped_by == "iterations"
    assert res.checked or res.reason  # whatever was found is still checked


def test_several_outputs_share_one_egraph():
    mean = "sum(k, 0, N, x[i, k]) / N"
    f = Formula((OutputFormula("y", ("i", "j"), parse(f"(x[i, j] - {mean}) * rsqrt(sum(l, 0, N, (x[i, l] - {mean}) * (x[i, l] - {mean})) / N + eps)")),
                 OutputFormula("mean", ("i",), parse(mean))))
    res = simplify(f, ROWS)
    assert res.checked
    assert str(res.formula.outputs[0].body) == f"(x[i, j] - {mean}) / sqrt(sum(l, 0, N, (x[i, l] - {mean}) ** 2) / N + eps)"
    assert res.formula.outputs[1].body is f.outputs[1].body


def test_check_relates_shifted_and_naive_forms_exactly():
    check = EqualityCheck()
    stable = parse("exp(x[i, j] - max_over(k, 0, N, x[i, k])) / sum(l, 0, N, exp(x[i, l] - max_over(k, 0, N, x[i, k])))")
    naive = parse("exp(x[i, j]) / sum(l, 0, N, exp(x[i, l]))")
    wrong = parse("exp(x[i, j]) / sum(l, 0, N, exp(x[i, l] - max_over(k, 0, N, x[i, k])))")
    env = {"N": 4}
    assert check.ground_equal(instantiate(stable, env), instantiate(naive, env))
    assert not check.ground_equal(instantiate(wrong, env), instantiate(naive, env))
    assert check.ground_equal(parse("tanh(x[0])"), parse("2 * sigmoid(2 * x[0]) - 1"))
    assert not check.ground_equal(parse("tanh(x[0])"), parse("2 * sigmoid(x[0]) - 1"))


def test_mean_is_recognisable_for_printing():
    from tritonlift.simplify.mean import as_mean

    res = simplify(_one("1.0 / N * sum(k, 0, N, x[i, k])", ("i",)), ROWS)
    v, n, body = as_mean(res.formula.outputs[0].body)
    assert (v, str(n), str(body)) == ("k", "N", "x[i, k]")
    assert as_mean(parse("sum(k, 0, N, x[i, k]) / M")) is None


def test_reused_egraph_answers_as_a_fresh_one():
    """A run reuses the rules-only e-graph a previous run left (push/pop): the results must not
    depend on what was simplified before, nor on whether the e-graph is fresh."""
    from tritonlift.simplify import egraph

    texts = [(t, ix) for t, _, ix in CASES[:6]]
    fresh = []
    for t, ix in texts:
        egraph._PREPARED.clear()
        fresh.append(simplify(_one(t, ix), ROWS).formula)
    egraph._PREPARED.clear()
    for (t, ix), want in zip(reversed(texts), reversed(fresh), strict=True):
        assert simplify(_one(t, ix), ROWS).formula == want
    assert egraph._PREPARED  # the e-graph went back to the pool
