"""The normal form is sound: a term and its normal form agree numerically wherever both are
finite (property test), and equal normal forms are only claimed for equal functions."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tritonlift.dsl import Env, Op, evaluate, read
from tritonlift.dsl import build as b
from tritonlift.dsl.term import const
from tritonlift.synth.normal import Normalizer, same
from tritonlift.synth.smt_equal import smt_equal

X = [read("x", k) for k in range(3)]
LEAVES = st.one_of(st.sampled_from(X), st.sampled_from([0.5, 2.0, -1.0, 3.0]).map(const), st.integers(1, 3).map(const))
BIN = [Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.MAX, Op.MIN]
UN = [Op.EXP, Op.NEG, Op.ABS, Op.TANH]


def _ext(ch):
    return st.one_of(
        st.tuples(st.sampled_from(BIN), ch, ch).map(lambda t: b.apply(*t)),
        st.tuples(st.sampled_from(UN), ch).map(lambda t: b.apply(*t)),
        st.tuples(ch, ch, ch, ch).map(lambda t: b.where(b.compare(Op.GT, t[0], t[1]), t[2], t[3])),
        st.tuples(ch, st.integers(-2, 3)).map(lambda t: b.pow_(t[0], const(t[1]))),
    )


TERMS = st.recursive(LEAVES, _ext, max_leaves=10)


@settings(max_examples=300, deadline=None)
@given(TERMS)
def test_normal_form_preserves_values(t):
    n = Normalizer()
    nt = n.term(t)
    rng = np.random.default_rng(1)
    for _ in range(5):
        # dyadic inputs: + − · are exact in float64, so a comparison that is a tie over the reals
        # (x1 > x0 + x1 − x0) is a tie here too, not decided by a rounding error
        env = Env(tensors={"x": rng.integers(-16, 17, size=3) / 8})
        with np.errstate(all="ignore"):
            try:
                v, w = float(evaluate(t, env)), float(evaluate(nt, env))
            except (OverflowError, ZeroDivisionError):
                continue
        if math.isfinite(v) and math.isfinite(w) and abs(v) < 1e6:
            assert math.isclose(v, w, rel_tol=1e-6, abs_tol=1e-6), (str(t), str(nt))


def test_online_softmax_rescaling_normalises_to_the_direct_sum():
    e = lambda u: b.unary(Op.EXP, u)  # noqa: E731
    x0, x1, x2 = X
    m1 = b.maximum(x0, x1)
    m2 = b.maximum(m1, x2)
    online = b.add(b.mul(b.add(e(b.sub(x0, m1)), e(b.sub(x1, m1))), e(b.sub(m1, m2))), e(b.sub(x2, m2)))
    m = b.maximum(x2, b.maximum(x1, x0))
    direct = b.add(b.add(e(b.sub(x0, m)), e(b.sub(x1, m))), e(b.sub(x2, m)))
    assert same(online, direct)


def test_unequal_terms_are_not_claimed_equal():
    x0, x1, _ = X
    assert not same(b.add(x0, x1), b.mul(x0, x1))
    assert not same(b.div(x0, 3), b.mul(x0, 1 / 3))  # the float 1/3 is not the rational 1/3
    assert not smt_equal(b.maximum(x0, x1), x0)


def test_smt_decides_argmax_chains_nested_differently():
    x0, x1, x2 = X
    gt = lambda a, c: b.compare(Op.GT, a, c)  # noqa: E731
    left = b.where(gt(x2, b.maximum(x0, x1)), const(2), b.where(gt(x1, x0), const(1), const(0)))
    right = b.where(gt(x1, x0), b.where(gt(x2, x1), const(2), const(1)), b.where(gt(x2, x0), const(2), const(0)))
    assert smt_equal(left, right)
    wrong = b.where(gt(x1, x0), b.where(gt(x2, x1), const(2), const(1)), b.where(b.compare(Op.GE, x2, x0), const(2), const(0)))
    assert not smt_equal(left, wrong)  # ties broken differently


def test_max_with_zero_is_kept_unless_another_element_is_nonnegative():
    x0, x1, _ = X
    n = Normalizer()
    assert "max" in str(n.term(b.maximum(0.0, x0)))
    assert not same(b.maximum(0.0, x0), x0)
    assert not same(b.maximum(-1.0, b.maximum(x0, x1)), b.maximum(x0, x1))
    # |x| >= 0, so a zero lane in the max is redundant
    assert same(b.maximum(0.0, b.unary(Op.ABS, x0)), b.unary(Op.ABS, x0))


MAXES = st.recursive(
    st.one_of(st.sampled_from(X), st.sampled_from([0.0, -1.0, 2.0]).map(const),
              st.sampled_from(X).map(lambda x: b.unary(Op.ABS, x))),
    lambda ch: st.tuples(ch, ch).map(lambda t: b.maximum(*t)), max_leaves=6)


@settings(max_examples=300, deadline=None)
@given(MAXES)
def test_max_normal_form_is_sound(t):
    nt = Normalizer().term(t)
    rng = np.random.default_rng(2)
    for scale in (0.1, 1.0, 5.0):
        env = Env(tensors={"x": rng.normal(size=3) * scale - scale})
        assert math.isclose(float(evaluate(t, env)), float(evaluate(nt, env)), rel_tol=1e-9, abs_tol=1e-12)
