"""The term DSL: hash-consing, folding soundness on the extended reals, printer/parser round trip."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tritonlift.dsl import Env, Op, evaluate, parse, read, sym, undef, var
from tritonlift.dsl import build as b
from tritonlift.dsl.term import const
from tritonlift.errors import DslError


def test_hash_consing_gives_identity():
    x = read("x", 0, 1)
    assert read("x", 0, 1) is x
    assert b.add(x, 1.0) is b.add(x, 1.0)
    assert b.add(x, 1.0) is not b.add(x, 1)


def test_constants_keep_their_type():
    assert const(1) is not const(1.0)
    assert const(True) is not const(1)
    assert isinstance(const(2.0).value, float)


@pytest.mark.parametrize(
    "term, expected",
    [
        (lambda x: b.add(0, x), lambda x: x),
        (lambda x: b.mul(x, 1.0), lambda x: x),
        (lambda x: b.maximum(-math.inf, x), lambda x: x),
        (lambda x: b.sub(-math.inf, x), lambda x: const(-math.inf)),
        (lambda x: b.unary(Op.EXP, b.sub(-math.inf, x)), lambda x: const(0.0)),
        (lambda x: b.sub(x, x), lambda x: const(0)),
        (lambda x: b.where(True, x, 2.0), lambda x: x),
        (lambda x: b.compare(Op.LT, x, math.inf), lambda x: const(True)),
    ],
)
def test_folding_rules(term, expected):
    x = read("x", 3)
    assert term(x) is expected(x)


@pytest.mark.parametrize("a, c", [(7, 2), (-7, 2), (7, -2), (-7, -2)])
def test_integer_division_is_c_semantics(a, c):
    assert b.floordiv(a, c).value == int(a / c)
    assert b.mod(a, c).value == a - c * int(a / c)


def test_folds_agree_with_numpy_on_random_values():
    x = read("x", 0)
    rng = np.random.default_rng(0)
    terms = [b.add(0.0, x), b.mul(x, 1.0), b.maximum(-math.inf, x), b.sub(x, x), b.mul(0.0, x)]
    plain = [x, x, x, const(0), const(0.0)]
    for _ in range(20):
        env = Env(tensors={"x": rng.normal(size=1)})
        for t, p in zip(terms, plain, strict=True):
            assert evaluate(t, env) == pytest.approx(evaluate(p, env))


def test_evaluate_binder():
    s = b.binder(Op.SUM, "k", 0, sym("N"), read("x", var("i"), var("k")))
    x = np.arange(6.0).reshape(2, 3)
    assert evaluate(s, Env(tensors={"x": x}, symbols={"N": 3}, vars={"i": 1})) == 12.0


def test_evaluate_undef_raises():
    with pytest.raises(DslError):
        evaluate(b.add(read("x", 0), undef("masked")), Env(tensors={"x": np.zeros(1)}))


def test_parse_errors_are_dsl_errors():
    for bad in ("x[0", "exp(1, 2)", "a < b < c", "sum(N, 0, 3, x[N])", "3 $ 4"):
        with pytest.raises(DslError):
            parse(bad)


# -- round trip --------------------------------------------------------------------------------
LEAVES = st.one_of(
    st.integers(-5, 5).map(const),
    st.sampled_from([0.5, 1.0, -2.25, 1e-05, math.inf, -math.inf]).map(const),
    st.sampled_from(["N", "M", "BLOCK"]).map(sym),
    st.sampled_from(["eps", "alpha"]).map(lambda n: sym(n, "real")),
    st.sampled_from(["i", "j", "k2"]).map(var),
    st.tuples(st.sampled_from(["x", "w"]), st.integers(0, 3), st.integers(0, 3)).map(lambda t: read(t[0], t[1], t[2])),
)
BINARY = [Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.FLOORDIV, Op.MOD, Op.POW, Op.MIN, Op.MAX,
          Op.LT, Op.LE, Op.GT, Op.GE, Op.EQ, Op.NE, Op.AND, Op.OR, Op.BAND, Op.BOR, Op.BXOR, Op.SHL, Op.SHR]
UNARY = [Op.NEG, Op.NOT, Op.EXP, Op.LOG, Op.SQRT, Op.RSQRT, Op.TANH, Op.ERF, Op.SIGMOID, Op.ABS, Op.EXP2, Op.TRUNC]


def _extend(children):
    return st.one_of(
        st.tuples(st.sampled_from(BINARY), children, children).map(lambda t: b.apply(t[0], t[1], t[2])),
        st.tuples(st.sampled_from(UNARY), children).map(lambda t: b.apply(t[0], t[1])),
        st.tuples(children, children, children).map(lambda t: b.where(*t)),
        st.tuples(st.sampled_from([Op.SUM, Op.MAXR, Op.ARGMAX]), children, children).map(
            lambda t: b.binder(t[0], "q", 0, t[1], b.add(read("x", var("q")), t[2]))),
        st.tuples(children, children).map(lambda t: b.call("philox0", t[0], t[1])),
    )


TERMS = st.recursive(LEAVES, _extend, max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(TERMS)
def test_parse_of_print_is_identity(t):
    assert parse(str(t)) is t
