"""Invariant rows of verify/loops.py that go beyond the reductions' definitions.

The rescaled sum of an online softmax is accepted only when its addends are, as functions of the
running maximum's new value c, linear combinations of E(β − c); its preservation rests on
R(c := a)·E(a − b) = R(c := b) for every such R. That identity is checked numerically here on
random rescalable terms (property test), and every shape the row must refuse is refused.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tritonlift.dsl import Env, Op, evaluate, read
from tritonlift.dsl import build as b
from tritonlift.dsl.term import const, var
from tritonlift.verify import loops as LP
from tritonlift.verify.lanetile import Lanes, scalar

C = var(LP.SCALE)
X = [read("x", k) for k in range(3)]
EXP, EXP2 = (Op.EXP, const(1)), (Op.EXP2, const(1.4426950408889634))


def _e(form, beta):
    op, k = form
    d = b.sub(beta, C)
    return b.unary(op, d if k is const(1) else b.mul(d, k))


def _rescalable_terms(form):
    beta = st.sampled_from(X + [b.mul(X[0], X[1]), b.add(X[2], const(1.5))])
    leaf = beta.map(lambda x: _e(form, x))

    def grow(ch):
        return st.one_of(
            st.tuples(ch, ch).map(lambda t: b.add(t[0], t[1])),
            st.tuples(ch, ch).map(lambda t: b.sub(t[0], t[1])),
            st.tuples(st.sampled_from(X + [const(2.0)]), ch).map(lambda t: b.mul(t[0], t[1])),
            st.tuples(ch, st.sampled_from(X)).map(lambda t: b.where(b.compare(Op.GT, t[1], const(0)), t[0], const(0))),
            ch.map(lambda t: b.binder(Op.SUM, "j", const(0), const(3), b.mul(read("w", var("j")), t))),
        )

    return st.recursive(leaf, grow, max_leaves=6)


def _value(t, c, rng):
    env = Env(tensors={"x": rng.normal(size=3), "w": rng.normal(size=3)}, vars={LP.SCALE: c})
    return float(evaluate(t, env))


@settings(max_examples=150, deadline=None)
@given(st.one_of(_rescalable_terms(EXP).map(lambda t: (EXP, t)), _rescalable_terms(EXP2).map(lambda t: (EXP2, t))))
def test_rescalable_terms_rescale(case):
    form, t = case
    assert LP._rescalable(t, form)
    a, bb = 0.7, -0.4
    factor = _e(form, const(a))  # E(a − c) with c := b below
    for seed in range(3):
        rng = np.random.default_rng(seed)
        lhs = _value(t, a, rng) * float(evaluate(factor, Env(vars={LP.SCALE: bb})))
        rng = np.random.default_rng(seed)
        rhs = _value(t, bb, rng)
        assert math.isclose(lhs, rhs, rel_tol=1e-9, abs_tol=1e-9)


def test_terms_that_do_not_rescale_are_refused():
    e = _e(EXP, X[0])
    assert not LP._rescalable(b.add(e, const(1.0)), EXP)  # a constant addend is not rescaled
    assert not LP._rescalable(b.mul(e, C), EXP)  # a factor depending on c
    assert not LP._rescalable(b.unary(Op.EXP, b.sub(C, X[0])), EXP)  # exp(c − β): the wrong direction
    assert not LP._rescalable(_e(EXP2, X[0]), EXP)  # exp2 next to an exp rescale factor
    assert not LP._rescalable(b.where(b.compare(Op.GT, C, const(0)), e, const(0)), EXP)  # a branch on c


def _rescaled(update, init=0.0):
    """classify_rescaled of `z = update(z, m, m_new)` next to the running max m_new = max(m, x0)."""
    zp = LP.placeholder("z", scalar(const(init), "fp32"), 1)
    mp = LP.placeholder("m", scalar(const(-math.inf), "fp32"), 1)
    m_new = b.maximum(mp.lanes.term, X[0])
    mrec = LP.classify(mp, Lanes(m_new, (), "fp32"))
    assert mrec is not None and mrec.kind == "max"
    new = Lanes(update(zp.lanes.term, mp.lanes.term, m_new), (), "fp32")
    return LP.classify_rescaled(zp, new, {"m": (mp, mrec, Lanes(m_new, (), "fp32"))})


def test_online_softmax_rescaled_sum_is_recognised():
    def ex(u):
        return b.unary(Op.EXP, u)

    rec = _rescaled(lambda z, m, mn: b.add(b.mul(z, ex(b.sub(m, mn))), ex(b.sub(X[0], mn))))
    assert rec is not None and rec.kind == "rescaled"
    assert LP.rescale_lemma(rec) == "sum_exp_rescale"
    # the closed form after n iterations: Σ_{u<n} exp(x0 − max_{v<n} x0)
    v = rec.at(var("n"), "t1", "u1").term
    assert v.op is Op.SUM and v.args[1] is var("n")


def test_wrong_online_updates_are_refused():
    def ex(u):
        return b.unary(Op.EXP, u)

    # rescaled by the old maximum only (no m_new in the new term): not the pattern
    assert _rescaled(lambda z, m, mn: b.add(b.mul(z, ex(b.sub(m, mn))), ex(b.sub(X[0], m)))) is None
    # no rescale factor at all (the buggy kernel tests/kernels/buggy/online_softmax_no_rescale.py)
    assert _rescaled(lambda z, m, mn: b.add(z, ex(b.sub(X[0], mn)))) is None
    # an initial value other than 0
    assert _rescaled(lambda z, m, mn: b.add(b.mul(z, ex(b.sub(m, mn))), ex(b.sub(X[0], mn))), init=1.0) is None


def test_guarded_accumulators_are_the_fold_of_a_guarded_term():
    acc = LP.placeholder("acc", scalar(const(0.0), "fp32"), 1)
    P, g = acc.lanes.term, b.compare(Op.GT, X[1], const(0))
    rec = LP.classify(acc, Lanes(b.where(g, b.add(P, X[0]), P), (), "fp32"))
    assert rec is not None and rec.kind == "sum" and rec.h is b.where(g, X[0], const(0))
    rec = LP.classify(acc, Lanes(b.where(g, P, b.add(P, X[0])), (), "fp32"))
    assert rec is not None and rec.kind == "sum" and rec.h is b.where(g, const(0), X[0])
    m = LP.placeholder("m", scalar(const(-math.inf), "fp32"), 1)
    rec = LP.classify(m, Lanes(b.where(g, b.maximum(m.lanes.term, X[0]), m.lanes.term), (), "fp32"))
    assert rec is not None and rec.kind == "max" and rec.h is b.where(g, X[0], const(-math.inf))
    # a guard that reads the accumulator itself is not a fold
    assert LP.classify(acc, Lanes(b.where(b.compare(Op.GT, P, const(0)), b.add(P, X[0]), P), (), "fp32")) is None
