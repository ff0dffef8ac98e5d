"""Known signs of index terms (verify/signs.py): division is encoded without sign case splits
only where the dividend is ≥ 0 and the divisor > 0 in every launch; otherwise C's truncation
stays exact (the adversarial cases: a negative dividend, a size allowed below 0, a size named
like an index variable)."""

from __future__ import annotations

import z3

from tritonlift.verify.obligations import _conjuncts_z3
from tritonlift.verify.signs import Signs, euclidean


def _signs():
    N, S, D, t1 = (z3.Int(n) for n in ("N", "S", "D", "t1"))
    hyps = [N >= 1, S >= 0, D >= -4, t1 >= -2]
    return Signs.of_sizes({"N": N, "S": S, "D": D, "t1": t1}, hyps), N, S, D, t1


def test_sizes_take_the_sign_their_constraints_give():
    signs, N, S, D, t1 = _signs()
    assert signs.positive(N) and signs.nonneg(N)
    assert signs.nonneg(S) and not signs.positive(S)
    assert not signs.nonneg(D)
    assert not signs.nonneg(t1)  # a size named like a loop iteration keeps its own (negative) range


def test_index_terms():
    signs, N, S, D, _ = _signs()
    p0, l0, y0 = z3.Int("p0"), z3.Int("l0"), z3.Int("y0")
    assert signs.nonneg(p0 * 4 + l0) and not signs.positive(p0 * 4 + l0)
    assert signs.positive(p0 * N + N)
    assert signs.nonneg((p0 + l0) / N) and signs.nonneg((p0 + l0) % N)
    assert signs.nonneg(z3.If(p0 <= N, p0, N))
    assert not signs.nonneg(p0 - 1)  # differences are unknown
    assert not signs.nonneg(y0)  # a reduction variable may range below 0
    assert not signs.nonneg(p0 + D)
    assert not signs.nonneg(p0 / S)  # S may be 0


def test_truncation_is_kept_where_floor_would_differ():
    signs, N, *_ = _signs()
    p0 = z3.Int("p0")
    assert euclidean(p0 * 2 + 1, N, signs)
    assert not euclidean(p0 - 3, z3.IntVal(2), signs)  # (0 - 3) / 2 truncates to -1, floors to -2
    assert not euclidean(p0, z3.IntVal(-2), signs)
    assert not euclidean(p0, N, None)


def test_a_conjunction_is_asked_one_conjunct_at_a_time():
    a, b = z3.Ints("a b")
    parts = _conjuncts_z3(z3.And(a > 0, z3.And(b > 0, z3.BoolVal(True)), a < b))
    assert [str(p) for p in parts] == ["a > 0", "b > 0", "a < b"]
    assert [str(p) for p in _conjuncts_z3(z3.Or(a > 0, b > 0))] == ["Or(a > 0, b > 0)"]
    assert [str(p) for p in _conjuncts_z3(z3.BoolVal(True))] == ["True"]
