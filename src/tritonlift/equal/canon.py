"""Canonical forms the normal form (normal.py) does not reach, each exact on the reals wherever
the formula is defined; used by the decider's second tier (decide.py):

- named functions and sigmoid by their definitions (dsl/named.py; σ(x) = 1/(1 + exp(-x)));
- a common exponential factor out of a divisor or a log argument: with exp(g) the factor every
  monomial of `S` shares, `a / S = a·exp(-g) / S'` and `log(S) = g + log(S')` where
  `S = exp(g)·S'` (canonical: `S'` does not depend on how `S` was shifted). This is what makes a
  max-shifted softmax and its naive form the same normal form;
- tanh by its definition through exp, and a term as one fraction N/D of normal-form polynomials:
  N1·D2 = N2·D1 is equality wherever both are defined (D is a product of the formula's own
  divisors). This is what relates tanh(y) to the 2·σ(2y) − 1 some kernels compute.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from ..dsl import build
from ..dsl.named import expand_named
from ..dsl.term import BINDERS, Op, Term, const
from .normal import Normalizer, Poly


def rewrite(t: Term, fn: Callable[[Term], Term | None]) -> Term:
    """Rebuild `t` bottom-up; every node (children first) is offered to `fn`, which returns a
    replacement or None. Unchanged nodes are kept as they are."""
    memo: dict[Term, Term] = {}

    def go(n: Term) -> Term:
        r = memo.get(n)
        if r is not None:
            return r
        args = tuple(go(a) for a in n.args)
        if all(a is b for a, b in zip(args, n.args, strict=True)):
            r0 = n
        elif n.op in (Op.READ, Op.CALL) or n.op in BINDERS:
            r0 = Term.make(n.op, args, n.attrs)
        else:
            r0 = build.apply(n.op, *args)
        r = fn(r0)
        memo[n] = r0 if r is None else r
        return memo[n]

    return go(t)


def expand_definitions(t: Term) -> Term:
    """Named functions and sigmoid replaced by their definitions."""
    t = expand_named(t)

    def sigmoid(n: Term) -> Term | None:
        if n.op is not Op.SIGMOID:
            return None
        return build.div(const(1), build.add(const(1), build.unary(Op.EXP, build.neg(n.args[0]))))

    return rewrite(t, sigmoid)


class ShiftCanon:
    """Pulls the common exponential factor out of divisors and log arguments (module doc)."""

    def __init__(self, norm: Normalizer) -> None:
        self.norm = norm
        self.memo: dict[Term, Term] = {}

    def __call__(self, t: Term) -> Term:
        r = self.memo.get(t)
        if r is None:
            r = self.memo[t] = self._node(t, tuple(self(a) for a in t.args))
        return r

    def _node(self, n: Term, args: tuple[Term, ...]) -> Term:
        if n.op is Op.DIV:
            split = self._factor(args[1])
            if split is not None:
                g, rest = split
                return build.div(build.mul(args[0], build.unary(Op.EXP, build.neg(g))), rest)
        if n.op is Op.LOG:
            split = self._factor(args[0])
            if split is not None:
                g, rest = split
                return build.add(g, build.unary(Op.LOG, rest))
        if all(a is b for a, b in zip(args, n.args, strict=True)):
            return n
        if n.op in (Op.READ, Op.CALL):
            return Term.make(n.op, args, n.attrs)
        return build.apply(n.op, *args)

    def _factor(self, t: Term) -> tuple[Term, Term] | None:
        try:
            p = self.norm.poly(t)
        except (ZeroDivisionError, OverflowError, ValueError):
            return None
        if not p:
            return None
        exps: list[Poly] = []
        for mono, _ in p.items():
            e = [a for a, k in mono if a.op is Op.EXP and k == 1]
            exps.append(self.norm.poly(e[0].args[0]) if len(e) == 1 else {})
        common = {m: c for m, c in exps[0].items() if all(h.get(m) == c for h in exps[1:])}
        if not common:
            return None
        out: Term = const(0)
        for (mono, c), h in zip(p.items(), exps, strict=True):
            factors: list[Term] = [_fraction(c)]
            for a, k in mono:
                if not (a.op is Op.EXP and k == 1):
                    factors.append(a if k == 1 else build.pow_(a, const(k)))
            rest = self.norm.add(h, common, Fraction(-1))
            if rest:
                factors.append(build.unary(Op.EXP, self.norm.to_term(rest)))
            term = factors[0]
            for f in factors[1:]:
                term = build.mul(term, f)
            out = build.add(out, term)
        return self.norm.to_term(common), out


def _fraction(c: Fraction) -> Term:
    return const(int(c.numerator)) if c.denominator == 1 else build.div(const(int(c.numerator)), const(int(c.denominator)))


def expand_tanh(t: Term) -> Term:
    """tanh(y) = (exp(2y) − 1) / (exp(2y) + 1)."""

    def tanh(n: Term) -> Term | None:
        if n.op is not Op.TANH:
            return None
        e = build.unary(Op.EXP, build.mul(const(2), n.args[0]))
        return build.div(build.sub(e, const(1)), build.add(e, const(1)))

    return rewrite(t, tanh)


class Fractions:
    """A ground term as one fraction of normal-form polynomials (numerator, denominator)."""

    ONE: Poly = {(): Fraction(1)}

    def __init__(self, norm: Normalizer) -> None:
        self.norm = norm
        self.memo: dict[Term, tuple[Poly, Poly]] = {}

    def __call__(self, t: Term) -> tuple[Poly, Poly]:
        r = self.memo.get(t)
        if r is None:
            r = self.memo[t] = self._frac(t)
        return r

    def _frac(self, t: Term) -> tuple[Poly, Poly]:
        n = self.norm
        op = t.op
        if op in (Op.ADD, Op.SUB):
            (a, b), (c, d) = self(t.args[0]), self(t.args[1])
            sign = Fraction(1 if op is Op.ADD else -1)
            if b == d:
                return n.add(a, c, sign), b
            return n.add(n.mul(a, d), n.mul(c, b), sign), n.mul(b, d)
        if op is Op.MUL:
            (a, b), (c, d) = self(t.args[0]), self(t.args[1])
            return n.mul(a, c), n.mul(b, d)
        if op is Op.DIV:
            (a, b), (c, d) = self(t.args[0]), self(t.args[1])
            return n.mul(a, d), n.mul(b, c)
        if op is Op.NEG:
            a, b = self(t.args[0])
            return n.add({}, a, Fraction(-1)), b
        if op is Op.POW and t.args[1].op is Op.CONST and isinstance(t.args[1].value, int) \
                and not isinstance(t.args[1].value, bool) and 0 < abs(t.args[1].value) <= 8:
            a, b = self(t.args[0])
            k = t.args[1].value
            return (n.power(a, k), n.power(b, k)) if k > 0 else (n.power(b, -k), n.power(a, -k))
        return n.poly(t), self.ONE

    def equal(self, a: Term, b: Term) -> bool:
        (p, q), (r, s) = self(a), self(b)
        return not self.norm.add(self.norm.mul(p, s), self.norm.mul(r, q), Fraction(-1))


def stable_softplus(t: Term) -> Term:
    """log(1 + exp(u)) = max(u, 0) + log(1 + exp(−|u|)) (exact on ℝ: factor exp(max(u, 0)) out
    of 1 + exp(u)). Both the textbook softplus/logsigmoid and the overflow-free form a kernel
    computes (min(x, 0) − log(1 + exp(−|x|))) reach this one form; a log already of the stable
    form is left as it is."""

    def node(n: Term) -> Term | None:
        if n.op is not Op.LOG:
            return None
        s = n.args[0]
        if s.op is not Op.ADD:
            return None
        one, e = s.args
        if not (one.op is Op.CONST and one.value == 1 and e.op is Op.EXP):
            one, e = e, one
        if not (one.op is Op.CONST and one.value == 1 and e.op is Op.EXP):
            return None
        u = e.args[0]
        if u.op is Op.NEG and u.args[0].op is Op.ABS:
            return None
        stable = build.unary(Op.LOG, build.add(const(1), build.unary(Op.EXP, build.neg(build.unary(Op.ABS, u)))))
        return build.add(build.maximum(u, const(0)), stable)

    return rewrite(t, node)
