"""The one equality decider (equal/decide.py) and the one lowering (smt/lower.py). Protects: each
tier proves only true equalities (the adversarial pairs are never "equal"), the solver tier goes
through the backend (dumpable, bounded), every Op has a place in the lowering, and the canonical
forms are identities on the reals (checked numerically)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tritonlift.dsl.evaluate import Env, evaluate
from tritonlift.dsl.printer import parse
from tritonlift.dsl.term import BINDERS, Op
from tritonlift.equal.canon import stable_softplus
from tritonlift.equal.decide import Decider
from tritonlift.errors import Unsupported
from tritonlift.smt.lower import MODELLED, GroundLowering
from tritonlift.synth import Checker

SOFTMAX_NAIVE = "exp(x[0]) / (exp(x[0]) + exp(x[1]))"
SOFTMAX_SHIFTED = "exp(x[0] - max(x[0], x[1])) / (exp(x[0] - max(x[0], x[1])) + exp(x[1] - max(x[0], x[1])))"

EQUAL = [
    ("x[0] * 2 + x[0]", "3 * x[0]"),  # normal form
    (SOFTMAX_NAIVE, SOFTMAX_SHIFTED),  # exp-shift canonical form
    ("tanh(x[0])", "2 * sigmoid(2 * x[0]) - 1"),  # fraction form
    ("tanh(x[0])", "1 - 2 / (exp(2 * x[0]) + 1)"),
    ("call('gelu_tanh', x[0])", "0.5 * x[0] * (1 + tanh(0.7978845608028654 * (x[0] + 0.044715 * x[0] ** 3)))"),
    ("call('logsigmoid', x[0])", "min(x[0], 0) - log(1 + exp(-abs(x[0])))"),  # stable softplus
    ("max(x[0], x[1])", "where(x[0] > x[1], x[0], x[1])"),
    ("abs(x[0])", "sqrt(x[0] ** 2)"),  # solver, with sqrt's range axiom
]
UNEQUAL = [  # off by a constant, wrong function, wrong rational, wrong shift
    ("x[0] / 6", "x[0] * 0.16666666666666666"),
    ("x[0] / 6", "x[0] / 7"),
    ("tanh(x[0])", "1 - 2 / (exp(x[0]) + 1)"),
    ("call('gelu', x[0])", "call('gelu_tanh', x[0])"),
    ("call('logsigmoid', x[0])", "-call('softplus', x[0])"),
    (SOFTMAX_NAIVE, "exp(x[0]) / (exp(x[0]) + exp(x[1] - max(x[0], x[1])))"),
    (SOFTMAX_NAIVE, SOFTMAX_NAIVE + " + 0.001"),
    ("sqrt(x[0] ** 2)", "x[0]"),
]


@pytest.mark.parametrize(("a", "b"), EQUAL)
def test_equal_pairs_are_decided_equal(a, b):
    assert Decider().equal(parse(a), parse(b))


@pytest.mark.parametrize(("a", "b"), UNEQUAL)
def test_unequal_pairs_are_never_equal(a, b):
    assert not Decider().equal(parse(a), parse(b))
    assert not Checker().equal(parse(a), parse(b))


def test_synthesis_configuration_skips_the_canonical_forms():
    # synthesis compares candidates with the kernel's own values: normal forms and the solver only
    assert not Checker().equal(parse(SOFTMAX_NAIVE), parse(SOFTMAX_SHIFTED))
    assert Checker().equal(parse("x[0] * 2 + x[0]"), parse("3 * x[0]"))


def test_integer_ranges_are_hypotheses():
    a, b = parse("where(t[0] == 0, 1, 0) + where(t[0] == 1, 1, 0)"), parse("1")
    assert Decider().equal(a, b, {"t": (0, 2)})
    assert not Decider().equal(a, b, {"t": (0, 3)})


def test_solver_queries_go_through_the_backend_and_are_dumped(tmp_path):
    d = Decider(dump_smt=tmp_path)
    assert d.equal(parse("abs(x[0])"), parse("sqrt(x[0] ** 2)"))
    files = list(tmp_path.glob("equal-*.smt2"))
    assert files and "(check-sat)" in files[0].read_text()


def test_a_model_of_the_difference_names_the_inputs():
    m = Decider(canon=False).model(parse("x[0] * x[1]"), parse("x[0] + x[1]"))
    assert m is not None
    vals = {str(k): v for k, v in m.items()}
    assert vals["x[0]"] * vals["x[1]"] != vals["x[0]"] + vals["x[1]"]


def test_stable_softplus_is_an_identity_on_the_reals():
    t = parse("log(1 + exp(x[0])) - log(1 + exp(-2 * x[0]))")
    s = stable_softplus(t)
    assert s is not t
    for v in np.linspace(-30, 30, 61):
        env = Env(tensors={"x": np.array([v])})
        want, got = evaluate(t, env), evaluate(s, env)
        assert math.isclose(float(want), float(got), rel_tol=1e-12, abs_tol=1e-12)


def test_every_op_has_a_place_in_the_lowering():
    # an Op the table does not model is either a leaf or binder (the clients' hooks) or
    # deliberately uninterpreted in ground terms; adding an Op fails here until it is placed
    leaves = {Op.CONST, Op.VAR, Op.SYM, Op.READ, Op.UNDEF}
    uninterpreted = {Op.BAND, Op.BOR, Op.BXOR, Op.SHL, Op.SHR}
    assert set(Op) == MODELLED | leaves | BINDERS | uninterpreted
    low = GroundLowering()
    assert low.enc(parse("x[0] & 3")) is not None  # ground: an uninterpreted function
    strict = GroundLowering()
    strict.strict = True  # the prover's and the rules' setting
    with pytest.raises(Unsupported, match="not modelled"):
        strict.enc(parse("x[0] & 3"))
