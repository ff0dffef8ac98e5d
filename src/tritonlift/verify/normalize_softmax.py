"""The cross-lane combine of a per-lane online softmax, rewritten lane by lane (by lemma).

After a loop over column blocks with a per-lane running max m_b and rescaled sum z_b
(`loops_softmax.py`), kernels merge the lanes: M = max_b m_b, D = Σ_b z_b · exp(m_b − M). Each
lane's z_b is Σ_{u<K} exp(X(u, b) − m_b) (or, guarded, where(m_b == −inf, 0, that sum)), so

    z_b · exp(m_b − M)  →  Σ_{u<K} exp(X(u, b) − M)

after which D is a per-lane accumulator reduced over its lanes, which the normalizer swaps and
flattens (`sum_swap`, `tiles_flat_sum`) into the flat Σ_k exp(x_k − M). Side conditions, proved
per use in the store's context (`SideCondition`):

- unguarded: m_b and M are finite (`sum_exp_rescale`). Finiteness is shown by a witness: a max
  over [lo, hi) of a body that holds no +∞ is finite when lo < hi and its element at lo is, and
  `where(g, a, b)` is finite where the chosen side is (`finite`). A lane that only sees padding
  (N < BLOCK) fails this, as it must: the unguarded kernel computes NaN there.
- guarded: m_b is the running max of the same sum's terms (max over the same range of the same
  body), so where m_b = −∞ every term is exp(−∞ − M) = 0 (`sum_exp_all_padding`); M finite.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..dsl import build
from ..dsl.term import Op, Term, const, free_vars, var, walk
from . import termops as TO

NEG_INF, POS_INF = const(-math.inf), const(math.inf)


def finite(t: Term) -> Term | None:
    """A condition under which t is a finite real (None: no such condition is known)."""
    if not build.may_be_infinite(t):
        return const(True)
    if t.op is Op.CONST:
        return const(not math.isinf(t.value)) if isinstance(t.value, float) else const(True)
    if t.op in (Op.MAXR, Op.MINR):
        v, (lo, hi, body) = t.attrs[0], t.args
        other = POS_INF if t.op is Op.MAXR else NEG_INF
        if any(n is other or n.op is ({Op.MAXR: Op.MINR, Op.MINR: Op.MAXR}[t.op]) for n in walk(body)):
            return None  # an element could be +∞ (for a max): no witness decides
        w = finite(TO.subst(body, {v: lo}))
        return None if w is None else build.logical_and(build.compare(Op.LT, lo, hi), w)
    if t.op is Op.WHERE:
        g, a, b = t.args
        fa, fb = finite(a), finite(b)
        if fa is None or fb is None:
            return None
        return build.logical_or(build.logical_and(g, fa), build.logical_and(build.logical_not(g), fb))
    if t.op in (Op.MAX, Op.MIN):  # max(a, b) is finite when one side is and neither can be +∞
        far = POS_INF if t.op is Op.MAX else NEG_INF
        inner = Op.MINR if t.op is Op.MAX else Op.MAXR
        if not any(n is far or n.op is inner for a in t.args for n in walk(a)):
            fa, fb = finite(t.args[0]), finite(t.args[1])
            if fa is not None and fb is not None:
                return build.logical_or(fa, fb)
    if t.op in (Op.ADD, Op.SUB, Op.MUL, Op.NEG, Op.MAX, Op.MIN, Op.EXP, Op.EXP2):
        out: Term = const(True)
        for a in t.args:
            f = finite(a)
            if f is None:
                return None
            out = build.logical_and(out, f)
        return out
    return None


def _is_inf_guard(c: Term, m: Term) -> bool:
    return c.op is Op.EQ and set(c.args) == {m, NEG_INF}


def rescale_into_sum(t: Term, side: Callable[[str, Term, Term], bool]) -> Term | None:
    """z · exp(c − M) with z = Σ_{u∈[lo,hi)} exp(X(u) − c) (or where(c == −inf, 0, z)) as
    Σ_{u∈[lo,hi)} exp(X(u) − M), when `side(lemma, hypothesis, site)` proves the side condition
    (module text); None when t is not of that shape or the condition is not proved."""
    if t.op is not Op.MUL:
        return None
    for A, B in (t.args, t.args[::-1]):
        if B.op is not Op.EXP or B.args[0].op is not Op.SUB:
            continue
        c, M = B.args[0].args
        guarded = A.op is Op.WHERE and _is_inf_guard(A.args[0], c) and A.args[1].op is Op.CONST \
            and A.args[1].value == 0
        S = A.args[2] if guarded else A
        if S.op is not Op.SUM:
            continue
        u, (lo, hi, body) = S.attrs[0], S.args
        if body.op is not Op.EXP or body.args[0].op is not Op.SUB or body.args[0].args[1] is not c \
                or u in free_vars(c) | free_vars(M):
            continue
        X = body.args[0].args[0]
        fin_M = finite(M)
        if fin_M is None:
            continue
        if guarded:
            if not (c.op is Op.MAXR and c.args[0] is lo and c.args[1] is hi
                    and TO.subst(c.args[2], {c.attrs[0]: var(u)}) is X):
                continue
            ok = side("sum_exp_rescale", fin_M, t) and side("sum_exp_all_padding", fin_M, t)
        else:
            fin_c = finite(c)
            ok = fin_c is not None and side("sum_exp_rescale", build.logical_and(fin_c, fin_M), t)
        if ok:
            return build.binder(Op.SUM, u, lo, hi, build.unary(Op.EXP, build.sub(X, M)))
    return None


__all__ = ["finite", "rescale_into_sum"]
