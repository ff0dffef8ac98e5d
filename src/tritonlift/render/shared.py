"""Naming repeated sub-expressions for people: `y[i, j] = (x[i, j] − mean[i]) / √(var[i] + eps)
where mean[i] = Σ_{k<N} x[i, k] / N`. A sub-term is named when it holds a reduction and occurs
at least twice across the outputs (counted as a tree); its free index variables become the
name's indices. Rendering only: the formula itself is unchanged (`check` reads the `where`
lines back).

A name says what the term is, by its shape (`role`): `mean` (Σ b / n), `var` (Σ (b − c)² / n), `ms`
(mean of squares), `rms` (√ of a mean of squares, + eps), `std` (√ of a variance), `rstd` (one over
an rms or std), `lse` (log Σ exp), `mx`/`mn` (a max or min over a range), `s` (a plain sum); any
other term gets a neutral letter (`t`, `u`, ...). Never a name the formula already uses (a tensor,
a symbol, an index): `mean` taken by an output becomes `mean_x` (the mean of x)."""

from __future__ import annotations

from ..dsl.term import BINDERS, Op, Term, free_vars, var, walk
from ..result import Formula

NEUTRAL = ("t", "u", "v", "p", "q", "r", "z", "a", "b", "c", "d", "e")
MAX_NAMES = 12


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
    chosen = cands[:MAX_NAMES]
    chosen.sort(key=lambda t: len(str(t)))  # inner definitions first
    taken = _used_names(formula)
    out = []
    for t in chosen:
        name = _fresh(role(t), taken, _tensor_of(t))
        taken.add(name)
        out.append((name, t, tuple(sorted(free_vars(t)))))
    return out


def _used_names(formula: Formula) -> set[str]:
    used = {o.tensor for o in formula.outputs} | {v for o in formula.outputs for v in o.index_vars}
    for o in formula.outputs:
        for n in walk(o.body):
            if n.op in (Op.READ, Op.SYM, Op.VAR, Op.CALL) or n.op in BINDERS:
                used.add(n.attrs[0])
    return used


def _tensor_of(t: Term) -> str | None:
    reads = sorted({n.attrs[0] for n in walk(t) if n.op is Op.READ})
    return reads[0] if len(reads) == 1 else None


def _fresh(name: str | None, taken: set[str], tensor: str | None = None) -> str:
    if name is None:
        return next((n for n in NEUTRAL if n not in taken), _fresh("t", taken | set(NEUTRAL)))
    k = 0
    cand = name
    if cand in taken and tensor is not None:
        cand = f"{name}_{tensor}"  # the output `mean` is mean_x
    while cand in taken:
        k += 1
        cand = f"{name}{k}"
    return cand


def _is_square(t: Term) -> bool:
    return (t.op is Op.POW and t.args[1].op is Op.CONST and t.args[1].value == 2) or \
        (t.op is Op.MUL and t.args[0] is t.args[1])


def _strip_eps(t: Term) -> Term:
    """`m + eps` -> m (a constant or real symbol added for stability)."""
    if t.op is Op.ADD:
        a, b = t.args
        if b.op is Op.CONST or (b.op is Op.SYM and b.attrs[1] == "real"):
            return a
        if a.op is Op.CONST or (a.op is Op.SYM and a.attrs[1] == "real"):
            return b
    return t


def role(t: Term) -> str | None:
    """What the term is, by its shape (module doc), or None."""
    op = t.op
    if op is Op.DIV and t.args[0].op is Op.SUM:
        body = t.args[0].args[2]
        if _is_square(body):
            inner = body.args[0]
            return "var" if inner.op is Op.SUB and _has_binder(inner) else "ms"
        return "mean"
    if op is Op.SQRT:
        r = role(_strip_eps(t.args[0]))
        return {"ms": "rms", "var": "std"}.get(r or "")
    if op is Op.RSQRT:
        r = role(_strip_eps(t.args[0]))
        return "rstd" if r in ("ms", "var") else None
    if op is Op.DIV and t.args[0].op is Op.CONST and t.args[0].value == 1:
        r = role(t.args[1])
        return "rstd" if r in ("rms", "std") else None
    if op is Op.LOG and t.args[0].op is Op.SUM and t.args[0].args[2].op in (Op.EXP, Op.EXP2):
        return "lse"
    if op is Op.ADD and any(role(a) == "lse" for a in t.args):
        return "lse"
    if op is Op.MAXR:
        return "mx"
    if op is Op.MINR:
        return "mn"
    if op is Op.SUM:
        return "s"
    return None


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


OLD_SUFFIX = "_old"


def mark_old_values(formula: Formula) -> Formula:
    """An in-place update `x[i] = 2·x[i]` reads as `x[i] = 2·x_old[i]`: on the right side, a read
    of a tensor the formula also writes is its value before the kernel ran (`check` reads
    `x_old` back as that read). Unchanged when no output is read."""
    from ..result import OutputFormula

    written = {o.tensor for o in formula.outputs}
    taken = _used_names(formula)
    rename = {t: f"{t}{OLD_SUFFIX}" for t in written if f"{t}{OLD_SUFFIX}" not in taken}
    if not any(n.op is Op.READ and n.attrs[0] in rename for o in formula.outputs for n in walk(o.body)):
        return formula
    memo: dict[Term, Term] = {}

    def go(n: Term) -> Term:
        r = memo.get(n)
        if r is None:
            args = tuple(go(a) for a in n.args)
            attrs = (rename[n.attrs[0]], *n.attrs[1:]) if n.op is Op.READ and n.attrs[0] in rename else n.attrs
            r = n if attrs == n.attrs and all(a is b for a, b in zip(args, n.args, strict=True)) \
                else Term.make(n.op, args, attrs)
            memo[n] = r
        return r

    return Formula(tuple(OutputFormula(o.tensor, o.index_vars, go(o.body)) for o in formula.outputs))
