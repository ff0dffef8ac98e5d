"""Index-notation Unicode for people: `y[i, j] = exp(x[i, j]) / Σ_{k<N} exp(x[i, k])`.

Binders print as prefix operators (Σ, Π, max, min, argmax, argmin) with their range as a
subscript; a binder that is the left operand of a binary operator is parenthesised so its
extent is never ambiguous. (The ASCII text form in dsl.printer is the one that parses back.)
"""

from __future__ import annotations

import math

from ..dsl.term import BINDERS, UNARY_MATH, Op, Term

INFIX = {
    Op.OR: (" ∨ ", 1), Op.AND: (" ∧ ", 2),
    Op.LT: (" < ", 4), Op.LE: (" ≤ ", 4), Op.GT: (" > ", 4), Op.GE: (" ≥ ", 4), Op.EQ: (" = ", 4), Op.NE: (" ≠ ", 4),
    Op.BOR: (" | ", 5), Op.BXOR: (" ⊕ ", 6), Op.BAND: (" & ", 7), Op.SHL: (" << ", 8), Op.SHR: (" >> ", 8),
    Op.ADD: (" + ", 9), Op.SUB: (" − ", 9),
    Op.MUL: ("·", 10), Op.DIV: (" / ", 10), Op.FLOORDIV: (" div ", 10), Op.MOD: (" mod ", 10),
    Op.POW: ("^", 12),
}
BINDER_SIGN = {Op.SUM: "Σ", Op.PROD: "Π", Op.MAXR: "max", Op.MINR: "min", Op.ARGMAX: "argmax", Op.ARGMIN: "argmin"}
PREC_NOT, PREC_NEG, PREC_BINDER, PREC_ATOM = 3, 11, 8, 13


def _const(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isinf(v):
            return "∞" if v > 0 else "−∞"
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v)) if v >= 0 else "−" + str(int(-v))
        return repr(v).replace("-", "−")
    return str(v).replace("-", "−")


def _prec(t: Term) -> int:
    if t.op in INFIX:
        return INFIX[t.op][1]
    if t.op is Op.NOT:
        return PREC_NOT
    if t.op is Op.NEG or (t.op is Op.CONST and not isinstance(t.value, bool) and t.value < 0):
        return PREC_NEG
    if t.op in BINDERS:
        return PREC_BINDER
    return PREC_ATOM


def to_unicode(t: Term) -> str:
    memo: dict[Term, str] = {}

    def wrap(c: Term, need: int) -> str:
        s = go(c)
        return f"({s})" if _prec(c) < need else s

    def go(n: Term) -> str:
        if n in memo:
            return memo[n]
        op = n.op
        if op is Op.CONST:
            s = _const(n.value)
        elif op in (Op.SYM, Op.VAR):
            s = n.attrs[0]
        elif op is Op.READ:
            s = f"{n.attrs[0]}[{', '.join(go(a) for a in n.args)}]"
        elif op is Op.UNDEF:
            s = "⊥"
        elif op is Op.CALL:
            s = f"{n.attrs[0]}({', '.join(go(a) for a in n.args)})"
        elif op in BINDERS:
            lo, hi, body = n.args
            v = n.attrs[0]
            rng = f"{v}<{go(hi)}" if lo.op is Op.CONST and lo.value == 0 else f"{go(lo)}≤{v}<{go(hi)}"
            s = f"{BINDER_SIGN[op]}_{{{rng}}} {wrap(body, 10)}"
        elif op in UNARY_MATH:
            name = {Op.SQRT: "√", Op.ABS: "|·|"}.get(op, op.name.lower())
            if op is Op.ABS:
                s = f"|{go(n.args[0])}|"
            elif op is Op.SQRT:
                s = f"√({go(n.args[0])})"
            else:
                s = f"{name}({go(n.args[0])})"
        elif op in (Op.MIN, Op.MAX):
            s = f"{op.name.lower()}({go(n.args[0])}, {go(n.args[1])})"
        elif op is Op.WHERE:
            s = f"where({go(n.args[0])}, {go(n.args[1])}, {go(n.args[2])})"
        elif op is Op.NEG:
            s = "−" + wrap(n.args[0], PREC_NEG + 1)
        elif op is Op.NOT:
            s = "¬" + wrap(n.args[0], PREC_NEG)
        else:
            sign, p = INFIX[op]
            a, b = n.args
            left = f"({go(a)})" if a.op in BINDERS or _prec(a) < p else go(a)
            if op is Op.MUL and a.op is Op.DIV:
                left = f"({go(a)})"  # (x/σ)·w: never read as x/(σ·w)
            if op is Op.POW:
                left = wrap(a, p + 1)
                right = wrap(b, PREC_ATOM)
            elif p == 4:
                left, right = wrap(a, p + 1), wrap(b, p + 1)
            else:
                right = wrap(b, p + 1)
            s = f"{left}{sign}{right}"
        memo[n] = s
        return s

    return go(t)
