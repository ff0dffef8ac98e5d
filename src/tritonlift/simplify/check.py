"""The last gate: the simplified formula equals the lifted one, checked exactly at sample sizes.

Both formulas are instantiated at each size (binders unrolled) and compared with synth's Checker
(normal forms, then z3 with math functions uninterpreted). Output indices are left symbolic first:
the two ground terms then read independent variables `x[i, 0]`, `x[i, j]`, ..., and equality for
independent values implies equality for every concrete index, so one comparison covers the whole
output. When a binder's range depends on an output index (a prefix sum), every element is
compared instead.

Before comparing, both sides are rewritten by definitions and identities the Checker's normal
form does not know (each exact on the reals where the formula is defined):
- named functions and sigmoid by their definitions (dsl/named.py; σ(x) = 1/(1 + exp(-x)));
- a common exponential factor out of a divisor or a log argument: with exp(g) the factor every
  monomial of `S` shares, `a / S = a·exp(-g) / S'` and `log(S) = g + log(S')` where
  `S = exp(g)·S'` (canonical: `S'` does not depend on how `S` was shifted). This is what makes a
  max-shifted softmax and its naive form the same normal form.
When that does not settle it, a second exact comparison: tanh by its definition through exp, both
sides as one fraction N/D of normal-form polynomials, and N1·D2 = N2·D1 (equality wherever both
are defined: D is a product of the formula's own divisors). This is what relates tanh(y) to the
2·σ(2y) − 1 that some kernels compute.
Last, z3 once more with ground instances of the verifier's range axioms for the math functions
present (exp(u) > 0, sigmoid(u) > 0, sqrt(u) >= 0): what a guarded rule (abs(a) = a when a >= 0)
relied on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

import numpy as np

from ..dsl import build
from ..dsl.named import expand_named
from ..dsl.term import Op, Term, const
from ..synth import Checker
from ..synth.fold import rewrite
from ..synth.instantiate import NotGround, instantiate
from ..synth.normal import Normalizer, Poly
from ..synth.smt_equal import Encoder as SmtEncoder

_POSITIVE = (Op.EXP, Op.EXP2, Op.SIGMOID)


def smt_equal_with_ranges(a: Term, b: Term, positive: frozenset[str] = frozenset(), timeout_ms: int = 2000) -> bool:
    """z3 proves a = b with exp, exp2, sigmoid positive and sqrt non-negative (ground instances
    of verify/axioms.py's exp_pos, exp2_pos, sigmoid_exp with exp_pos, sqrt_square), and the
    symbols in `positive` (the spec's `eps > 0`) positive."""
    import z3

    from ..dsl.term import walk

    enc = SmtEncoder()
    try:
        ea, eb = enc.real(a), enc.real(b)
        facts = []
        for n in {*walk(a), *walk(b)}:
            if n.op in _POSITIVE or (n.op is Op.SYM and n.attrs[0] in positive):
                facts.append(enc.real(n) > 0)
            elif n.op is Op.SQRT:
                facts.append(z3.Implies(enc.real(n.args[0]) >= 0, enc.real(n) >= 0))
    except Exception:  # a construct the encoder does not take (an infinity, a binder)
        return False
    s = z3.Solver()
    s.set("timeout", timeout_ms)
    s.add(*facts, ea != eb)
    return s.check() == z3.unsat


def expand_definitions(t: Term) -> Term:
    """Named functions and sigmoid replaced by their definitions."""
    t = expand_named(t)

    def sigmoid(n: Term) -> Term | None:
        if n.op is not Op.SIGMOID:
            return None
        return build.div(const(1), build.add(const(1), build.unary(Op.EXP, build.neg(n.args[0]))))

    return rewrite(t, sigmoid, keep_unchanged=True)


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

    return rewrite(t, tanh, keep_unchanged=True)


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


class EqualityCheck:
    def __init__(self, ranges: Mapping[str, tuple[int, int]] | None = None, positive: frozenset[str] = frozenset()) -> None:
        self.positive = positive
        self.checker = Checker(Normalizer())
        self.canon = ShiftCanon(self.checker.norm)
        self.fractions = Fractions(self.checker.norm)
        self.ranges = dict(ranges or {})

    def ground_equal(self, a: Term, b: Term) -> bool:
        a, b = expand_definitions(a), expand_definitions(b)
        if self.checker.equal(self.canon(a), self.canon(b), self.ranges or None):
            return True
        try:
            if self.fractions.equal(expand_tanh(a), expand_tanh(b)):
                return True
        except (ZeroDivisionError, OverflowError, ValueError):
            pass
        return smt_equal_with_ranges(self.canon(a), self.canon(b), self.positive)

    def output(self, original: Term, simplified: Term, index_vars: tuple[str, ...],
               sizes: Iterable[Mapping[str, int]], shapes: Iterable[tuple[int, ...] | None]) -> str | None:
        """None when equal at every size; else where they differ (or could not be compared)."""
        for size, shape in zip(sizes, shapes, strict=True):
            env = dict(size)
            where = ", ".join(f"{k}={v}" for k, v in size.items())
            try:
                if self.ground_equal(instantiate(original, env), instantiate(simplified, env)):
                    continue
            except NotGround:
                pass
            if shape is None:
                return f"not shown equal at {where} (output shape unknown, indices left symbolic)"
            for idx in (np.ndindex(shape) if shape else [()]):
                e = {**env, **dict(zip(index_vars, idx, strict=True))}
                try:
                    ok = self.ground_equal(instantiate(original, e), instantiate(simplified, e))
                except NotGround as err:
                    return f"cannot instantiate at {where}: {err}"
                if not ok:
                    return f"not shown equal at {where}, index {tuple(int(i) for i in idx)}"
        return None
