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
from . import normalize_softmax as NS
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
    if op is Op.PROD:
        return t.value == 1
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
    Rule(Op.PROD, "prod_masked_tail", "tail"),
    Rule(Op.MAXR, "max_masked_tail", "tail"),
    Rule(Op.MAXR, "max_padded_tail", "pad"),
    Rule(Op.MAXR, "max_masked_head", "head"),
    Rule(Op.MINR, "min_masked_head", "head"),
    Rule(Op.PROD, "prod_masked_head", "head"),
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


FLAT = {Op.SUM: "sum", Op.PROD: "prod", Op.MAXR: "max", Op.MINR: "min"}
JOIN = {Op.ADD: Op.SUM, Op.MUL: Op.PROD, Op.MAX: Op.MAXR, Op.MIN: Op.MINR}
SWAP = (Op.SUM, Op.MAXR, Op.MINR)  # the ops with a proved `<op>_swap` lemma


def _chain(t: Term, op: Op) -> list[Term]:
    if t.op is op:
        return [p for a in t.args for p in _chain(a, op)]
    return [t]


def _offsets(body: Term, u: str, b: str, width: Term) -> list[Term]:
    """Candidates a for a body indexed by a + u·B + b: from each index-like sub-term (tensor
    indices, comparison operands) whose polynomial has b with coefficient 1 and u with
    coefficient B, the rest."""
    wp = TO.poly(width)
    out: list[Term] = []
    for n in walk(body):
        if n.op is Op.READ:
            parts = n.args
        elif n.op in TO.COMPARISONS:
            parts = n.args
        else:
            continue
        for e in parts:
            if b not in free_vars(e):
                continue
            try:
                p = TO.poly(e)
                rest = TO.padd(TO.padd(p, {(var(b),): TO.Fraction(-1)}), TO.pscale(TO.pmul({(var(u),): TO.Fraction(1)}, wp), -1))
                if any({u, b} & free_vars(x) for m in rest for x in m):
                    continue
                a = TO.pterm(rest)
            except ValueError:
                continue
            if a not in out:
                out.append(a)
    return out


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
        self._flat: list[str] = []

    def run(self, t: Term) -> Term:
        return self._rebase(self._go(TO.linear(t), ()), ())

    def _rebase(self, t: Term, ctx: tuple) -> Term:
        """Every reduction over [lo, hi) with lo ≠ 0 as one over [0, hi − lo) of the body at k + lo
        (`tile_shift_<op>`, hypothesis lo ≤ hi), so that ranges masked at an offset (a mask
        `k < N − 1` cut at the bottom of a linear form) meet the formula's zero-based ranges. A
        final pass: the merge rule needs the ranges as the kernel wrote them."""
        if not t.args:
            return t
        if t.op not in BINDERS:
            return TO.rebuild(t, tuple(self._rebase(a, ctx) for a in t.args))
        v, (lo, hi, body) = t.attrs[0], t.args
        lo, hi = self._rebase(lo, ctx), self._rebase(hi, ctx)
        if t.op in FLAT and lo is not const(0):
            sc = SideCondition(f"tile_shift_{FLAT[t.op]}", TO.linear(build.compare(Op.LE, lo, hi)), ctx, t)
            if self.holds(sc):
                self.side.append(sc)
                body = TO.linear(TO.subst(body, {v: build.add(var(v), lo)}))
                lo, hi = const(0), TO.linear(build.sub(hi, lo))
        body = self._rebase(body, ctx + ((v, lo, hi),))
        r = build.binder(t.op, v, lo, hi, body)
        return r if r.op is not t.op else build.binder(t.op, f"y{TO.height(body)}", lo, hi,
                                                       TO.subst(body, {v: var(f"y{TO.height(body)}")}))

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
            r = TO.rebuild(t, tuple(self._go(a, ctx) for a in t.args))
            if r.op in (Op.MOD, Op.FLOORDIV):
                return self._in_range(r, ctx)
            if r.op is Op.MUL:  # a per-lane online softmax's combine (normalize_softmax.py)
                lane = NS.rescale_into_sum(r, lambda lemma, hyp, site: self._side(lemma, hyp, ctx, site))
                if lane is not None:
                    return self._go(lane, ctx)
            if r.op in JOIN:
                return self._merge(r, ctx)
            return r
        v = t.attrs[0]
        lo, hi = self._go(t.args[0], ctx), self._go(t.args[1], ctx)
        body = self._go(t.args[2], ctx + ((v, lo, hi),))
        out = self._join_out(t, v, lo, hi, body, ctx)
        if out is not None:
            return out
        r = self._flat_then_masked(t, v, lo, hi, body, ctx)
        if r is None:
            r = self._swapped(t, v, lo, hi, body, ctx)
        if r is None:
            hi, body = self._masked(t, v, lo, hi, body, ctx)
            if body.op is t.op:  # a masked tail may have exposed a row of tiles
                r = self._flat_then_masked(build.binder(t.op, v, lo, hi, body), v, lo, hi, body, ctx)
        if isinstance(r, Term):
            return r
        if r is not None:
            t, v, lo, hi, body = r
        name = f"y{TO.height(body)}"
        if name != v:
            body = TO.subst(body, {v: var(name)})
        return build.binder(t.op, name, lo, hi, body)

    def _side(self, lemma: str, hyp: Term, ctx: tuple, site: Term) -> bool:
        sc = SideCondition(lemma, TO.linear(hyp), ctx, site)
        if not self.holds(sc):
            self.unresolved.append(sc)
            return False
        self.side.append(sc)
        return True

    def _join_out(self, t: Term, v: str, lo: Term, hi: Term, body: Term, ctx: tuple) -> Term | None:
        """max_{v∈[lo,hi)} max(c, f(v)) as max(c, max_{[lo,hi)} f) where c does not mention v and
        the range is not empty (`max_join_out`, likewise for min): a per-lane running max started
        at 0 (an absolute maximum) instead of −∞, reduced over its lanes after the loop, is then
        a max over the loop's tiles, which swaps and flattens."""
        join = {Op.MAXR: Op.MAX, Op.MINR: Op.MIN}.get(t.op)
        if join is None or body.op is not join:
            return None
        parts = _chain(body, join)
        outside = [p for p in parts if v not in free_vars(p)]
        inside = [p for p in parts if v in free_vars(p)]
        if not outside or not inside:
            return None
        if not self._side(f"{FLAT[t.op]}_join_out", build.compare(Op.LT, lo, hi), ctx, t):
            return None
        rest = inside[0]
        for p in inside[1:]:
            rest = build.apply(join, rest, p)
        acc = self._node(build.binder(t.op, v, lo, hi, rest), ctx)
        if acc.op is t.op:
            acc = self._pads_absorbed(acc, outside, ctx)
        for c in outside:
            acc = build.apply(join, c, acc)
        return acc

    def _pads_absorbed(self, t: Term, outside: list[Term], ctx: tuple) -> Term:
        """max_{[lo,hi)} where(k < E, f(k), c) joined with c is max_{[lo,E)} f joined with c,
        for E ≤ hi and any finite c (`max_join_padded`): the pad lanes of a running max started
        at c hold c, which the join outside absorbs, whatever the sign of f."""
        v, (lo, hi, body) = t.attrs[0], t.args
        for g in _guards(body, v):
            off = TO.replace(body, g, const(False))
            if off not in outside or (off.op is Op.CONST and math.isinf(off.value)):
                continue
            e = upper_bound(g, v)
            assert e is not None
            if self._side(f"{FLAT[t.op]}_join_padded", build.compare(Op.LE, e, hi), ctx, t):
                return self._node(build.binder(t.op, v, lo, e, TO.replace(body, g, const(True))), ctx)
        return t

    def _in_range(self, t: Term, ctx: tuple) -> Term:
        """x mod m = x and x div m = 0 where 0 ≤ x < m (asked of the solver in the context):
        a kernel that wraps its row index (`rm % M`) reads row rm wherever the store's mask holds."""
        x, m = t.args
        hyp = build.logical_and(build.compare(Op.LE, const(0), x), build.compare(Op.LT, x, m))
        sc = SideCondition("mod_in_range", TO.linear(hyp), ctx, t)
        if not self.holds(sc):
            return t
        self.side.append(sc)
        return x if t.op is Op.MOD else const(0)

    def _merge(self, t: Term, ctx: tuple) -> Term:
        """op_{[lo,mid)} f ⊕ op_{[mid,hi)} f = op_{[lo,hi)} f for two reductions over the same body
        joined by ⊕ (+ for Σ, · for Π, max, min): the split lemmas, with lo ≤ mid ≤ hi and the
        ranges' adjacency asked of the solver (a loop over whole tiles and a peeled masked tail
        meet at `prev_multiple_of(K, B)`, which the solver, not the syntax, shows equal)."""
        red = JOIN[t.op]
        parts = _chain(t, t.op)
        if len(parts) > 1 and red in FLAT:  # a block's prefix at offset s next to a carry over [0, s)
            parts = [self._unshift(x, red, parts, ctx) for x in parts]
        done = False
        while not done:
            done = True
            for i, x in enumerate(parts):
                for j, y in enumerate(parts):
                    if i == j or x.op is not red or y.op is not red or x.attrs != y.attrs or x.args[2] is not y.args[2]:
                        continue
                    (lo, mid, _), (mid2, hi, _) = x.args, y.args
                    hyp = TO.linear(build.logical_and(build.logical_and(build.compare(Op.LE, lo, mid),
                                                                        build.compare(Op.EQ, mid, mid2)),
                                                      build.compare(Op.LE, mid2, hi)))
                    sc = SideCondition(f"{FLAT[red]}_split", hyp, ctx, t)
                    if not self.holds(sc):
                        continue
                    self.side.append(sc)
                    merged = build.binder(red, x.attrs[0], lo, hi, x.args[2])
                    parts = [merged] + [p for k, p in enumerate(parts) if k not in (i, j)]
                    done = False
                    break
                if not done:
                    break
        if len(parts) == len(_chain(t, t.op)):
            return t
        acc = parts[0]
        for p in parts[1:]:
            acc = build.apply(t.op, acc, p)
        return acc

    def _unshift(self, x: Term, red: Op, parts: list[Term], ctx: tuple) -> Term:
        """x as a reduction over [s, s + n) (`loops_scan.unshift`) when another part reduces the
        same body over a range ending at s; otherwise x."""
        from .loops_scan import unshift

        r = unshift(x, red)
        if r is None or not any(y.op is red and y.args[2] is r[0].args[2] and y is not x for y in parts):
            return x
        sc = SideCondition(f"tile_shift_{FLAT[red]}", TO.linear(r[1]), ctx, x)
        if not self.holds(sc):
            return x
        self.side.append(sc)
        return r[0]

    def _flat_then_masked(self, t: Term, v: str, lo: Term, hi: Term, body: Term,
                          ctx: tuple) -> Term | tuple[Term, str, Term, Term, Term] | None:
        """The binder flattened (`_flatten`) and then its masked range rewritten (`_masked`): the
        parts of the new binder, a term when it folded away, or None when it does not flatten."""
        flat = self._flatten(t, v, lo, hi, body, ctx)
        if flat is None:
            return None
        v, lo, hi, body = flat
        t = build.binder(t.op, v, lo, hi, body)
        if t.op not in BINDERS:
            return t
        hi, body = self._masked(t, v, lo, hi, body, ctx)
        return t, v, lo, hi, body

    def _swapped(self, t: Term, v: str, lo: Term, hi: Term, body: Term,
                 ctx: tuple) -> Term | tuple[Term, str, Term, Term, Term] | None:
        """op_{v∈[lo,hi)} op_{w∈[lo2,hi2)} f as op_{w∈[lo2,hi2)} op_{v∈[lo,hi)} f when the inner
        bounds do not mention v (the `<op>_swap` lemma), kept only when the swapped form then
        flattens: `acc` holding one lane's sum over the loop's tiles, reduced over its lanes after
        the loop, is the loop over the tiles' lane sums, which is the flat reduction."""
        if t.op not in SWAP or body.op is not t.op or v in free_vars(body.args[0]) | free_vars(body.args[1]):
            return None
        w, lo2, hi2 = body.attrs[0], body.args[0], body.args[1]
        inner = build.binder(t.op, v, lo, hi, body.args[2])
        outer = build.binder(t.op, w, lo2, hi2, inner)
        if outer.op is not t.op or inner.op is not t.op:
            return None
        r = self._flat_then_masked(outer, w, lo2, hi2, inner, ctx)
        if r is not None:
            sc = SideCondition(f"{FLAT[t.op]}_swap", const(True), ctx, t)  # no hypothesis: recorded as a use
            if not self.holds(sc):
                return None
            self.side.append(sc)
        return r

    def _flatten(self, t: Term, u: str, lo: Term, hi: Term, body: Term,
                 ctx: tuple) -> tuple[str, Term, Term, Term] | None:
        """op_{u∈[lo,hi)} op_{b∈[0,B)} f(a + u·B + b) as op_{k∈[a+lo·B, a+hi·B)} f(k), by the
        `tiles_flat_<op>` lemma: the inner body must depend on u and b only through a + u·B + b,
        which is checked by substituting b := k − a − u·B and finding neither variable left."""
        if t.op not in FLAT or body.op is not t.op or body.args[0] is not const(0):
            return None
        b, width, inner = body.attrs[0], body.args[1], body.args[2]
        if u in free_vars(width):
            return None
        k = f"k{len(self._flat)}"
        self._flat.append(k)
        for a in _offsets(inner, u, b, width):
            cand = TO.linear(TO.subst(inner, {b: build.sub(build.sub(var(k), a), build.mul(var(u), width))}))
            if {u, b} & free_vars(cand):
                continue
            hyp = build.logical_and(build.compare(Op.LE, lo, hi), build.compare(Op.LE, const(0), width))
            sc = SideCondition(f"tiles_flat_{FLAT[t.op]}", hyp, ctx, t)
            if not self.holds(sc):
                self.unresolved.append(sc)
                return None
            self.side.append(sc)
            new_lo = TO.linear(build.add(a, build.mul(lo, width)))
            new_hi = TO.linear(build.add(a, build.mul(hi, width)))
            return k, new_lo, new_hi, cand
        return None

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

    for name in [r.lemma for r in RULES] + [f"{FLAT[op]}_swap" for op in SWAP] + [f"{m}_join_{w}" for m in ("max", "min") for w in ("out", "padded")]:
        if name not in LEMMA:  # a rule without a proved lemma would be an unproved assumption
            raise AssertionError(f"rewrite rule {name} has no lemma in the library")


_check_rules()
