"""The −∞ guard of a per-lane online softmax, as a variant of the rescaled-sum row (`loops.py`).

A lane of a per-lane running max `m` (from −∞) that has seen nothing but padding holds m = −∞, and
the plain update z·E(m − m') + E(x − m') is then E(−∞ − (−∞)): NaN, which stays NaN. Kernels
guard it (FlagGems' softmax and log_softmax):

    z = where(m' == −inf, z, z·E(m − m') + R(m'))

The row `rescaled` with `guarded` gives the value at the start of iteration n as

    z(n) = where(m(n) == −inf, 0, Σ_{u<n} R(u)[m' := m(n)])

Preservation, with m(n+1) = max(m(n), h(n)) ≥ m(n): if m(n+1) = −∞ then m(n) = −∞, z(n) = 0 and
the kernel keeps it; if both are finite it is the unguarded row's step (sum_exp_rescale); if
m(n) = −∞ < m(n+1), the kernel computes 0·E(−∞ − m(n+1)) + R(n)[m(n+1)] = R(n)[m(n+1)], and
Σ_{u<n} R(u)[m(n+1)] = 0 must hold. It does when every exponential in R is E(h − c) with h the
running max's own step term (`vanishes_with`): all h(u) are −∞ for u < n, and E(−∞ − c) = 0 for
a finite c. Without that (an addend E(β − c) with β not bounded by h) the guard is not the
row, and the update is refused. `tests/verify/test_loops.py` runs the recurrence and the closed
form side by side on random data with padded lanes.
"""

from __future__ import annotations

import math

from ..dsl import build
from ..dsl.term import Op, Term, const, walk

NEG_INF = const(-math.inf)


def split_guard(term: Term, m_new: Term, P: Term) -> Term | None:
    """The update inside `where(m' == −inf, v, upd)` (also `where(m' != −inf, upd, v)`,
    `where(m' > −inf, upd, v)`), with m' the running max's new value and v the carried
    value's placeholder P; None when `term` is not so guarded."""
    if term.op is not Op.WHERE:
        return None
    c, a, b = term.args
    if c.op in (Op.EQ, Op.NE, Op.GT, Op.LT) and set(c.args) == {m_new, NEG_INF}:
        x, y = c.args
        if c.op is Op.EQ:
            is_inf = True
        elif c.op is Op.NE or (c.op is Op.GT and x is m_new) or (c.op is Op.LT and y is m_new):
            is_inf = False
        else:
            return None
        keep, upd = (a, b) if is_inf else (b, a)
        if keep is P:
            return upd
    return None


def vanishes_with(R: Term, h: Term, scale: str) -> bool:
    """Every exponential in R that mentions the running max's new value `scale` is E(h − c)
    (or exp2((h − c)·k)) with h the running max's step term: R is 0 where h = −∞."""
    for n in walk(R):
        if n.op not in (Op.EXP, Op.EXP2):
            continue
        x = n.args[0]
        if not any(v.op is Op.VAR and v.attrs[0] == scale for v in walk(x)):
            continue
        if x.op is Op.MUL:
            x = next((a for a in x.args if a.op is not Op.CONST), x)
        if not (x.op is Op.SUB and x.args[0] is h):
            return False
    return True


def guarded_closed_form(m_n: Term, total: Term) -> Term:
    """where(m(n) == −inf, 0, Σ...): a lane that has seen only padding holds 0."""
    return build.where(build.compare(Op.EQ, m_n, NEG_INF), const(0.0), total)


__all__ = ["guarded_closed_form", "split_guard", "vanishes_with"]
