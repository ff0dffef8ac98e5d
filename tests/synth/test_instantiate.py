"""Instantiation unrolls a reduction once per value of the names free in it, and the shared
evaluation memo gives the values a fresh evaluation gives.

A row max inside Σ_l exp(x[i, l] − max_k x[i, k]) used to be unrolled once per l: quadratic in N,
and counterexample searches past a block cap (N = 513) spent minutes in it."""

from __future__ import annotations

import importlib

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tritonlift.dsl import Env, evaluate, parse
from tritonlift.dsl.term import Op

# the package re-exports the function under the module's name
inst = importlib.import_module("tritonlift.synth.instantiate")

LOG_SOFTMAX = "x[i, j] - max_over(k, 0, N, x[i, k]) - log(sum(l, 0, N, exp(x[i, l] - max_over(k, 0, N, x[i, k]))))"


def test_a_reduction_free_of_the_outer_binder_is_unrolled_once(monkeypatch):
    calls: list[Op] = []
    real = inst.unroll

    def counting(op, bodies, lo):
        calls.append(op)
        return real(op, bodies, lo)

    monkeypatch.setattr(inst, "unroll", counting)
    t = parse(LOG_SOFTMAX)
    cache = inst.Instantiator()
    for j in range(5):
        inst.instantiate(t, {"N": 40, "i": 1, "j": j}, cache=cache)
    # one max and one sum for row 1, whatever j and l are
    assert sorted(calls, key=str) == sorted([Op.MAXR, Op.SUM], key=str)
    inst.instantiate(t, {"N": 40, "i": 2, "j": 0}, cache=cache)
    assert len(calls) == 4  # a new row is unrolled anew


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 12), st.integers(0, 2), st.integers(0, 2**31 - 1))
def test_shared_instantiation_and_memo_give_the_fresh_values(n, i, seed):
    x = np.random.default_rng(seed).normal(size=(3, n))
    t = parse(LOG_SOFTMAX)
    cache = inst.Instantiator()
    env = Env({"x": x}, {"N": n}, {}, {})
    memo: dict = {}
    grounds = [inst.instantiate(t, {"N": n, "i": i, "j": j}, cache=cache) for j in range(n)]
    shared = [float(evaluate(g, env, memo)) for g in grounds]
    fresh = [float(evaluate(inst.instantiate(t, {"N": n, "i": i, "j": j}), Env({"x": x}, {"N": n}, {}, {})))
             for j in range(n)]
    expect = x[i] - x[i].max() - np.log(np.exp(x[i] - x[i].max()).sum())
    assert np.allclose(shared, fresh, rtol=0, atol=0) and np.allclose(shared, expect)


def test_the_search_keeps_both_ends_and_a_bounded_spread():
    from types import SimpleNamespace

    from tritonlift.dsl.term import const
    from tritonlift.verify.counterexample import SEARCH_WORK, thin

    elements = [("y", (r, c)) for r in range(4) for c in range(2000)]
    big = parse("sum(l, 0, 900, x[0, l])")
    big = inst.instantiate(big, {})
    outputs = {"y": {e[1]: big for e in elements}}
    problem = SimpleNamespace(spec=SimpleNamespace(outputs=outputs))
    kept = thin(problem, elements, 15)  # type: ignore[arg-type]
    assert kept[:2] == elements[:2] and kept[-2:] == elements[-2:]
    assert 8 <= len(kept) <= max(8, SEARCH_WORK // (900 * 15)) and len(set(kept)) == len(kept)
    assert kept == sorted(kept)  # in their order
    small = {"y": {e[1]: const(1.0) for e in elements}}
    assert len(thin(SimpleNamespace(spec=SimpleNamespace(outputs=small)), elements, 15)) == len(elements)  # type: ignore[arg-type]
