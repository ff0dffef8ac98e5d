"""Operations on DSL terms that verification needs: substitution, replacing a sub-term, canonical
names for bound variables, and index arithmetic as polynomials (to decode pointer offsets).

Variable naming in the verifier's terms: `p0 p1 p2` are program ids, `l0 l1 ...` lanes (one per
tile axis), `b<n>` variables bound by reductions over lanes, `y<h>` canonical bound variables
(`canonical`), never used for anything else. Bound names are unique, so substitution of free
variables cannot capture.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from ..dsl import build
from ..dsl.printer import to_text
from ..dsl.term import BINDERS, Op, Term, as_term, const, free_vars, var


def rebuild(t: Term, args: tuple[Term, ...]) -> Term:
    """`t`'s node with new children, through the folding constructors."""
    if all(a is b for a, b in zip(args, t.args, strict=True)):
        return t
    op = t.op
    if op in BINDERS:
        return build.binder(op, t.attrs[0], *args)
    if op is Op.READ:
        return Term.make(Op.READ, args, t.attrs)
    if op is Op.CALL:
        return build.call(t.attrs[0], *args)
    return build.apply(op, *args)


def transform(t: Term, leaf: Callable[[Term], Term | None]) -> Term:
    """Bottom-up rewrite: `leaf(node)` may return a replacement for a node (before its children
    are visited); otherwise the node is rebuilt from its transformed children."""
    memo: dict[Term, Term] = {}

    def go(n: Term) -> Term:
        r = memo.get(n)
        if r is not None:
            return r
        rep = leaf(n)
        if rep is None:
            rep = rebuild(n, tuple(go(a) for a in n.args)) if n.args else n
        memo[n] = rep
        return rep

    return go(t)


def subst(t: Term, env: dict[str, Term | int]) -> Term:
    """Replace free index variables by terms (bound names are unique: no capture)."""
    env = {k: as_term(v) for k, v in env.items()}
    if not env:
        return t
    return transform(t, lambda n: env.get(n.attrs[0]) if n.op is Op.VAR else None)


def replace(t: Term, old: Term, new: Term) -> Term:
    """`t` with every occurrence of the sub-term `old` replaced by `new`, folded again."""
    return transform(t, lambda n: new if n is old else None)


def height(t: Term) -> int:
    """Binder nesting depth."""
    memo: dict[Term, int] = {}

    def go(n: Term) -> int:
        if n not in memo:
            h = max((go(a) for a in n.args), default=0)
            memo[n] = h + (1 if n.op in BINDERS else 0)
        return memo[n]

    return go(t)


def canonical(t: Term) -> Term:
    """Alpha-normal form: each binder's variable renamed `y<h>` with h the binder's height, so
    equal reductions written with different variable names become the same term."""

    def leaf(n: Term) -> Term | None:
        if n.op not in BINDERS:
            return None
        lo, hi, body = (canonical(a) for a in n.args)
        name = f"y{height(body)}"
        if name != n.attrs[0]:
            body = subst(body, {n.attrs[0]: var(name)})
        return build.binder(n.op, name, lo, hi, body)

    return transform(t, leaf)


def mentions(t: Term, name: str) -> bool:
    return name in free_vars(t)


def linear(t: Term) -> Term:
    """Index arithmetic in polynomial normal form: tensor indices, binder bounds and both sides of
    comparisons rewritten as `pterm(poly(...))` (ring identities, exact over ℤ and ℝ), so that
    `(k − 4·u) + 4·u` becomes `k` and equal indices become the same term. Parts that are not
    integral polynomials stay as they are."""
    memo: dict[Term, Term] = {}

    def norm(e: Term) -> Term:
        try:
            return pterm(poly(e))
        except ValueError:
            return e

    def go(n: Term) -> Term:
        r = memo.get(n)
        if r is None:
            if not n.args:
                r = n
            else:
                args = tuple(go(a) for a in n.args)
                if n.op is Op.READ:
                    args = tuple(norm(a) for a in args)
                elif n.op in COMPARISONS:
                    args = compare_sides(args[0], args[1])
                elif n.op in BINDERS:
                    args = (norm(args[0]), norm(args[1]), args[2])
                elif n.op in (Op.MAX, Op.MIN):  # commutative: one order, so equal maxima encode alike
                    args = tuple(sorted(args, key=to_text))
                r = rebuild(n, args)
            memo[n] = r
        return r

    return go(t)


COMPARISONS = frozenset({Op.LT, Op.LE, Op.GT, Op.GE, Op.EQ, Op.NE})


def compare_sides(a: Term, b: Term) -> tuple[Term, Term]:
    """The sides of a comparison a ⋈ b in normal form: a − b as a polynomial, monomials with
    positive coefficients on the left, the others negated on the right (`k − 4u < N − 4u` is
    `k < N`). Unchanged when either side is not an integral polynomial."""
    try:
        d = padd(poly(a), pscale(poly(b), -1))
        return pterm({m: c for m, c in d.items() if c > 0}), pterm({m: -c for m, c in d.items() if c < 0})
    except ValueError:
        return a, b


# -- polynomials over atoms (index arithmetic) ---------------------------------------------------

Mono = tuple[Term, ...]  # atoms, sorted by printed text
Poly = dict[Mono, Fraction]


def _key(t: Term) -> str:
    return to_text(t)


def poly(t: Term) -> Poly:
    """`t` as a polynomial with rational coefficients over atoms (anything that is not + − ·
    of integer constants is an atom)."""
    op = t.op
    if op is Op.CONST and isinstance(t.value, int) and not isinstance(t.value, bool):
        return {(): Fraction(t.value)} if t.value else {}
    if op is Op.ADD:
        return padd(poly(t.args[0]), poly(t.args[1]))
    if op is Op.SUB:
        return padd(poly(t.args[0]), pscale(poly(t.args[1]), -1))
    if op is Op.NEG:
        return pscale(poly(t.args[0]), -1)
    if op is Op.MUL:
        return pmul(poly(t.args[0]), poly(t.args[1]))
    return {(t,): Fraction(1)}


def padd(a: Poly, b: Poly) -> Poly:
    out = dict(a)
    for m, c in b.items():
        out[m] = out.get(m, Fraction(0)) + c
        if out[m] == 0:
            del out[m]
    return out


def pscale(a: Poly, c) -> Poly:
    return {m: v * c for m, v in a.items()} if c else {}


def pmul(a: Poly, b: Poly) -> Poly:
    out: Poly = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            out = padd(out, {tuple(sorted(ma + mb, key=_key)): ca * cb})
    return out


def pterm(p: Poly) -> Term:
    """A polynomial back as a term, in a canonical order (constant last)."""
    acc: Term | None = None
    for m in sorted(p, key=lambda m: (len(m) == 0, [_key(a) for a in m])):
        c = p[m]
        if c.denominator != 1:
            raise ValueError("non-integral index polynomial")
        mono: Term | None = None
        for a in m:
            mono = a if mono is None else build.mul(mono, a)
        part = const(int(c)) if mono is None else (mono if c == 1 else build.mul(const(int(c)), mono))
        acc = part if acc is None else build.add(acc, part)
    return acc if acc is not None else const(0)


def pdivide(p: Poly, d: Poly) -> tuple[Poly, Poly] | None:
    """Split p = q·d + r where d is a single monomial: q collects the monomials of p divisible by
    d (atom multiset containment; for a constant d, integral coefficients that are multiples),
    r the rest. None when d is not a single monomial."""
    if len(d) != 1:
        return None
    (dm, dc), = d.items()
    q: Poly = {}
    r: Poly = {}
    for m, c in p.items():
        rest = list(m)
        ok = True
        for a in dm:
            if a in rest:
                rest.remove(a)
            else:
                ok = False
                break
        if ok and (c / dc).denominator == 1:
            q = padd(q, {tuple(rest): c / dc})
        else:
            r = padd(r, {m: c})
    return q, r
