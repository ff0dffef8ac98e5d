"""Float literals read as the irrational constants they approximate: explicit, listed assumptions.

Kernels write `exp2(x * 1.4426950408889634)` for exp(x). Over the reals that is false: the
literal is a double near log2(e), not log2(e). The simplifier reads such a literal as the constant
it stands for only through this table, and every simplification that did so lists the entry it
used (SimplifyResult.assumptions), with the literal and its distance to the true value. The
rewrites are applied before the e-graph runs; the final equality check compares the simplified
formula with the lifted one *after* these rewrites, so everything else is checked exactly.

The rewrites, and the only places a literal is read as its constant:
- log2(e): `exp2(u · L)` and `exp2(u · -L)` are `exp(u)` and `exp(-u)` (u a product, L a factor);
- ln 2: `exp2(u / L)` is `exp(u)`; `log2(u) · L` is `log(u)`;
- 1/√2: `erf(u · L)` is `erf(u / sqrt(2))` (FlagGems writes the shorter 0.7071067811);
- √(2/π): not rewritten; `gelu_tanh`'s definition (dsl/named.py) contains the literal itself, so
  recognising it is exact, and the entry is listed because the *name* claims √(2/π).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from ..dsl import build
from ..dsl.term import BINDERS, Op, Term, const


@dataclass(frozen=True)
class AssumedConstant:
    key: str
    literal: float
    meaning: str  # the constant, as a reader writes it
    true_value: str  # the constant to 25 digits (mpmath), for the printed table
    used_in: str  # where the simplifier reads the literal this way

    @property
    def difference(self) -> Decimal:
        """|literal - constant|: the literal's exact binary value against the true digits."""
        return abs(Decimal(self.literal) - Decimal(self.true_value))

    @property
    def text(self) -> str:
        return (f"{self.literal!r} read as {self.meaning} = {self.true_value}... "
                f"(differs by {float(self.difference):.1e}; {self.used_in})")


ASSUMED_CONSTANTS: tuple[AssumedConstant, ...] = (
    AssumedConstant("log2e", 1.4426950408889634, "log2(e) = 1/ln 2", "1.442695040888963407359924681",
                    "exp2(u·log2 e) = exp(u)"),
    AssumedConstant("ln2", 0.6931471805599453, "ln 2", "0.6931471805599453094172321215",
                    "exp2(u / ln 2) = exp(u), log2(u)·ln 2 = log(u)"),
    AssumedConstant("inv_sqrt2", 0.7071067811865476, "1/√2", "0.7071067811865475244008443621",
                    "erf(u·(1/√2)) = erf(u/√2)"),
    AssumedConstant("inv_sqrt2_short", 0.7071067811, "1/√2 (to 10 digits)", "0.7071067811865475244008443621",
                    "erf(u·(1/√2)) = erf(u/√2)"),
    AssumedConstant("sqrt_2_over_pi", 0.7978845608028654, "√(2/π)", "0.7978845608028653558798921199",
                    "the name gelu_tanh, whose definition contains this literal"),
)
BY_KEY = {a.key: a for a in ASSUMED_CONSTANTS}


def _split_factor(t: Term, value: float) -> tuple[Term, int] | None:
    """`t` as `rest · (±value)`: (rest, sign), looking through products, negation, the numerator
    of a division, sums whose every term has the factor, and max/min over a range (for a positive
    factor); None when the literal is not a factor. Every step is exact on ℝ."""
    if t.op is Op.CONST and isinstance(t.value, float) and abs(t.value) == value:
        return const(1), (1 if t.value > 0 else -1)
    if t.op is Op.NEG:
        r = _split_factor(t.args[0], value)
        return None if r is None else (r[0], -r[1])
    if t.op is Op.MUL:
        a, b = t.args
        for x, y, left in ((a, b, True), (b, a, False)):
            r = _split_factor(x, value)
            if r is not None:
                rest = build.mul(r[0], y) if left else build.mul(y, r[0])
                return rest, r[1]
    if t.op is Op.DIV:
        r = _split_factor(t.args[0], value)
        if r is not None:
            return build.div(r[0], t.args[1]), r[1]
    if t.op in (Op.ADD, Op.SUB):  # a·L ± b·L = (a ± b)·L
        ra, rb = _split_factor(t.args[0], value), _split_factor(t.args[1], value)
        if ra is not None and rb is not None:
            b = _signed(rb[0], rb[1] * ra[1])
            return (build.add(ra[0], b) if t.op is Op.ADD else build.sub(ra[0], b)), ra[1]
    if t.op in (Op.MAX, Op.MIN) and value > 0:  # max(a·L, b·L) = L·max(a, b) for L > 0
        ra, rb = _split_factor(t.args[0], value), _split_factor(t.args[1], value)
        if ra is not None and rb is not None and ra[1] > 0 and rb[1] > 0:
            return build.apply(t.op, ra[0], rb[0]), 1
    if t.op in (Op.MAXR, Op.MINR):  # max_k (b_k·L) = L·max_k b_k for L > 0
        r = _split_factor(t.args[2], value)
        if r is not None and r[1] > 0 and value > 0:
            return Term.make(t.op, (t.args[0], t.args[1], r[0]), t.attrs), 1
    return None


def _signed(t: Term, sign: int) -> Term:
    return t if sign > 0 else build.neg(t)


def _rewrite(n: Term, args: tuple[Term, ...], used: set[str]) -> Term:
    """One node, its arguments already rewritten."""
    op = n.op
    if op is Op.EXP2:
        (u,) = args
        r = _split_factor(u, BY_KEY["log2e"].literal)
        if r is not None:
            used.add("log2e")
            return build.unary(Op.EXP, _signed(r[0], r[1]))
        if u.op is Op.DIV and u.args[1].op is Op.CONST and u.args[1].value == BY_KEY["ln2"].literal:
            used.add("ln2")
            return build.unary(Op.EXP, u.args[0])
    if op is Op.ERF:
        (u,) = args
        for key in ("inv_sqrt2", "inv_sqrt2_short"):
            r = _split_factor(u, BY_KEY[key].literal)
            if r is not None:
                used.add(key)
                return build.unary(Op.ERF, build.div(_signed(r[0], r[1]), build.unary(Op.SQRT, const(2))))
    if op is Op.MUL:
        for x, y in (args, args[::-1]):
            if x.op is Op.LOG2 and y.op is Op.CONST and y.value == BY_KEY["ln2"].literal:
                used.add("ln2")
                return build.unary(Op.LOG, x.args[0])
    if all(a is b for a, b in zip(args, n.args, strict=True)):
        return n
    if op in (Op.READ, Op.CALL) or op in BINDERS:
        return Term.make(op, args, n.attrs)
    return build.apply(op, *args)


def apply_assumptions(t: Term) -> tuple[Term, frozenset[str]]:
    """`t` with the table's rewrites applied, and the keys of the entries used."""
    used: set[str] = set()
    memo: dict[Term, Term] = {}

    def go(n: Term) -> Term:
        r = memo.get(n)
        if r is None:
            r = memo[n] = _rewrite(n, tuple(go(a) for a in n.args), used) if n.args else n
        return r

    return go(t), frozenset(used)


def assumptions_of(t: Term) -> frozenset[str]:
    """Entries a simplified term relies on by its names (gelu_tanh claims √(2/π))."""
    from ..dsl.term import walk

    return frozenset({"sqrt_2_over_pi"} if any(n.op is Op.CALL and n.attrs[0] == "gelu_tanh" for n in walk(t))
                     else ())


assert all(math.isclose(a.literal, float(a.true_value), rel_tol=1e-9) for a in ASSUMED_CONSTANTS)
