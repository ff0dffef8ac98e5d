"""Differential soundness: random formulas, simplified, evaluate as before on random inputs
(numpy, float64), independently of the z3 proofs and the equality check."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tritonlift.dsl import Env, Op, evaluate, parse, read, var
from tritonlift.dsl import build as b
from tritonlift.result import Formula, OutputFormula
from tritonlift.simplify import SimplifyContext, simplify

INDEX = var("i")
LEAVES = st.one_of(
    st.sampled_from([read("x", INDEX), read("y", INDEX), read("x", 0), parse("eps")]),
    st.sampled_from([-1, 0, 1, 2, 0.5, -1.0, 1.4426950408889634, 0.7071067811865476]).map(b.as_term),
)
UNARY = [Op.NEG, Op.EXP, Op.EXP2, Op.LOG, Op.SQRT, Op.RSQRT, Op.TANH, Op.ERF, Op.SIGMOID, Op.ABS]
BINARY = [Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.MAX, Op.MIN]


def _extend(children):
    k = var("k")
    return st.one_of(
        st.tuples(st.sampled_from(BINARY), children, children).map(lambda t: b.apply(*t)),
        st.tuples(st.sampled_from(UNARY), children).map(lambda t: b.apply(*t)),
        st.tuples(children, children).map(lambda t: b.where(b.compare(Op.GT, t[0], 0), t[0], t[1])),
        st.tuples(children, st.sampled_from([Op.SUM, Op.MAXR])).map(
            lambda t: b.binder(t[1], "k", 0, parse("N"), b.sub(b.unary(Op.EXP, read("x", k)), t[0]))),
        children.map(lambda c: b.pow_(c, 2)),
        children.map(lambda c: b.div(1, b.add(1, b.unary(Op.EXP, b.neg(c))))),
    )


TERMS = st.recursive(LEAVES, _extend, max_leaves=8)
CTX = SimplifyContext(sizes=({"N": 1}, {"N": 3}), positive=frozenset({"eps"}))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TERMS)
def test_simplified_formulas_evaluate_alike(t):
    f = Formula((OutputFormula("out", ("i",), t),))
    res = simplify(f, CTX)
    if not res.changed:
        return
    rng = np.random.default_rng(0)
    env = Env(tensors={"x": rng.normal(size=3), "y": rng.normal(size=3)}, symbols={"N": 3, "eps": 0.25},
              vars={"i": np.arange(3)})
    with np.errstate(all="ignore"):
        before = np.asarray(evaluate(t, env), dtype=np.float64)
        after = np.asarray(evaluate(res.formula.outputs[0].body, env), dtype=np.float64)
    ok = np.isfinite(before) & (np.abs(before) < 1e6)
    # where the lifted formula is defined, the simplified one agrees (up to the assumed literals)
    np.testing.assert_allclose(np.broadcast_to(after, ok.shape)[ok], np.broadcast_to(before, ok.shape)[ok],
                               rtol=1e-6, atol=1e-9)
