"""LaTeX math for formulas: `y_{i,j} = \\frac{e^{x_{i,j}}}{\\sum_{k=0}^{N-1} e^{x_{i,k}}}`.

Reads print as subscripts, binders as \\sum/\\prod/\\max/\\min/\\operatorname{argmax} with
limits, division as \\frac, exp as e^{...}, where(c, a, b) as a cases environment. Output is
plain math mode (no packages beyond amsmath for \\operatorname and cases); it renders with KaTeX
as it is (tests/render/test_latex.py renders every corpus formula)."""

from __future__ import annotations

import math

from ..dsl.term import BINDERS, Op, Term

FUNCS = {Op.LOG: r"\log", Op.TANH: r"\tanh", Op.SIN: r"\sin", Op.COS: r"\cos", Op.LOG2: r"\log_2",
         Op.ERF: r"\operatorname{erf}", Op.SIGMOID: r"\sigma", Op.LOG1P: r"\operatorname{log1p}",
         Op.RINT: r"\operatorname{rint}", Op.TRUNC: r"\operatorname{trunc}"}
BIG = {Op.SUM: r"\sum", Op.PROD: r"\prod", Op.MAXR: r"\max", Op.MINR: r"\min",
       Op.ARGMAX: r"\operatorname*{argmax}", Op.ARGMIN: r"\operatorname*{argmin}"}
CMP = {Op.LT: "<", Op.LE: r"\le", Op.GT: ">", Op.GE: r"\ge", Op.EQ: "=", Op.NE: r"\ne"}
INFIX = {Op.ADD: " + ", Op.SUB: " - ", Op.MUL: r" \cdot ", Op.MOD: r" \bmod ", Op.AND: r" \land ",
         Op.OR: r" \lor ", Op.BAND: r" \mathbin{\&} ", Op.BOR: r" \mathbin{|} ", Op.BXOR: r" \oplus ",
         Op.SHL: r" \ll ", Op.SHR: r" \gg ", **{o: f" {s} " for o, s in CMP.items()}}
PREC = {Op.OR: 1, Op.AND: 2, Op.NOT: 3, **{o: 4 for o in CMP}, Op.BOR: 5, Op.BXOR: 6, Op.BAND: 7,
        Op.SHL: 8, Op.SHR: 8, Op.ADD: 9, Op.SUB: 9, Op.MUL: 10, Op.DIV: 13, Op.FLOORDIV: 10, Op.MOD: 10,
        Op.NEG: 11, Op.POW: 12}


def _word(n: str) -> str:
    """A name as text inside \\mathrm/\\mathit/\\operatorname: `_` is a subscript in math mode."""
    return n.replace("_", r"\_")


def _name(n: str) -> str:
    return n if len(n) == 1 else rf"\mathrm{{{_word(n)}}}" if n[0].isupper() else rf"\mathit{{{_word(n)}}}"


def _number(v: int | float) -> str:
    """`2.0` as 2, `1e-05` as 1 \\cdot 10^{-5}, others as Python prints them."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    s = repr(v)
    if "e" in s:
        mantissa, exp = s.split("e")
        return rf"{mantissa} \cdot 10^{{{int(exp)}}}"
    return s


def _prec(t: Term) -> int:
    if t.op in BINDERS:
        return 8
    if t.op is Op.CONST and not isinstance(t.value, bool):
        if "e" in _number(t.value):
            return 10  # m \cdot 10^{e}: a product
        if t.value < 0:
            return 11
    return PREC.get(t.op, 14)


def to_latex(t: Term) -> str:
    def wrap(c: Term, need: int) -> str:
        s = go(c)
        return rf"\left({s}\right)" if _prec(c) < need else s

    def go(n: Term) -> str:
        op = n.op
        if op is Op.CONST:
            v = n.value
            if isinstance(v, bool):
                return r"\mathrm{true}" if v else r"\mathrm{false}"
            if isinstance(v, float) and math.isinf(v):
                return r"\infty" if v > 0 else r"-\infty"
            return _number(v)
        if op in (Op.SYM, Op.VAR):
            return _name(n.attrs[0])
        if op is Op.READ:
            idx = ",".join(go(a) for a in n.args)
            return f"{_name(n.attrs[0])}_{{{idx}}}" if n.args else _name(n.attrs[0])
        if op is Op.UNDEF:
            return r"\bot"
        if op is Op.CALL:
            return rf"\operatorname{{{_word(n.attrs[0])}}}\left({', '.join(go(a) for a in n.args)}\right)"
        if op in BINDERS:
            lo, hi, body = n.args
            v = n.attrs[0]
            if op in (Op.SUM, Op.PROD):
                last = str(hi.value - 1) if hi.op is Op.CONST and type(hi.value) is int else f"{wrap(hi, 9)}-1"
                return f"{BIG[op]}_{{{v}={go(lo)}}}^{{{last}}} {wrap(body, 10)}"
            return f"{BIG[op]}_{{{go(lo)} \\le {v} < {go(hi)}}} {wrap(body, 10)}"
        if op is Op.EXP:
            return f"e^{{{go(n.args[0])}}}"
        if op is Op.EXP2:
            return f"2^{{{go(n.args[0])}}}"
        if op is Op.SQRT:
            return rf"\sqrt{{{go(n.args[0])}}}"
        if op is Op.RSQRT:
            return rf"\frac{{1}}{{\sqrt{{{go(n.args[0])}}}}}"
        if op is Op.ABS:
            return rf"\left|{go(n.args[0])}\right|"
        if op in (Op.FLOOR, Op.CEIL):
            left_b, right_b = (r"\lfloor", r"\rfloor") if op is Op.FLOOR else (r"\lceil", r"\rceil")
            return rf"\left{left_b} {go(n.args[0])} \right{right_b}"
        if op in FUNCS:
            return rf"{FUNCS[op]}\left({go(n.args[0])}\right)"
        if op in (Op.MAX, Op.MIN):
            return rf"\{op.name.lower()}\left({go(n.args[0])}, {go(n.args[1])}\right)"
        if op is Op.WHERE:
            c, a, b = n.args
            return (rf"\begin{{cases}} {go(a)} & \text{{if }} {go(c)} \\ {go(b)} & \text{{otherwise}}"
                    r" \end{cases}")
        if op is Op.NEG:
            return "-" + wrap(n.args[0], 12)
        if op is Op.NOT:
            return r"\lnot " + wrap(n.args[0], 5)  # \lnot (a = b), never (\lnot a) = b
        a, b = n.args
        if op is Op.DIV:
            return rf"\frac{{{go(a)}}}{{{go(b)}}}"
        if op is Op.POW:
            return f"{{{wrap(a, 13)}}}^{{{go(b)}}}"
        if op is Op.FLOORDIV:
            return rf"\left\lfloor \frac{{{go(a)}}}{{{go(b)}}} \right\rfloor"
        p = PREC[op]
        sign = INFIX[op]
        left = rf"\left({go(a)}\right)" if a.op in BINDERS else wrap(a, p)
        return f"{left}{sign}{wrap(b, p + 1)}"

    return go(t)


def formula_latex(tensor: str, index_vars: tuple[str, ...], body: Term) -> str:
    lhs = f"{_name(tensor)}_{{{','.join(index_vars)}}}" if index_vars else _name(tensor)
    return f"{lhs} = {to_latex(body)}"
