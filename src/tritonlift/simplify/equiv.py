"""Equality of two formulas for every size, by the simplifier's proved rules alone.

Both sides go into one e-graph (after the listed constant readings of assumptions.py) and the
rules of rules.py run on it; when the two roots end in one e-class, the formulas are equal
wherever the left one is defined, for every size: every rule is proved sound by z3 for every
range length (tests/simplify/test_rules.py). This is the basis on which `lift` prints its
simplified formula as PROVED, and `check` uses it the same way: the user's formula is PROVED when
it is rule-equal to the formula the prover proved.

Binder variables are renamed canonically first (by the binders they depend on), and the output's index
variables of one side to the other's, so that names do not keep equal formulas apart. Not
finding one class decides nothing ("not shown equal").
"""

from __future__ import annotations

from ..dsl.term import BINDERS, Op, Term, free_vars, var
from ..result import Formula
from .assumptions import apply_assumptions
from .egraph import EGraphRun, Limits

# the final check's e-graph may work longer than lift's interactive simplification
CHECK_LIMITS = Limits(iterations=40, nodes=60_000, seconds=3.0)


def canonical_binders(t: Term, taken: frozenset[str]) -> Term:
    """`t` with every binder's variable named by how many enclosing binders it depends on: a
    binder mentioning no enclosing binder's variable is `b0` wherever it occurs (a max inside a
    sum and the same max outside it are one term), one depending on a `b0` binder is `b1`, and so
    on. Alpha-equivalent formulas become the same term; a closed inner binder may shadow an outer
    one of the same name, which the rules' `free` analysis treats correctly (analysis.py)."""
    names: list[str] = []

    def name(level: int) -> str:
        while len(names) <= level:
            k = len(names)
            while f"b{k}" in taken:
                k += 1000
            names.append(f"b{k}")
        return names[level]

    def go(n: Term, env: dict[str, tuple[str, int]]) -> Term:
        """env: original bound name -> (canonical name, level) of the enclosing binders."""
        if n.op is Op.VAR:
            return var(env[n.attrs[0]][0]) if n.attrs[0] in env else n
        if not n.args:
            return n
        if n.op in BINDERS:
            used = free_vars(n) & set(env)
            level = 1 + max(env[u][1] for u in used) if used else 0
            v = name(level)
            lo, hi = go(n.args[0], env), go(n.args[1], env)
            body = go(n.args[2], {**env, n.attrs[0]: (v, level)})
            return Term.make(n.op, (lo, hi, body), (v, *n.attrs[1:]))
        return Term.make(n.op, tuple(go(a, env) for a in n.args), n.attrs)

    return go(t, {})


def rules_equal(a: Term, b: Term, positive: frozenset[str] = frozenset(), limits: Limits = CHECK_LIMITS,
                assumed: set[str] | None = None) -> bool:
    """a = b by the proved rules (module doc); the constant readings used go to `assumed`."""
    taken = frozenset(free_vars(a) | free_vars(b))
    a, b = canonical_binders(a, taken), canonical_binders(b, taken)
    if a is b:
        return True
    (a, ka), (b, kb) = apply_assumptions(a), apply_assumptions(b)
    if assumed is not None:
        assumed |= ka | kb  # (reported only with a PROVED or BOUNDED result)
    if a is b:
        return True
    run = EGraphRun(positive, limits)
    ka, kb = run.add(a), run.add(b)
    try:
        run.run()
        run._run(f"(check (= {run.roots[ka]} {run.roots[kb]}))")
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # egglog's check failure, and its own errors: not shown equal
        try:  # the cheapest members, decoded (the decoder folds constants exactly), may agree
            return run.extract(ka) == run.extract(kb)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:
            return False
    return True


def formulas_rule_equal(user: Formula, proved: Formula, positive: frozenset[str] = frozenset(),
                        assumed: set[str] | None = None) -> str | None:
    """None when every output of `user` is rule-equal to the same output of `proved`; else the
    first output that is not (its name and why)."""
    for o in user.outputs:
        p = proved.get(o.tensor)
        if p is None:
            return f"{o.tensor}: the proved formula does not state it"
        body = o.body
        if o.index_vars != p.index_vars:
            ren = {u: var(v) for u, v in zip(o.index_vars, p.index_vars, strict=True)}
            body = _rename_free(body, ren)
        if not rules_equal(body, p.body, positive, assumed=assumed):
            return f"{o.tensor}: not shown equal to the proved formula by the simplifier's rules"
    return None


def _rename_free(t: Term, ren: dict[str, Term]) -> Term:
    if t.op is Op.VAR:
        return ren.get(t.attrs[0], t)
    if t.op in BINDERS:
        inner = {k: v for k, v in ren.items() if k != t.attrs[0]}
        lo, hi = _rename_free(t.args[0], ren), _rename_free(t.args[1], ren)
        return Term.make(t.op, (lo, hi, _rename_free(t.args[2], inner)), t.attrs)
    if not t.args:
        return t
    return Term.make(t.op, tuple(_rename_free(a, ren) for a in t.args), t.attrs)
