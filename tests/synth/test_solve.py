"""`fold._solve` (exact affine fits): the row-at-a-time elimination must give the answer of a
plain Gauss-Jordan elimination over every row (the reduced echelon form of a row space is
unique), on random systems that are over-determined, rank-deficient, repeated or inconsistent."""

from __future__ import annotations

import random
from fractions import Fraction

from tritonlift.synth.fold import _solve


def _reference(rows, rhs, n):
    m = [r[:] + [v] for r, v in zip(rows, rhs, strict=True)]
    pivots, r = [], 0
    for c in range(n):
        p = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if p is None:
            continue
        m[r], m[p] = m[p], m[r]
        m[r] = [x / m[r][c] for x in m[r]]
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                f = m[i][c]
                m[i] = [a - f * b for a, b in zip(m[i], m[r], strict=True)]
        pivots.append(c)
        r += 1
    if any(m[i][n] != 0 for i in range(r, len(m))):
        return None
    sol = [Fraction(0)] * n
    for i, c in enumerate(pivots):
        sol[c] = m[i][n]
    return sol


def test_same_answer_as_gauss_jordan_over_every_row():
    rng = random.Random(7)
    outcomes = {True: 0, False: 0}
    for _ in range(4000):
        n, nrows = rng.randint(1, 5), rng.randint(1, 10)
        base = [[Fraction(rng.randint(-3, 3)) for _ in range(n)] for _ in range(rng.randint(1, n))]
        rows = []
        for _ in range(nrows):
            if rng.random() < 0.7:  # dependent rows (rank-deficient systems), sometimes repeated
                w = [rng.randint(-2, 2) for _ in base]
                rows.append([sum((wi * b[j] for wi, b in zip(w, base, strict=True)), Fraction(0)) for j in range(n)])
            else:
                rows.append([Fraction(rng.randint(-3, 3)) for _ in range(n)])
        truth = [Fraction(rng.randint(-3, 3), rng.randint(1, 3)) for _ in range(n)]
        rhs = [sum((a * x for a, x in zip(r, truth, strict=True)), Fraction(0)) +
               (rng.randint(-1, 1) if rng.random() < 0.2 else 0) for r in rows]
        want = _reference(rows, rhs, n)
        assert _solve(rows, rhs, n) == want, (rows, rhs)
        outcomes[want is None] += 1
    assert outcomes[True] > 500 and outcomes[False] > 500  # both consistent and inconsistent systems
