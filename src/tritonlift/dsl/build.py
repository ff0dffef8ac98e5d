"""Smart constructors: build Terms with exact constant folding.

Folding rules are sound on the extended reals the semantics uses (DESIGN §3): data symbols and
every non-constant term denote finite reals, ±inf only ever appears as a constant (the `other=` of
a masked load or the start of a running max). Under that invariant `-inf - t = -inf`,
`max(-inf, t) = t`, `exp(-inf) = 0` and `t < inf` hold for every non-constant `t`.
Integer constant arithmetic is exact with C semantics for `//` and `%` (as Triton compiles them).
Float constant `+ - *` uses float64; division folds only when float64 division is exact (so
`1.0 / 3` stays the real 1/3).
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from contextvars import ContextVar
from fractions import Fraction
from typing import Any

from ..errors import DslError
from .term import BINDERS, Op, Term, as_term, const, is_outside_memory, walk

INF = math.inf


def _num(t: Term) -> Any:
    return t.attrs[0] if t.op is Op.CONST else None


def _is(t: Term, v: Any) -> bool:
    return t.op is Op.CONST and not isinstance(t.attrs[0], bool) and t.attrs[0] == v


def c_div(a: int, b: int) -> int:
    """Integer division truncating toward zero (C, Triton)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def c_mod(a: int, b: int) -> int:
    return a - b * c_div(a, b)


def _both_const(a: Term, b: Term) -> bool:
    return a.op is Op.CONST and b.op is Op.CONST


def _fold_num(v: Any) -> Term:
    if isinstance(v, float) and math.isnan(v):
        raise ArithmeticError("NaN")
    return const(v)


def add(a: Any, b: Any) -> Term:
    a, b = as_term(a), as_term(b)
    if _both_const(a, b):
        try:
            return _fold_num(a.value + b.value)
        except ArithmeticError:
            pass
    if _is(a, 0):
        return b
    if _is(b, 0):
        return a
    for x, y in ((a, b), (b, a)):
        if x.op is Op.CONST and isinstance(x.value, float) and math.isinf(x.value) and y.op is not Op.CONST:
            return x
    return Term.make(Op.ADD, (a, b))


def sub(a: Any, b: Any) -> Term:
    a, b = as_term(a), as_term(b)
    if _both_const(a, b):
        try:
            return _fold_num(a.value - b.value)
        except ArithmeticError:
            pass
    if _is(b, 0):
        return a
    if a is b and a.op is not Op.CONST:
        return const(0)  # t - t = 0 for every finite t
    if a.op is Op.CONST and isinstance(a.value, float) and math.isinf(a.value) and b.op is not Op.CONST:
        return a
    if b.op is Op.CONST and isinstance(b.value, float) and math.isinf(b.value) and a.op is not Op.CONST:
        return const(-b.value)
    if _is(a, 0):
        return neg(b)
    return Term.make(Op.SUB, (a, b))


_POSITIVE: ContextVar[frozenset[str]] = ContextVar("positive_symbols", default=frozenset())


@contextmanager
def positive_symbols(names: frozenset[str]):
    """Within the block, the real symbols `names` are known to be > 0 (the launch spec's `temp >
    0`): `-inf * t` folds to `-inf` when `t` is known positive (a padded lane scaled by
    1/temperature), as it does for a positive constant."""
    token = _POSITIVE.set(frozenset(names))
    try:
        yield
    finally:
        _POSITIVE.reset(token)


def sign(t: Term) -> int:
    """+1 when `t > 0` is known, -1 when `t < 0` is known, else 0: constants, sizes (>= 1), the
    positive symbols of the enclosing `positive_symbols`, exp/exp2/sigmoid, and products,
    quotients, sums and negations of terms of known sign."""
    op = t.op
    if op is Op.CONST:
        v = t.value
        return 0 if isinstance(v, bool) or v == 0 else (1 if v > 0 else -1)
    if op is Op.SYM:
        return 1 if t.attrs[1] == "size" or t.attrs[0] in _POSITIVE.get() else 0
    if op in (Op.EXP, Op.EXP2, Op.SIGMOID):
        return 1
    if op in (Op.SQRT, Op.RSQRT):
        return 1 if sign(t.args[0]) > 0 else 0
    if op is Op.NEG:
        return -sign(t.args[0])
    if op in (Op.MUL, Op.DIV):
        return sign(t.args[0]) * sign(t.args[1])
    if op is Op.ADD:
        sa, sb = sign(t.args[0]), sign(t.args[1])
        return sa if sa == sb else 0
    if op is Op.POW and t.args[1].op is Op.CONST and isinstance(t.args[1].value, int) \
            and not isinstance(t.args[1].value, bool):
        sa = sign(t.args[0])
        return sa ** 2 if t.args[1].value % 2 == 0 else sa
    return 0


def _inf_times(a: Term, b: Term) -> Term | None:
    """±inf · t with the sign of t known: ±inf (never 0·inf: t is non-zero by its sign)."""
    for x, y in ((a, b), (b, a)):
        if x.op is Op.CONST and isinstance(x.value, float) and math.isinf(x.value) and y.op is not Op.CONST:
            s = sign(y)
            if s:
                return const(x.value * s)
    return None


def mul(a: Any, b: Any) -> Term:
    a, b = as_term(a), as_term(b)
    if _both_const(a, b):
        try:
            return _fold_num(a.value * b.value)
        except ArithmeticError:
            pass
    r = _inf_times(a, b)
    if r is not None:
        return r
    if _is(a, 1):
        return b
    if _is(b, 1):
        return a
    # 0 * t = 0 for every finite t (non-constant terms are finite reals; memory read outside
    # every tensor is not: it may hold NaN or an infinity)
    if _is(a, 0) and b.op is not Op.CONST and not is_outside_memory(b):
        return a
    if _is(b, 0) and a.op is not Op.CONST and not is_outside_memory(a):
        return b
    return Term.make(Op.MUL, (a, b))


def div(a: Any, b: Any) -> Term:
    a, b = as_term(a), as_term(b)
    if a.op is Op.CONST and isinstance(a.value, float) and math.isinf(a.value) and b.op is not Op.CONST and sign(b):
        return const(a.value * sign(b))
    if _both_const(a, b) and b.value != 0 and not isinstance(a.value, bool) and not isinstance(b.value, bool):
        # fold only when float64 division is exact: 1.0 / 3 stays the real number 1/3
        try:
            q = a.value / b.value
            if math.isinf(a.value) or Fraction(q) == Fraction(a.value) / Fraction(b.value):
                return _fold_num(q)
        except (ArithmeticError, OverflowError, ValueError):
            pass
    if _is(b, 1):
        return a
    return Term.make(Op.DIV, (a, b))


def floordiv(a: Any, b: Any) -> Term:
    a, b = as_term(a), as_term(b)
    if _both_const(a, b) and b.value != 0:
        if isinstance(a.value, int) and isinstance(b.value, int):
            return const(c_div(a.value, b.value))
        q = a.value / b.value
        if math.isfinite(q):
            return const(float(math.floor(q)))
    if _is(b, 1):
        return a
    return Term.make(Op.FLOORDIV, (a, b))


def mod(a: Any, b: Any) -> Term:
    a, b = as_term(a), as_term(b)
    if _both_const(a, b) and b.value != 0:
        if isinstance(a.value, int) and isinstance(b.value, int):
            return const(c_mod(a.value, b.value))
        if math.isfinite(a.value) and math.isfinite(b.value):
            return const(math.fmod(a.value, b.value))
    return Term.make(Op.MOD, (a, b))


def neg(a: Any) -> Term:
    a = as_term(a)
    if a.op is Op.CONST and not isinstance(a.value, bool):
        return const(-a.value)
    if a.op is Op.NEG:
        return a.args[0]
    return Term.make(Op.NEG, (a,))


def pow_(a: Any, b: Any) -> Term:
    a, b = as_term(a), as_term(b)
    if _is(b, 1):
        return a
    if _both_const(a, b):
        try:
            r = a.value**b.value
            if not isinstance(r, complex):  # (-2.0) ** 0.5 is not a real number: keep it symbolic
                return _fold_num(r)
        except (ArithmeticError, OverflowError, TypeError, ValueError, DslError):
            pass
    return Term.make(Op.POW, (a, b))


def _is_inf(t: Term, sign: int) -> bool:
    return t.op is Op.CONST and isinstance(t.value, float) and t.value == sign * INF


def maximum(a: Any, b: Any) -> Term:
    a, b = as_term(a), as_term(b)
    if a is b:
        return a
    if _both_const(a, b):
        return a if a.value >= b.value else b
    if _is_inf(a, -1) or _is_inf(b, 1):
        return b
    if _is_inf(b, -1) or _is_inf(a, 1):
        return a
    if (a.op is Op.MAX and b in a.args) or (b.op is Op.MAX and a in b.args):  # max(max(x, c), c) = max(x, c)
        return a if a.op is Op.MAX and b in a.args else b
    return Term.make(Op.MAX, (a, b))


def minimum(a: Any, b: Any) -> Term:
    a, b = as_term(a), as_term(b)
    if a is b:
        return a
    if _both_const(a, b):
        return a if a.value <= b.value else b
    if _is_inf(a, 1) or _is_inf(b, -1):
        return b
    if _is_inf(b, 1) or _is_inf(a, -1):
        return a
    if (a.op is Op.MIN and b in a.args) or (b.op is Op.MIN and a in b.args):  # min(min(x, c), c) = min(x, c)
        return a if a.op is Op.MIN and b in a.args else b
    return Term.make(Op.MIN, (a, b))


_CMP = {
    Op.LT: lambda x, y: x < y,
    Op.LE: lambda x, y: x <= y,
    Op.GT: lambda x, y: x > y,
    Op.GE: lambda x, y: x >= y,
    Op.EQ: lambda x, y: x == y,
    Op.NE: lambda x, y: x != y,
}


def compare(op: Op, a: Any, b: Any) -> Term:
    a, b = as_term(a), as_term(b)
    if _both_const(a, b):
        return const(bool(_CMP[op](a.value, b.value)))
    if a is b and op in (Op.LE, Op.GE, Op.EQ, Op.LT, Op.GT, Op.NE):
        return const(op in (Op.LE, Op.GE, Op.EQ))
    # a finite term against an infinite constant (a term that may itself be infinite stays: the
    # guard `m == -inf` of an online softmax over padded lanes decides real cases)
    for t, other, flipped in ((b, a, False), (a, b, True)):
        if t.op is Op.CONST and isinstance(t.value, float) and math.isinf(t.value) and other.op is not Op.CONST \
                and not may_be_infinite(other):
            probe = 0.0
            x, y = (probe, t.value) if not flipped else (t.value, probe)
            return const(bool(_CMP[op](x, y)))
    return Term.make(op, (a, b))


def may_be_infinite(t: Term) -> bool:
    """t may denote ±inf: it holds an infinite constant (a masked load's `other=-inf`), a max or
    min reduction (−∞ over an empty range or all-padding lanes), or a read of a pseudo-tensor
    (name starting with `%`: the prover's stand-in for a loop-carried value, e.g. a running max
    that starts at −inf). Data reads and arithmetic on finite terms are finite (DESIGN §3)."""
    for n in walk(t):
        if n.op is Op.CONST and isinstance(n.value, float) and math.isinf(n.value):
            return True
        if n.op in (Op.MAXR, Op.MINR) or (n.op is Op.READ and str(n.attrs[0]).startswith("%")):
            return True
    return False


def logical_and(a: Any, b: Any) -> Term:
    a, b = as_term(a), as_term(b)
    for x, y in ((a, b), (b, a)):
        if x.op is Op.CONST:
            return y if x.value else const(False)
    if a is b:
        return a
    return Term.make(Op.AND, (a, b))


def logical_or(a: Any, b: Any) -> Term:
    a, b = as_term(a), as_term(b)
    for x, y in ((a, b), (b, a)):
        if x.op is Op.CONST:
            return const(True) if x.value else y
    if a is b:
        return a
    return Term.make(Op.OR, (a, b))


def logical_not(a: Any) -> Term:
    a = as_term(a)
    if a.op is Op.CONST:
        return const(not a.value)
    if a.op is Op.NOT:
        return a.args[0]
    return Term.make(Op.NOT, (a,))


def bitop(op: Op, a: Any, b: Any) -> Term:
    a, b = as_term(a), as_term(b)
    if _both_const(a, b):
        x, y = a.value, b.value
        if isinstance(x, bool) and isinstance(y, bool):
            r = {Op.BAND: x and y, Op.BOR: x or y, Op.BXOR: x != y}.get(op)
            if r is not None:
                return const(bool(r))
        if isinstance(x, int) and isinstance(y, int) and not (op in (Op.SHL, Op.SHR) and not 0 <= y < 64):
            fn = {
                Op.BAND: lambda: x & y, Op.BOR: lambda: x | y, Op.BXOR: lambda: x ^ y,
                Op.SHL: lambda: x << y, Op.SHR: lambda: x >> y,
            }[op]
            return const(int(fn()))
    if op in (Op.BAND, Op.BOR):
        # bools combined bitwise are the logical connectives
        for x, y in ((a, b), (b, a)):
            if x.op is Op.CONST and isinstance(x.value, bool):
                return (y if x.value else const(False)) if op is Op.BAND else (const(True) if x.value else y)
    return Term.make(op, (a, b))


def where(c: Any, a: Any, b: Any) -> Term:
    c, a, b = as_term(c), as_term(a), as_term(b)
    if c.op is Op.CONST:
        return a if c.value else b
    if a is b:
        return a
    # where(c, where(c, x, _), y) = where(c, x, y) and where(c, x, where(c, _, y)) = where(c, x, y):
    # the inner choice is decided by the same condition (a masked load under its own mask)
    if a.op is Op.WHERE and a.args[0] is c:
        return where(c, a.args[1], b)
    if b.op is Op.WHERE and b.args[0] is c:
        return where(c, a, b.args[2])
    return Term.make(Op.WHERE, (c, a, b))


_EXACT_UNARY = {
    Op.EXP: {0.0: 1.0, -INF: 0.0, INF: INF},
    Op.EXP2: {0.0: 1.0, -INF: 0.0, INF: INF},
    Op.LOG: {1.0: 0.0},
    Op.LOG2: {1.0: 0.0},
    Op.SQRT: {0.0: 0.0, 1.0: 1.0},
    Op.RSQRT: {1.0: 1.0},
    Op.TANH: {0.0: 0.0},
    Op.ERF: {0.0: 0.0},
    Op.SIGMOID: {0.0: 0.5},
}


def unary(op: Op, a: Any) -> Term:
    a = as_term(a)
    if a.op is Op.CONST and not isinstance(a.value, bool):
        v = a.value
        if op is Op.ABS:
            return const(abs(v))
        if op is Op.TRUNC and not math.isinf(v):
            return const(int(v))
        if op in (Op.FLOOR, Op.CEIL) and not math.isinf(v):
            r = math.floor(v) if op is Op.FLOOR else math.ceil(v)
            return const(float(r) if isinstance(v, float) else int(r))
        table = _EXACT_UNARY.get(op)
        if table is not None and float(v) in table:
            return const(table[float(v)])
    return Term.make(op, (a,))


def call(name: str, *args: Any) -> Term:
    return Term.make(Op.CALL, tuple(as_term(a) for a in args), (name,))


def binder(op: Op, var_name: str, lo: Any, hi: Any, body: Any) -> Term:
    assert op in BINDERS
    return Term.make(op, (as_term(lo), as_term(hi), as_term(body)), (var_name,))


BINARY_BUILDERS = {
    Op.ADD: add, Op.SUB: sub, Op.MUL: mul, Op.DIV: div, Op.FLOORDIV: floordiv, Op.MOD: mod,
    Op.POW: pow_, Op.MIN: minimum, Op.MAX: maximum, Op.AND: logical_and, Op.OR: logical_or,
}


def apply(op: Op, *args: Any) -> Term:
    """Build `op(args)` through the folding constructor for that op."""
    if op in BINARY_BUILDERS:
        return BINARY_BUILDERS[op](*args)
    if op in _CMP:
        return compare(op, *args)
    if op in (Op.BAND, Op.BOR, Op.BXOR, Op.SHL, Op.SHR):
        return bitop(op, *args)
    if op is Op.NEG:
        return neg(*args)
    if op is Op.NOT:
        return logical_not(*args)
    if op is Op.WHERE:
        return where(*args)
    return unary(op, *args)
