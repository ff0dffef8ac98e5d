"""The mean has no node of its own: the simplifier's canonical form of a mean is
`sum(k, 0, N, body) / N` (a sum over [0, N) divided by the same N), which rules.py produces from
`(1/N)·Σ`, `Σ·N**-1` and `Σ (x/N)`. Keeping it a plain quotient means every stage (evaluator,
solver, instantiation, code generation) already understands it; a renderer that wants to print
`mean_{k<N} x[i, k]` recognises it with `as_mean`.
"""

from __future__ import annotations

from ..dsl.term import Op, Term


def as_mean(t: Term) -> tuple[str, Term, Term] | None:
    """(bound index, N, body) when `t` is `sum(k, 0, N, body) / N`, else None."""
    if t.op is not Op.DIV:
        return None
    s, n = t.args
    if s.op is Op.SUM and s.args[0].op is Op.CONST and s.args[0].value == 0 and s.args[1] is n:
        return s.attrs[0], n, s.args[2]
    return None
