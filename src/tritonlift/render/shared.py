"""Naming repeated sub-expressions for people: `y[i, j] = (x[i, j] − μ[i]) / √(σ[i] + eps)
where μ[i] = Σ_{k<N} x[i, k] / N`. A sub-term is named when it holds a reduction and occurs
at least twice across the outputs (counted as a tree); its free index variables become the
name's indices. Rendering only: the formula itself is unchanged."""

from __future__ import annotations

from ..dsl.term import BINDERS, Op, Term, free_vars, var
from ..result import Formula

NAMES = "μσνρτφψωαβγδ"


def _occurrences(formula: Formula) -> dict[Term, int]:
    counts: dict[Term, int] = {}

    def go(t: Term) -> None:
        counts[t] = counts.get(t, 0) + 1
        if counts[t] > 1:
            return  # its own sub-terms were counted at the first occurrence
        for a in t.args:
            go(a)

    for o in formula.outputs:
        go(o.body)
    return counts


def _has_binder(t: Term) -> bool:
    stack, seen = [t], set()
    while stack:
        n = stack.pop()
        if n.op in BINDERS:
            return True
        if n not in seen:
            seen.add(n)
            stack.extend(n.args)
    return False


def shared_subterms(formula: Formula) -> list[tuple[str, Term, tuple[str, ...]]]:
    """(name, term, index variables) for each repeated reduction-bearing sub-term, largest first;
    a term inside a named one is named only if it also repeats on its own."""
    counts = _occurrences(formula)
    out_vars = {v for o in formula.outputs for v in o.index_vars}
    cands = [t for t, c in counts.items() if c >= 2 and _has_binder(t) and t.op is not Op.READ
             and free_vars(t) <= out_vars]
    cands.sort(key=lambda t: -len(str(t)))
    chosen: list[Term] = []
    for t in cands:
        if len(chosen) == len(NAMES):
            break
        chosen.append(t)
    chosen.sort(key=lambda t: len(str(t)))  # inner definitions first: the mean is μ
    return [(NAMES[k], t, tuple(sorted(free_vars(t)))) for k, t in enumerate(chosen)]


def abbreviate(t: Term, names: list[tuple[str, Term, tuple[str, ...]]]) -> Term:
    """`t` with every named sub-term replaced by its name (a read of a pseudo-tensor)."""
    table = {term: Term.make(Op.READ, tuple(var(v) for v in idx), (name,)) for name, term, idx in names}

    def go(n: Term) -> Term:
        if n in table:
            return table[n]
        if not n.args:
            return n
        return Term.make(n.op, tuple(go(a) for a in n.args), n.attrs)

    return go(t)
