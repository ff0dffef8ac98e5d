"""The DSL's text form: a deterministic, Python-like printer and its parser.

`parse(to_text(t)) is t` for every term built through `dsl.build` (property-tested). The text is
ASCII; Unicode index notation lives in `render/`.

Syntax by precedence, loosest first (as in Python): `or`, `and`, `not`, comparisons, `|`, `^`,
`&`, `<< >>`, `+ -`, `* / // %`, unary `-`, `**`, atoms. Atoms: numbers, `inf`, `True`, `False`,
names, reads `x[i, j]`, calls `exp(x)`, `where(c, a, b)`, `min(a, b)`, binders
`sum(k, lo, hi, body)` (also `prod`, `max_over`, `min_over`, `argmax`, `argmin`),
`undef("why")`, uninterpreted functions `call("name", args...)` and named functions with a
definition (`gelu(x)`, registered in dsl.named).
"""

from __future__ import annotations

import math
import re

from ..errors import DslError, SourceLoc
from . import build
from .named import NAMED_FUNCTIONS
from .term import BINDERS, UNARY_MATH, VAR_NAME, Op, Term, const, read, sym, undef, var

INFIX = {
    Op.OR: ("or", 1), Op.AND: ("and", 2),
    Op.LT: ("<", 4), Op.LE: ("<=", 4), Op.GT: (">", 4), Op.GE: (">=", 4), Op.EQ: ("==", 4), Op.NE: ("!=", 4),
    Op.BOR: ("|", 5), Op.BXOR: ("^", 6), Op.BAND: ("&", 7), Op.SHL: ("<<", 8), Op.SHR: (">>", 8),
    Op.ADD: ("+", 9), Op.SUB: ("-", 9),
    Op.MUL: ("*", 10), Op.DIV: ("/", 10), Op.FLOORDIV: ("//", 10), Op.MOD: ("%", 10),
    Op.POW: ("**", 12),
}
PREC_NOT, PREC_NEG, PREC_ATOM = 3, 11, 13
FUNC_NAME = {op: op.name.lower() for op in UNARY_MATH} | {Op.MIN: "min", Op.MAX: "max", Op.WHERE: "where"}
BINDER_NAME = {Op.SUM: "sum", Op.PROD: "prod", Op.MAXR: "max_over", Op.MINR: "min_over",
               Op.ARGMAX: "argmax", Op.ARGMIN: "argmin"}
NAME_FUNC = {v: k for k, v in FUNC_NAME.items()}
NAME_BINDER = {v: k for k, v in BINDER_NAME.items()}
RESERVED = (set(NAME_FUNC) | set(NAME_BINDER) | set(NAMED_FUNCTIONS)
            | {"inf", "True", "False", "and", "or", "not", "undef", "call"})
CONSTANTS = {"pi": math.pi}  # named constants a formula may use (unless a symbol of that name exists)
MAX_PARSE_DEPTH = 100  # nesting levels (parentheses, binders, unary operators, powers)
FORMULA_FILE = "<formula>"


def _const_text(v) -> str:
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, float):
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    return str(v)


def _prec(t: Term) -> int:
    if t.op in INFIX:
        return INFIX[t.op][1]
    if t.op is Op.NOT:
        return PREC_NOT
    if t.op is Op.NEG:
        return PREC_NEG
    if t.op is Op.CONST and not isinstance(t.value, bool) and (t.value < 0):
        return PREC_NEG
    return PREC_ATOM


def to_text(t: Term) -> str:
    """The term's text; shared sub-terms are printed again at every use (see `to_text_shared`).
    Iterative and linear in the text's length: a term as deep as a loop is long prints without
    Python's recursion limit."""
    out: list[str] = []
    _emit(t, {}, out)
    return "".join(out)


def _emit(t: Term, names: dict[int, str], out: list[str]) -> None:
    """Append the text of `t` to `out`, piece by piece; a node in `names` prints as its name."""
    stack: list[Term | str] = [t]
    while stack:
        it = stack.pop()
        if isinstance(it, str):
            out.append(it)
        elif id(it) in names:
            out.append(names[id(it)])
        else:
            stack.extend(reversed(_parts(it, lambda a: PREC_ATOM if id(a) in names else _prec(a))))


def _parts(n: Term, prec) -> list[Term | str]:
    """One node's text as literal pieces and children, in order (a child that binds looser than
    its place needs, by `prec`, comes in parentheses)."""

    def wrap(child: Term, need: int) -> list[Term | str]:
        return ["(", child, ")"] if prec(child) < need else [child]

    def commas(args) -> list[Term | str]:
        out: list[Term | str] = []
        for k, a in enumerate(args):
            out += [", ", a] if k else [a]
        return out

    op = n.op
    if op is Op.CONST:
        return [_const_text(n.value)]
    if op in (Op.SYM, Op.VAR):
        return [n.attrs[0]]
    if op is Op.READ:
        return [f"{n.attrs[0]}[", *commas(n.args), "]"]
    if op is Op.UNDEF:
        return [f"undef({n.attrs[0]!r})"]
    if op is Op.CALL and n.attrs[0] in NAMED_FUNCTIONS:
        return [f"{n.attrs[0]}(", *commas(n.args), ")"]
    if op is Op.CALL:
        return [f"call({n.attrs[0]!r}", *(x for a in n.args for x in (", ", a)), ")"]
    if op in BINDERS:
        return [f"{BINDER_NAME[op]}({n.attrs[0]}, ", *commas(n.args), ")"]
    if op in FUNC_NAME:
        return [f"{FUNC_NAME[op]}(", *commas(n.args), ")"]
    if op is Op.NEG:
        return ["-", *wrap(n.args[0], PREC_NEG)]
    if op is Op.NOT:
        return ["not ", *wrap(n.args[0], PREC_NOT)]
    if op in INFIX:
        sym_, p = INFIX[op]
        a, b = n.args
        if op is Op.POW:  # right-associative; the base binds tighter than unary minus
            return [*wrap(a, p + 1), f" {sym_} ", *wrap(b, PREC_NEG)]
        if p == 4:  # never chain comparisons
            return [*wrap(a, p + 1), f" {sym_} ", *wrap(b, p + 1)]
        return [*wrap(a, p), f" {sym_} ", *wrap(b, p + 1)]
    raise DslError(f"cannot print op {op}")  # pragma: no cover


SHARED_PREFIX = "$"


def to_text_shared(roots: list[Term], min_chars: int = 160) -> tuple[list[tuple[str, str]], list[str]]:
    """Texts of many terms with their common sub-terms named once: a sub-term used more than
    once (within a term or across them) whose text would be longer than `min_chars` prints as
    `$1`, `$2`, ... and is defined in the returned list (definitions before their uses). The
    output is linear in the distinct sub-terms instead of in the expanded trees (a softmax row's
    elements all repeat the row's max and sum). Short terms print exactly as `to_text`."""
    uses: dict[int, int] = {}
    order: list[Term] = []  # every distinct node, children first
    seen: set[int] = set()
    for r in roots:
        uses[id(r)] = uses.get(id(r), 0) + 1
        stack: list[tuple[Term, bool]] = [(r, False)]
        while stack:
            n, done = stack.pop()
            if done:
                order.append(n)
                continue
            if id(n) in seen:
                continue
            seen.add(id(n))
            stack.append((n, True))
            for a in reversed(n.args):
                uses[id(a)] = uses.get(id(a), 0) + 1
                if id(a) not in seen:
                    stack.append((a, False))
    names: dict[int, str] = {}
    length: dict[int, int] = {}  # the node's text length, names of shared children counted
    defs: list[tuple[str, str]] = []
    for n in order:
        parts = _parts(n, lambda a: PREC_ATOM if id(a) in names else _prec(a))
        length[id(n)] = sum(len(p) if isinstance(p, str) else len(names[id(p)]) if id(p) in names
                            else length[id(p)] for p in parts)
        if n.args and uses.get(id(n), 0) > 1 and length[id(n)] > min_chars:
            out: list[str] = []
            _emit(n, names, out)
            names[id(n)] = f"{SHARED_PREFIX}{len(defs) + 1}"
            defs.append((names[id(n)], "".join(out)))
    texts = []
    for r in roots:
        out = []
        if id(r) in names:  # a whole element shared by others: its definition is its text
            r_name = names.pop(id(r))
            _emit(r, names, out)
            names[id(r)] = r_name
        else:
            _emit(r, names, out)
        texts.append("".join(out))
    return defs, texts


_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+\.\d*(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+|\.\d+(?:[eE][-+]?\d+)?|\d+)"
    r"|(?P<str>'[^']*'|\"[^\"]*\")"
    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>\*\*|//|<<|>>|<=|>=|==|!=|[-+*/%<>&|^()\[\],]))"
)


class _Parser:
    def __init__(self, text: str, size_kinds: dict[str, str] | None):
        self.text = text
        self.toks: list[tuple[str, str, int]] = []
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                col = pos + len(text[pos:]) - len(text[pos:].lstrip())
                raise DslError(f"unexpected character {text[pos:].strip()[:1]!r} at column {col + 1} in {text!r}",
                               self.loc(col))
            kind = m.lastgroup or ""
            self.toks.append((kind, m.group(kind), m.start(kind)))
            pos = m.end()
        self.i = 0
        self.bound: list[str] = []
        self.kinds = size_kinds or {}
        self.depth = 0

    def loc(self, col: int) -> SourceLoc:
        """Column `col` (0-based) of the text being parsed."""
        return SourceLoc(FORMULA_FILE, 1, col + 1, self.text)

    def here(self) -> SourceLoc:
        return self.loc(self.toks[self.i][2] if self.i < len(self.toks) else len(self.text))

    def peek(self) -> str | None:
        return self.toks[self.i][1] if self.i < len(self.toks) else None

    def take(self, expect: str | None = None) -> tuple[str, str, int]:
        if self.i >= len(self.toks):
            raise DslError(f"unexpected end of formula {self.text!r}", self.loc(len(self.text)))
        tok = self.toks[self.i]
        if expect is not None and tok[1] != expect:
            raise DslError(f"expected {expect!r} at column {tok[2] + 1}, found {tok[1]!r} in {self.text!r}",
                           self.loc(tok[2]))
        self.i += 1
        return tok

    def expr(self, min_prec: int = 1) -> Term:
        # the parser recurses once per nesting level: bounded, so deep input is an error, not a
        # RecursionError
        self.depth += 1
        try:
            if self.depth > MAX_PARSE_DEPTH:
                raise DslError(f"formula nested more than {MAX_PARSE_DEPTH} levels deep", self.here())
            return self._expr(min_prec)
        finally:
            self.depth -= 1

    def _expr(self, min_prec: int) -> Term:
        if self.peek() == "not" and min_prec <= PREC_NOT:
            self.take()
            left = build.logical_not(self.expr(PREC_NOT))
        elif self.peek() == "-" and min_prec <= PREC_NEG:
            self.take()
            left = build.neg(self.expr(PREC_NEG))
        else:
            left = self.atom()
        while True:
            tok = self.peek()
            entry = next(((op, p) for op, (s, p) in INFIX.items() if s == tok), None)
            if entry is None or entry[1] < min_prec:
                return left
            op, p = entry
            self.take()
            if op is Op.POW:
                right = self.expr(PREC_NEG)
                if right.op is Op.NEG or (right.op is Op.CONST and _prec(right) == PREC_NEG):
                    pass
            else:
                right = self.expr(p + 1)
            left = build.apply(op, left, right)
            if p == 4 and INFIX.get(next((o for o, (s, _) in INFIX.items() if s == self.peek()), Op.CONST), ("", 0))[1] == 4:
                raise DslError(f"chained comparison in {self.text!r}: add parentheses", self.here())

    def args(self) -> list[Term]:
        self.take("(")
        out: list[Term] = []
        if self.peek() != ")":
            out.append(self.expr())
            while self.peek() == ",":
                self.take()
                out.append(self.expr())
        self.take(")")
        return out

    def atom(self) -> Term:
        kind, text, col = self.take()
        if kind == "num":
            return const(float(text) if any(c in text for c in ".eE") else int(text))
        if text == "(":
            e = self.expr()
            self.take(")")
            return e
        if kind != "name":
            raise DslError(f"unexpected {text!r} at column {col + 1} in {self.text!r}", self.loc(col))
        if text == "inf":
            return const(math.inf)
        if text in CONSTANTS and text not in self.kinds and self.peek() not in ("(", "["):
            return const(CONSTANTS[text])
        if text in ("True", "False"):
            return const(text == "True")
        if text == "undef":
            self.take("(")
            s = self.take()[1]
            self.take(")")
            return undef(s[1:-1])
        if text == "call":
            self.take("(")
            name = self.take()[1][1:-1]
            rest: list[Term] = []
            while self.peek() == ",":
                self.take()
                rest.append(self.expr())
            self.take(")")
            return build.call(name, *rest)
        if text in NAME_BINDER:
            self.take("(")
            v = self.take()[1]
            if not VAR_NAME.match(v):
                raise DslError(f"binder variable {v!r} must be a lowercase letter and digits", self.loc(self.toks[self.i - 1][2]))
            self.take(",")
            lo = self.expr()
            self.take(",")
            hi = self.expr()
            self.take(",")
            self.bound.append(v)
            body = self.expr()
            self.bound.pop()
            self.take(")")
            return build.binder(NAME_BINDER[text], v, lo, hi, body)
        if text in NAME_FUNC and self.peek() == "(":
            op = NAME_FUNC[text]
            a = self.args()
            want = 3 if op is Op.WHERE else 2 if op in (Op.MIN, Op.MAX) else 1
            if len(a) != want:
                raise DslError(f"{text} takes {want} argument(s), got {len(a)} in {self.text!r}", self.loc(col))
            return build.apply(op, *a)
        if text in NAMED_FUNCTIONS and self.peek() == "(":
            a = self.args()
            want = len(NAMED_FUNCTIONS[text].params)
            if len(a) != want:
                raise DslError(f"{text} takes {want} argument(s), got {len(a)} in {self.text!r}", self.loc(col))
            return build.call(text, *a)
        if self.peek() == "[":
            self.take("[")
            idx: list[Term] = []
            if self.peek() != "]":
                idx.append(self.expr())
                while self.peek() == ",":
                    self.take()
                    idx.append(self.expr())
            self.take("]")
            return read(text, *idx)
        if text in RESERVED:
            raise DslError(f"{text!r} cannot be used as a name in {self.text!r}", self.loc(col))
        if VAR_NAME.match(text):
            return var(text)
        kind_ = self.kinds.get(text, "size" if text[0].isupper() else "real")
        return sym(text, kind_)


def parse(text: str, symbol_kinds: dict[str, str] | None = None) -> Term:
    """Parse the DSL text form. `symbol_kinds` overrides the default kind of a symbol name
    (upper-case initial: size, lower-case: real)."""
    p = _Parser(text, symbol_kinds)
    t = p.expr()
    if p.peek() is not None:
        raise DslError(f"unexpected {p.peek()!r} at column {p.toks[p.i][2] + 1} in {text!r}", p.here())
    return t
