"""An exact normal form for ground terms: a polynomial (sum of monomials with rational
coefficients) over atoms, with exponentials merged.

Two terms with equal normal forms are equal as functions on the reals (every step is an identity
of real arithmetic under the semantics' invariant that non-constant terms are finite). Unequal
normal forms decide nothing: the caller falls back to the solver (equal.decide).

- `a - b`, `-a`, `a / b` become `a + (-1)·b`, `(-1)·a`, `a · b^-1`;
- products distribute over sums while the result stays small (MAX_TERMS monomials);
- `exp(u)·exp(v) = exp(u + v)` (and for exp2), `exp(u)^k = exp(k·u)`, `rsqrt(u) = sqrt(u)^-1`;
- `max`/`min` chains are flattened, deduplicated and sorted; `where(a > b, a, b)` is `max(a, b)`;
- `a > b` is `b < a`, `a >= b` is `b <= a`.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from ..dsl import build
from ..dsl.printer import to_text
from ..dsl.term import BINDERS, COMPARISONS, UNARY_MATH, Op, Term, const

MAX_TERMS = 256
_DIGITS = re.compile(r"\d+")

Mono = tuple[tuple[Term, int], ...]  # sorted (atom, power) pairs, atoms canonical
Poly = dict[Mono, Fraction]


class _Keys:
    """Canonical ordering of atoms: by their printed text with integers blanked first, so terms
    that differ only in indices (x[0]·w[0] and x[1]·w[1]) order their factors alike, then by the
    full text (cached per term)."""

    def __init__(self) -> None:
        self.memo: dict[Term, tuple[str, str]] = {}  # keyed by the term: ids of dead terms get reused

    def __call__(self, t: Term) -> tuple[str, str]:
        k = self.memo.get(t)
        if k is None:
            text = to_text(t)
            k = (_DIGITS.sub("#", text), text)
            self.memo[t] = k
        return k


class Normalizer:
    def __init__(self) -> None:
        self.key = _Keys()
        # keyed by the term itself (identity hash): the normaliser outlives the terms it sees
        self.memo: dict[Term, Poly] = {}
        self.term_memo: dict[Term, Term] = {}

    # -- polynomial arithmetic -------------------------------------------------------------------
    def _mono(self, factors: dict[Term, int]) -> Mono:
        items = [(a, p) for a, p in factors.items() if p != 0]
        items.sort(key=lambda ap: self.key(ap[0]))
        return tuple(items)

    def add(self, a: Poly, b: Poly, scale: Fraction = Fraction(1)) -> Poly:
        out = dict(a)
        for m, c in b.items():
            v = out.get(m, Fraction(0)) + scale * c
            if v == 0:
                out.pop(m, None)
            else:
                out[m] = v
        return out

    def mul_mono(self, m1: Mono, m2: Mono) -> tuple[Mono, Fraction]:
        f: dict[Term, int] = {}
        for a, p in m1 + m2:
            f[a] = f.get(a, 0) + p
        return self._merge_exps(f)

    def _merge_exps(self, f: dict[Term, int]) -> tuple[Mono, Fraction]:
        coeff = Fraction(1)
        for op in (Op.EXP, Op.EXP2):
            exps = [(a, p) for a, p in f.items() if a.op is op]
            if len(exps) > 1 or any(p != 1 for _, p in exps):
                total: Poly = {}
                for a, p in exps:
                    total = self.add(total, self.poly(a.args[0]), Fraction(p))
                    del f[a]
                if total:
                    arg = self.to_term(total)
                    atom = Term.make(op, (arg,))
                    f[atom] = f.get(atom, 0) + 1
        # constant atoms never appear (constants live in coefficients)
        return self._mono(f), coeff

    def mul(self, a: Poly, b: Poly) -> Poly:
        if len(a) * len(b) > MAX_TERMS:
            return self.atom_poly(self._opaque_product(a, b))
        out: Poly = {}
        for m1, c1 in a.items():
            for m2, c2 in b.items():
                m, k = self.mul_mono(m1, m2)
                out = self.add(out, {m: c1 * c2 * k})
        return out

    def _opaque_product(self, a: Poly, b: Poly) -> Term:
        x, y = sorted((self.to_term(a), self.to_term(b)), key=self.key)
        return Term.make(Op.MUL, (x, y))

    def power(self, a: Poly, k: int) -> Poly:
        if k == 0:
            return {(): Fraction(1)}
        if len(a) == 1:
            (m, c), = a.items()
            if k < 0 and c == 0:
                raise ZeroDivisionError
            f: dict[Term, int] = {}
            for atom, p in m:
                f[atom] = f.get(atom, 0) + p * k
            mono, kk = self._merge_exps(f)
            return {mono: (c**k) * kk}
        if k > 0 and len(a) ** k <= MAX_TERMS:
            out = a
            for _ in range(k - 1):
                out = self.mul(out, a)
            return out
        atom = self.to_term(a)
        return {self._mono({atom: k}): Fraction(1)}

    def atom_poly(self, t: Term, power: int = 1) -> Poly:
        return {self._mono({t: power}): Fraction(1)}

    # -- normalisation -------------------------------------------------------------------------
    def poly(self, t: Term) -> Poly:
        r = self.memo.get(t)
        if r is None:
            r = self._poly(t)
            self.memo[t] = r
        return r

    def _poly(self, t: Term) -> Poly:
        op = t.op
        if op is Op.CONST:
            v = t.value
            if isinstance(v, bool) or (isinstance(v, float) and v in (float("inf"), float("-inf"))):
                return self.atom_poly(t)
            return {(): Fraction(v)} if v != 0 else {}
        if op is Op.ADD:
            return self.add(self.poly(t.args[0]), self.poly(t.args[1]))
        if op is Op.SUB:
            return self.add(self.poly(t.args[0]), self.poly(t.args[1]), Fraction(-1))
        if op is Op.NEG:
            return self.add({}, self.poly(t.args[0]), Fraction(-1))
        if op is Op.MUL:
            return self.mul(self.poly(t.args[0]), self.poly(t.args[1]))
        if op is Op.DIV:
            den = self.poly(t.args[1])
            if not den:
                return self.atom_poly(self._rebuild(t))
            return self.mul(self.poly(t.args[0]), self.power(den, -1))
        if op is Op.POW:
            e = t.args[1]
            if e.op is Op.CONST and isinstance(e.value, int) and not isinstance(e.value, bool) and abs(e.value) <= 8:
                base = self.poly(t.args[0])
                if base or e.value > 0:
                    return self.power(base, e.value)
            return self.atom_poly(self._rebuild(t))
        if op is Op.RSQRT:
            return self.atom_poly(Term.make(Op.SQRT, (self.term(t.args[0]),)), -1)
        if op in (Op.EXP, Op.EXP2):
            arg = self.poly(t.args[0])
            if not arg:
                return {(): Fraction(1)}
            mono, k = self._merge_exps({Term.make(op, (self.to_term(arg),)): 1})
            return {mono: k}
        if op is Op.WHERE:
            split = self._where_delta(t)
            if split is not None:
                return split
        atom = self._rebuild(t)
        if atom.op is Op.CONST and not isinstance(atom.value, bool) and not (
                isinstance(atom.value, float) and atom.value in (float("inf"), float("-inf"))):
            return {(): Fraction(atom.value)} if atom.value != 0 else {}
        return self.atom_poly(atom)

    def _where_delta(self, t: Term) -> Poly | None:
        """where(c, b + d, b) = b + where(c, d, 0) (and mirrored): an accumulator updated under a
        condition (a scatter-add) becomes a sum of guarded terms."""
        c, a, b = t.args
        pa, pb = self.poly(a), self.poly(b)
        for base, other, flip in ((pb, pa, False), (pa, pb, True)):
            if base and all(other.get(m) == v for m, v in base.items()) and len(other) > len(base):
                delta = self.to_term(self.add(other, base, Fraction(-1)))
                zero = const(0)
                guarded = Term.make(Op.WHERE, (self.term(c), zero, delta) if flip else (self.term(c), delta, zero))
                return self.add(base, self.atom_poly(self._rebuild(guarded)))
        return None

    def _rebuild(self, t: Term) -> Term:
        """Canonical form of a non-polynomial node (an atom)."""
        k = t
        if k in self.term_memo:
            return self.term_memo[k]
        op = t.op
        if op in (Op.MAX, Op.MIN):
            items: dict[tuple[str, str], Term] = {}
            stack = [t]
            while stack:
                n = stack.pop()
                if n.op is op:
                    stack.extend(n.args)
                else:
                    c = self.term(n)
                    items[self.key(c)] = c
            ordered = [items[k2] for k2 in sorted(items)]
            if op is Op.MAX and any(_nonneg(x) and x.op is not Op.CONST for x in ordered):
                # max(c, t, ...) with a constant c <= 0 and a non-constant t >= 0: c never wins
                ordered = [x for x in ordered if not (x.op is Op.CONST and not isinstance(x.value, bool)
                                                      and x.value <= 0)] or ordered
            r = ordered[0]
            for x in ordered[1:]:
                r = Term.make(op, (r, x))
        elif op is Op.WHERE:
            c, a, b = (self.term(x) for x in t.args)
            r = self._where(c, a, b)
        elif op in (Op.GT, Op.GE):
            r = Term.make(Op.LT if op is Op.GT else Op.LE, (self.term(t.args[1]), self.term(t.args[0])))
        elif op in BINDERS or op in (Op.READ, Op.CALL, Op.SYM, Op.VAR, Op.UNDEF, Op.CONST):
            r = Term.make(op, tuple(self.term(a) for a in t.args), t.attrs) if t.args else t
        else:
            args = tuple(self.term(a) for a in t.args)
            # exact folds only (log(1) = 0, sqrt(0) = 0, ...): dsl.build folds nothing inexact
            r = build.apply(op, *args) if op in UNARY_MATH or op in COMPARISONS else Term.make(op, args, t.attrs)
        self.term_memo[k] = r
        return r

    def _where(self, c: Term, a: Term, b: Term) -> Term:
        if a is b:
            return a
        if c.op in (Op.LT, Op.LE):
            lo, hi = c.args
            # where(lo < hi, hi, lo) = max(lo, hi); where(lo < hi, lo, hi) = min(lo, hi)
            if a is hi and b is lo:
                return self._rebuild(Term.make(Op.MAX, (lo, hi)))
            if a is lo and b is hi:
                return self._rebuild(Term.make(Op.MIN, (lo, hi)))
        if c.op is Op.CONST:
            return a if c.value else b
        return Term.make(Op.WHERE, (c, a, b))

    def term(self, t: Term) -> Term:
        """The canonical Term of `t` (equal normal forms give identical terms)."""
        return self.to_term(self.poly(t))

    def to_term(self, p: Poly) -> Term:
        monos = sorted(p.items(), key=lambda mc: tuple((self.key(a), e) for a, e in mc[0]))
        out: Term | None = None
        for m, c in monos:
            factors: list[Term] = []
            for atom, e in m:
                factors.append(atom if e == 1 else Term.make(Op.POW, (atom, const(e))))
            body: Term | None = None
            for f in factors:
                body = f if body is None else Term.make(Op.MUL, (body, f))
            if c != 1 or body is None:
                ct = _fraction_term(c)
                body = ct if body is None else Term.make(Op.MUL, (ct, body))
            out = body if out is None else Term.make(Op.ADD, (out, body))
        return out if out is not None else const(0)


def _nonneg(t: Term) -> bool:
    """A sufficient syntactic condition for t >= 0 on the reals."""
    if t.op in (Op.ABS, Op.EXP, Op.EXP2, Op.SQRT, Op.SIGMOID):
        return True
    if t.op is Op.CONST and not isinstance(t.value, bool):
        return t.value >= 0
    if t.op is Op.POW and t.args[1].op is Op.CONST and isinstance(t.args[1].value, int) and t.args[1].value % 2 == 0:
        return True
    if t.op is Op.MUL and t.args[0] is t.args[1]:
        return True
    if t.op in (Op.ADD, Op.MUL, Op.MAX) and all(_nonneg(a) for a in t.args):
        return True
    return False


def _fraction_term(c: Fraction) -> Term:
    if c.denominator == 1:
        return const(int(c.numerator))
    return Term.make(Op.DIV, (const(int(c.numerator)), const(int(c.denominator))))


def same(a: Term, b: Term, norm: Normalizer | None = None) -> bool:
    """True when the normal forms agree (a proof of equality); False decides nothing."""
    if a is b:
        return True
    n = norm or Normalizer()
    try:
        return n.poly(a) == n.poly(b)
    except (ZeroDivisionError, OverflowError, ValueError):
        return False


def describe(p: Any) -> str:  # pragma: no cover - debugging aid
    return str(p)
