"""The per-lane online softmax: the guarded rescaled-sum row (verify/loops_softmax.py) and the
lane-by-lane rewrite of its cross-lane combine (verify/normalize_softmax.py).

The guarded row's closed form is run against the kernel's recurrence on random data whose
lanes start with padding (−inf), where the unguarded update would give NaN; the rewrite's
finiteness witness is checked on the shapes kernels produce, and the rewrite is refused where
its side condition is not proved."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tritonlift.dsl import Env, Op, evaluate, read
from tritonlift.dsl import build as b
from tritonlift.dsl.term import const, sym, var
from tritonlift.verify import loops as LP
from tritonlift.verify import normalize_softmax as NS
from tritonlift.verify.lanetile import Lanes, scalar

NEG = const(-math.inf)
NN, KK = sym("N", "int"), sym("K", "int")
H = read("x", var("t1"))  # the running max's step term at iteration t1


def _ex(u):
    return b.unary(Op.EXP, u)


def _guarded(update, h=H):
    zp = LP.placeholder("z", scalar(const(0.0), "fp32"), 1)
    mp = LP.placeholder("m", scalar(NEG, "fp32"), 1)
    m_new = b.maximum(mp.lanes.term, h)
    mrec = LP.classify(mp, Lanes(m_new, (), "fp32"))
    new = Lanes(update(zp.lanes.term, mp.lanes.term, m_new), (), "fp32")
    return LP.classify_rescaled(zp, new, {"m": (mp, mrec, Lanes(m_new, (), "fp32"))})


def _fg_update(z, m, mn):  # FlagGems: where(m_new == -inf, z, z·exp(m − m_new) + exp(x − m_new))
    return b.where(b.compare(Op.EQ, mn, NEG), z, b.add(b.mul(z, _ex(b.sub(m, mn))), _ex(b.sub(H, mn))))


def test_the_guard_on_minus_inf_survives_term_building():
    m = LP.placeholder("m", scalar(NEG, "fp32"), 1).lanes.term  # a carried running max may be -inf: kept
    assert b.compare(Op.EQ, b.maximum(m, H), NEG).op is Op.EQ
    assert b.compare(Op.EQ, H, NEG) is const(False)  # data is finite


def test_guarded_rescaled_sum_is_recognised_with_its_closed_form():
    rec = _guarded(_fg_update)
    assert rec is not None and rec.kind == "rescaled" and rec.guarded
    v = rec.at(var("n"), "t1", "u1").term
    assert v.op is Op.WHERE and v.args[0].op is Op.EQ and v.args[1] is const(0.0)
    # the same update without the guard is the unguarded row
    rec = _guarded(lambda z, m, mn: b.add(b.mul(z, _ex(b.sub(m, mn))), _ex(b.sub(H, mn))))
    assert rec is not None and not rec.guarded


def test_a_guard_whose_terms_do_not_vanish_on_padding_is_refused():
    other = read("w", var("t1"))  # exp(w − m'): not zero where the max's step x is −inf
    upd = lambda z, m, mn: b.where(b.compare(Op.EQ, mn, NEG), z,  # noqa: E731
                                   b.add(b.mul(z, _ex(b.sub(m, mn))), _ex(b.sub(other, mn))))
    assert _guarded(upd) is None


@pytest.mark.parametrize("seed", range(6))
def test_guarded_closed_form_matches_the_recurrence_on_padded_lanes(seed):
    rng = np.random.default_rng(seed)
    rec = _guarded(_fg_update)
    for n in range(0, 7):
        x = rng.standard_normal(8)
        x[: rng.integers(0, 8)] = -np.inf  # the lane is padding for its first iterations
        z, m = 0.0, -np.inf
        for u in range(n):  # the kernel, in float64
            mn = max(m, x[u])
            z = z if mn == -np.inf else z * math.exp(m - mn) + math.exp(x[u] - mn)
            m = mn
        closed = rec.at(const(n), "t1", "u1").term
        with np.errstate(invalid="ignore"):
            got = float(evaluate(closed, Env({"x": x}, {}, {})))
        assert got == pytest.approx(z, rel=1e-12, abs=1e-300), (n, x)


def test_finiteness_witness():
    lane, k = var("b"), var("u")
    X = b.where(b.compare(Op.LT, b.add(b.mul(k, 4), lane), NN), read("x", k), NEG)
    m = b.binder(Op.MAXR, "u", const(0), KK, X)
    w = NS.finite(m)  # 0 < K and the lane's first element is real
    assert w is b.logical_and(b.compare(Op.LT, const(0), KK),
                              b.logical_or(b.logical_and(b.compare(Op.LT, lane, NN), const(True)),
                                           b.logical_and(b.logical_not(b.compare(Op.LT, lane, NN)),
                                                         const(False))))
    assert NS.finite(read("x", k)) is const(True)
    assert NS.finite(NEG) is const(False)
    # a max over elements that may be +inf has no witness
    assert NS.finite(b.binder(Op.MAXR, "u", const(0), KK, b.where(b.compare(Op.LT, k, NN),
                                                                        read("x", k), const(math.inf)))) is None


def _combine(guarded: bool):
    lane = var("b")
    X = b.where(b.compare(Op.LT, b.add(b.mul(var("u"), 4), lane), NN), read("x", var("u")), NEG)
    mb = b.binder(Op.MAXR, "v", const(0), KK, b.where(b.compare(Op.LT, b.add(b.mul(var("v"), 4), lane),
                                                                       NN), read("x", var("v")), NEG))
    S = b.binder(Op.SUM, "u", const(0), KK, _ex(b.sub(X, mb)))
    z = b.where(b.compare(Op.EQ, mb, NEG), const(0.0), S) if guarded else S
    M = read("Mx")
    return b.mul(z, _ex(b.sub(mb, M))), X, M


@pytest.mark.parametrize("guarded", [True, False])
def test_combine_is_rewritten_lane_by_lane_under_its_side_condition(guarded):
    t, X, M = _combine(guarded)
    asked: list[str] = []
    out = NS.rescale_into_sum(t, lambda lemma, hyp, site: asked.append(lemma) or True)
    assert out is b.binder(Op.SUM, "u", const(0), KK, _ex(b.sub(X, M)))
    assert asked == (["sum_exp_rescale", "sum_exp_all_padding"] if guarded else ["sum_exp_rescale"])
    assert NS.rescale_into_sum(t, lambda lemma, hyp, site: False) is None  # not proved: not rewritten


def test_a_reduction_over_an_enclosing_binders_variable_is_encoded_by_its_definition():
    """Σ_{a<3} (Σ_{u<a+1} x[a, u] + max_{v<2} x[a, v]) has inner bodies that mention a: encoded as
    recursive functions with a as a parameter; equal to the explicit unfolding."""
    from pathlib import Path

    import z3

    from tritonlift.pipeline import load
    from tritonlift.verify.encode import Encoder
    from tritonlift.verify.sizemodel import SizeModel
    from tritonlift.verify.theory import Z3Theory

    spec = load(Path(__file__).resolve().parents[1] / "kernels" / "row_sum_max.toml")
    T = Z3Theory()
    enc = Encoder(T, SizeModel.build(spec, T), {"x": "fp32"})
    a, u, v = var("a"), var("u"), var("v")
    inner = b.add(b.binder(Op.SUM, "u", const(0), b.add(a, 1), read("x", a, u)),
                  b.binder(Op.MAXR, "v", const(0), const(2), read("x", a, v)))
    t = b.binder(Op.SUM, "a", const(0), const(3), inner)
    got = enc.real(t)
    x = enc.reads[("x", 2)]
    want = z3.Sum([z3.Sum([x(i, k) for k in range(i + 1)]) + z3.If(x(i, 0) >= x(i, 1), x(i, 0), x(i, 1))
                   for i in range(3)])
    s = z3.Solver(ctx=T.ctx)
    s.set("timeout", 20000)
    s.add(got != want)
    assert s.check() == z3.unsat
