"""What a lemma is and how it is proved: by induction, as separate solver queries.

A lemma claims `hyps → claim` for all values of its variables. Its `setup(R)` builds, in the
vocabulary of a `Reductions` R, the variables, the named hypotheses, the claim, the triggers for
its use as an axiom, the facts the proof may use (`background`: axioms and other lemmas), and an
optional `Induction(start, P, at)`. The proof is then three queries (one per conjunct of the
goal, which is measurably more robust than one query for a conjunction), each proved when unsat:

    base        background ∧ hyps ∧ ¬P(start)
    step        background ∧ hyps ∧ hints(n) ∧ n ≥ start ∧ P(n) ∧ ¬P(n + 1)       (n fresh)
    conclusion  background ∧ hyps ∧ ⋀_{t ∈ at} (t ≥ start → P(t)) ∧ ¬claim

Base and step give ∀n ≥ start. P(n) with the other variables fixed; the conclusion may use P only
where that applies, so it stays sound when `t < start` is possible. A lemma without induction is
one query, `background ∧ hyps ∧ ¬claim`.

Every proof is run with each query under its own limits (`Limits`); `prove` reports the first
query that is not unsat, naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import z3

from ..dsl.term import Op
from .query import Answer, Limits, Query, Status
from .reductions import Reductions
from .theory import Z3Theory


@dataclass(frozen=True)
class Induction:
    """Induction on n ≥ start. `hints(n)` are extra facts for the step, typically ground
    instances of axioms at the element the step adds (sound: instances of trusted facts)."""

    start: z3.ArithRef
    P: Callable[[z3.ArithRef], z3.BoolRef]
    at: tuple[z3.ArithRef, ...]
    hints: Callable[[z3.ArithRef], tuple[z3.BoolRef, ...]] | None = None


@dataclass(frozen=True)
class Setup:
    vars: tuple[z3.ExprRef, ...]
    claim: z3.BoolRef
    hyps: tuple[tuple[str, z3.BoolRef], ...] = ()
    patterns: tuple[tuple[z3.ExprRef, ...], ...] = ()
    induct: Induction | None = None
    lemmas: tuple[z3.BoolRef, ...] = ()  # other lemmas' axiom forms (consequences of definitions)
    facts: tuple[z3.BoolRef, ...] = ()  # instances of math axioms

    @property
    def background(self) -> tuple[z3.BoolRef, ...]:
        return self.lemmas + self.facts


@dataclass(frozen=True)
class Lemma:
    name: str
    statement: str  # as printed to users
    method: str  # how the proof goes, for readers
    setup: Callable[[Reductions], Setup]
    uses: tuple[str, ...] = ()  # axioms and lemmas the proof assumes
    trigger_text: str = ""
    refuted_without: tuple[str, ...] = ()  # hypotheses whose removal makes the claim false
    body: Callable | None = None  # the reduction body, default an uninterpreted f
    exp: Op = Op.EXP

    def reductions(self, T: Z3Theory | None = None) -> Reductions:
        return Reductions(T or Z3Theory(), body=self.body, exp=self.exp)

    # -- use as an axiom -----------------------------------------------------------------------
    def axiom(self, R: Reductions) -> z3.BoolRef:
        """∀vars. hyps → claim, with the lemma's triggers."""
        st = self.setup(R)
        pats = [p[0] if len(p) == 1 else z3.MultiPattern(*p) for p in st.patterns]
        return z3.ForAll(list(st.vars), _implies(st.hyps, st.claim), patterns=pats)

    def instance(self, R: Reductions, *args) -> z3.BoolRef:
        """hyps → claim with the variables replaced by `args` (a ground instance)."""
        st = self.setup(R)
        if len(args) != len(st.vars):
            raise ValueError(f"{self.name} takes {len(st.vars)} arguments, got {len(args)}")
        return z3.substitute(_implies(st.hyps, st.claim), *zip(st.vars, args, strict=True))

    # -- proof -------------------------------------------------------------------------------
    def obligations(self, drop: tuple[str, ...] = (), limits: Limits | None = None) -> list[Query]:
        R = self.reductions()
        st = _without(self.setup(R), drop, self.name)
        common = [*st.background, *(h for _, h in st.hyps)]

        def q(label: str, extra: list, goal: z3.BoolRef) -> list[Query]:
            # One query per conjunct of the goal: measured, z3 proves `m' = M ∧ s' = S` as two
            # queries in 95 ms and times out on the conjunction (online_softmax_step).
            parts = _conjuncts(goal)
            return [Query.from_z3(f"{self.name}.{label}" + (f"[{k}]" if len(parts) > 1 else ""),
                                  common + extra + [z3.Not(g)], limits) for k, g in enumerate(parts)]

        ind = st.induct
        if ind is None:
            return q("direct", [], st.claim)
        n = R.T.var(f"{self.name}.n", "Int")
        uses = [z3.Implies(t >= ind.start, ind.P(t)) for t in ind.at]
        hints = list(ind.hints(n)) if ind.hints else []
        return [
            *q("base", [], ind.P(ind.start)),
            *q("step", [*hints, n >= ind.start, ind.P(n)], ind.P(n + 1)),
            *q("conclusion", uses, st.claim),
        ]

    def prove(self, backend, drop: tuple[str, ...] = (), limits: Limits | None = None) -> Answer:
        """unsat when every obligation is unsat; otherwise the first other answer, its reason
        prefixed with the obligation's name. `seconds` is the total."""
        total = 0.0
        for query in self.obligations(drop, limits):
            ans = backend.check(query)
            total += ans.seconds
            if ans.status is not Status.UNSAT:
                return replace(ans, reason=f"{query.name}: {ans.status.value} {ans.reason}".strip(), seconds=total)
        return Answer(Status.UNSAT, "proved", total, solver=getattr(backend, "name", ""))

    # Model-finding queries leave out `lemmas`: they are consequences of the recursive
    # definitions, which every model satisfies anyway, and quantifiers stop z3 finding models.
    def refutation(self, drop: tuple[str, ...], bound: int = 4, limits: Limits | None = None) -> Query:
        """A bounded search for a counterexample to the claim without the dropped hypotheses:
        sat (with a model) shows the lemma is false without them."""
        R = self.reductions()
        st = _without(self.setup(R), drop, self.name)
        box = [z3.And(-bound <= v, v <= bound) for v in st.vars if v.sort() == R.T.Int]
        return Query.from_z3(f"{self.name}.refute", [*st.facts, *(h for _, h in st.hyps), *box,
                                                      z3.Not(st.claim)], limits)

    def sanity(self, limits: Limits | None = None) -> Query:
        """facts ∧ hyps ∧ claim: must be satisfiable, or the proof above would be vacuous."""
        R = self.reductions()
        st = self.setup(R)
        return Query.from_z3(f"{self.name}.sanity", [*st.facts, *(h for _, h in st.hyps), st.claim], limits)


def _conjuncts(goal: z3.BoolRef) -> list[z3.BoolRef]:
    if z3.is_and(goal):
        return [c for g in goal.children() for c in _conjuncts(g)]
    return [goal]


def _implies(hyps, claim):
    return z3.Implies(z3.And(*[h for _, h in hyps]), claim) if hyps else claim


def _without(st: Setup, drop: tuple[str, ...], name: str) -> Setup:
    names = {h for h, _ in st.hyps}
    unknown = set(drop) - names
    if unknown:
        raise ValueError(f"{name} has no hypothesis {sorted(unknown)}; it has {sorted(names)}")
    return replace(st, hyps=tuple((h, f) for h, f in st.hyps if h not in drop))
