"""Rewriting reductions over masked lanes into reductions over the logical range, by lemma.

A single-tile kernel reduces over all BLOCK lanes of a tile whose masked lanes hold the identity
(`other=0` for a sum, `other=-inf` for a max): Σ_{k<BLOCK} where(k < N, f(k), 0). The formula
says Σ_{k<N} f(k). The lemma library proves, for every body f, that the two are equal when
N ≤ BLOCK (`sum_masked_tail`, `max_masked_tail`, ...). This module applies those lemmas as
rewrite rules on terms, bottom-up, and records each use with its hypothesis (`SideCondition`);
the hypotheses become obligations of their own, discharged by the solver. Rewriting inner
reductions first is what makes the kernel's and the formula's reductions the *same* term, and
so the same z3 function (a sum over a body that contains a max is only equal to another such sum
if the bodies are identical; the solver cannot see inside recursive definitions).

How a body is brought into the lemma's form: pick a comparison atom g that bounds the bound
variable from above (`k < E`, `k + c < E`, `k ≤ E`, ...), split the body on it (Shannon:
body = where(g, body[g:=true], body[g:=false]), an identity), and fold both halves with the DSL's
folding constructors. If the false half folds to the identity of the reduction, the lemma
applies with f = the true half and N = E. Then every binder variable is renamed canonically.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from ..dsl import build
from ..dsl.term import BINDERS, Op, Term, const, free_vars, var, walk
from . import termops as TO


@dataclass(frozen=True)
class SideCondition:
    """`hyp` must hold wherever the rewritten reduction is evaluated: for the store's program
    and lanes, and for every value of the enclosing binders' variables in their ranges."""

    lemma: str
    hyp: Term
    binders: tuple[tuple[str, Term, Term], ...]
    site: Term = field(compare=False)  # the reduction as the kernel wrote it


def _is_identity(op: Op, t: Term) -> bool:
    if t.op is not Op.CONST or isinstance(t.value, bool):
        return False
    if op is Op.SUM:
        return t.value == 0
    if op in (Op.MAXR, Op.ARGMAX):
        return t.value == -math.inf
    if op in (Op.MINR, Op.ARGMIN):
        return t.value == math.inf
    return False


@dataclass(frozen=True)
class Rule:
    """Σ/max/... over [lo, hi) of where(k < E, f(k), pad) rewritten by `lemma`: `tail` (pad is the
    identity, the mask cuts the range: hypothesis E ≤ hi, new range [lo, E)), `head` (the mask
    holds on the whole range: hypothesis hi ≤ E, range unchanged) or `pad` (pad is a constant c
    that no real lane beats: hypotheses lo < E ≤ hi and f(k) ≥ c for every k in [lo, E) for a max,
    ≤ c for a min; new range [lo, E))."""

    op: Op
    lemma: str
    kind: str


# The rules, as data, tried in order; each names a lemma of lemmas.py (checked at import).
RULES: tuple[Rule, ...] = (
    Rule(Op.SUM, "sum_masked_tail", "tail"),
    Rule(Op.SUM, "sum_masked_head", "head"),
    Rule(Op.MAXR, "max_masked_tail", "tail"),
    Rule(Op.MAXR, "max_padded_tail", "pad"),
    Rule(Op.MINR, "min_masked_tail", "tail"),
    Rule(Op.MINR, "min_padded_tail", "pad"),
    Rule(Op.ARGMAX, "argmax_masked_tail", "tail"),
    Rule(Op.ARGMIN, "argmin_masked_tail", "tail"),
)


def upper_bound(g: Term, v: str) -> Term | None:
    """E such that the comparison g is `v < E`, or None."""
    if g.op in (Op.GT, Op.GE):
        a, b, strict = g.args[1], g.args[0], g.op is Op.GT
    elif g.op in (Op.LT, Op.LE):
        a, b, strict = g.args[0], g.args[1], g.op is Op.LT
    else:
        return None
    if v in free_vars(b) or v not in free_vars(a):
        return None
    try:
        p = TO.poly(a)
    except ValueError:
        return None
    key = next((m for m in p if any(x.op is Op.VAR and x.attrs[0] == v for x in m)), None)
    if key is None or len(key) != 1 or p[key] != 1:
        return None
    rest = {m: c for m, c in p.items() if m != key}
    if any(v in free_vars(x) for m in rest for x in m):
        return None
    e = build.sub(b, TO.pterm(rest))
    return e if strict else build.add(e, 1)


def _guards(body: Term, v: str) -> list[Term]:
    return [n for n in walk(body) if n.op in (Op.LT, Op.LE, Op.GT, Op.GE) and upper_bound(n, v) is not None]


class Normalizer:
    """Apply the masked-range rules and canonical names to terms. A rule fires only when
    `holds(side_condition)` (the solver, in the store's context) proves its hypothesis; the
    rules' uses are collected in `side`, hypotheses that could not be proved in `unresolved`."""

    def __init__(self, holds: Callable[[SideCondition], bool]) -> None:
        self.holds = holds
        self.side: list[SideCondition] = []
        self.unresolved: list[SideCondition] = []
        self._memo: dict[tuple[Term, tuple], Term] = {}

    def run(self, t: Term) -> Term:
        return self._go(t, ())

    def _go(self, t: Term, ctx: tuple) -> Term:
        key = (t, ctx)
        r = self._memo.get(key)
        if r is None:
            r = self._memo[key] = self._node(t, ctx)
        return r

    def _node(self, t: Term, ctx: tuple) -> Term:
        if not t.args:
            return t
        if t.op not in BINDERS:
            return TO.rebuild(t, tuple(self._go(a, ctx) for a in t.args))
        v = t.attrs[0]
        lo, hi = self._go(t.args[0], ctx), self._go(t.args[1], ctx)
        body = self._go(t.args[2], ctx + ((v, lo, hi),))
        hi, body = self._masked(t, v, lo, hi, body, ctx)
        name = f"y{TO.height(body)}"
        if name != v:
            body = TO.subst(body, {v: var(name)})
        return build.binder(t.op, name, lo, hi, body)

    def _masked(self, t: Term, v: str, lo: Term, hi: Term, body: Term, ctx: tuple) -> tuple[Term, Term]:
        rules = [r for r in RULES if r.op is t.op]
        progress = True
        while progress:
            progress = False
            failed: list[SideCondition] = []
            for g in _guards(body, v):
                off = TO.replace(body, g, const(False))
                on = TO.replace(body, g, const(True))
                e = upper_bound(g, v)
                assert e is not None
                for rule in rules:
                    conds = self._conditions(rule, t, v, lo, hi, e, on, off, ctx)
                    if conds is None:
                        continue
                    bad = next((sc for sc in conds if not self.holds(sc)), None)
                    if bad is not None:
                        failed.append(bad)
                        continue
                    self.side += conds
                    body, hi = on, (hi if rule.kind == "head" else e)
                    progress = True
                    break
                if progress:
                    break
            if not progress:
                self.unresolved += failed
        return hi, body

    @staticmethod
    def _conditions(rule: Rule, t: Term, v: str, lo: Term, hi: Term, e: Term, on: Term, off: Term,
                    ctx: tuple) -> list[SideCondition] | None:
        """The lemma's hypotheses for this use, or None when the body does not have its shape."""
        if rule.kind in ("tail", "head"):
            if not _is_identity(t.op, off):
                return None
            hyp = build.compare(Op.LE, e, hi) if rule.kind == "tail" else build.compare(Op.LE, hi, e)
            return [SideCondition(rule.lemma, hyp, ctx, t)]
        if off.op is not Op.CONST or isinstance(off.value, bool) or math.isinf(off.value):
            return None
        span = build.logical_and(build.compare(Op.LT, lo, e), build.compare(Op.LE, e, hi))
        bound = build.compare(Op.GE if t.op is Op.MAXR else Op.LE, on, off)
        return [SideCondition(rule.lemma, span, ctx, t), SideCondition(rule.lemma, bound, ctx + ((v, lo, e),), t)]


def _check_rules() -> None:
    from .lemmas import LEMMA

    for r in RULES:
        if r.lemma not in LEMMA:  # a rule without a proved lemma would be an unproved assumption
            raise AssertionError(f"rewrite rule {r.lemma} has no lemma in the library")


_check_rules()
