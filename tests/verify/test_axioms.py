"""The trusted assumptions: each holds for the real functions (an unsound axiom would let wrong
kernels prove), together they are consistent, definitions match the encoding, and every
quantified axiom carries an explicit trigger."""

import itertools

import numpy as np
import pytest
import z3

from tritonlift.render.assumptions import assumptions_text
from tritonlift.verify.axioms import AXIOMS, BY_NAME, Axiom, Var
from tritonlift.verify.query import Limits, Query, Status
from tritonlift.verify.solver import Z3Backend
from tritonlift.verify.theory import Z3Theory


@pytest.fixture(scope="module")
def z3b():
    b = Z3Backend()
    yield b
    b.close()


@pytest.mark.parametrize("ax", AXIOMS, ids=lambda a: a.name)
def test_axiom_holds_for_the_real_functions(ax):
    assert ax.numeric_failures(np.random.default_rng(0), 4000) == []


def test_numeric_check_catches_an_unsound_axiom():
    bad = Axiom("exp_sum_bad", "∀u v. exp(u) + exp(v) = exp(u + v)", "wrong on purpose",
                (Var("u"), Var("v")), lambda T, u, v: T.eq(T.exp(u) + T.exp(v), T.exp(u + v)))
    assert bad.numeric_failures(np.random.default_rng(0))


@pytest.mark.parametrize("ax", [a for a in AXIOMS if a.kind == "definition"], ids=lambda a: a.name)
def test_definition_is_true_of_the_encoding(ax, z3b):
    T = Z3Theory()
    assert z3b.check(Query.from_z3(ax.name, [z3.Not(ax.z3(T))])).status is Status.UNSAT


def _ground_pool(T):
    """Every entry instantiated at a pool of terms: a quantifier-free set that a solver can
    model, so consistency is decided (the quantified set is beyond both solvers' model finders:
    a model needs an injective multiplicative exp)."""
    a, b = T.var("a"), T.var("b")
    reals = [T.real(0), T.real(1), a, b, a + b, -a]
    xreals = [T.NEG_INF, T.POS_INF, T.fin(a), T.var("xa", "XReal")]
    out = []
    for ax in AXIOMS:
        pools = [reals if v.sort == "Real" else xreals for v in ax.vars]
        out += [ax.instance(T, *args) for args in itertools.product(*pools)]
    return out, a, b


def test_axioms_are_consistent_with_a_small_instance(z3b):
    T = Z3Theory()
    pool, a, b = _ground_pool(T)
    instance = [a < b, T.sigmoid(a) < 0.5, T.tanh(b) > 0, T.exp(a) * T.exp(b) > 2,
                T.sqrt(b * b) > 0, T.xmax(T.fin(a), T.var("xa", "XReal")) == T.fin(b)]
    ans = z3b.check(Query.from_z3("consistency", pool + instance, Limits(seconds=20)))
    assert ans.status is Status.SAT, ans


def test_consistency_check_can_fail(z3b):
    T = Z3Theory()
    pool, a, _ = _ground_pool(T)
    ans = z3b.check(Query.from_z3("inconsistent", pool + [T.tanh(a) >= 1], Limits(seconds=20)))
    assert ans.status is Status.UNSAT


@pytest.mark.parametrize("ax", [a for a in AXIOMS if a.kind == "axiom" and a.vars], ids=lambda a: a.name)
def test_quantified_axioms_have_explicit_triggers(ax):
    q = ax.z3(Z3Theory())
    assert z3.is_quantifier(q) and q.num_patterns() >= 1 and ax.trigger_text


def test_exp_add_product_trigger_proves_the_rescale_step(z3b):
    # The notes' recipe: exp_add triggered on the product, with exp_pos, proves the rescaling
    # step without the ground hint the lemma library uses (z3 only; about 0.1 s).
    from tritonlift.verify.lemmas import LEMMA

    lem = LEMMA["sum_exp_rescale"]
    R = lem.reductions()
    st = lem.setup(R)
    n = R.T.var("n", "Int")
    P = st.induct.P
    axioms = [BY_NAME["exp_add"].z3(R.T), BY_NAME["exp_pos"].z3(R.T)]
    q = Query.from_z3("rescale.step", axioms + [n >= st.vars[0], P(n), z3.Not(P(n + 1))], Limits(seconds=5))
    assert z3b.check(q).status is Status.UNSAT


def test_assumptions_text_lists_every_entry():
    text = assumptions_text()
    for ax in AXIOMS:
        assert f"  {ax.name}: {ax.statement}" in text
    assert "not IEEE floats" in text and "trigger: exp(u)·exp(v)" in text
    assert len({a.name for a in AXIOMS}) == len(AXIOMS)
