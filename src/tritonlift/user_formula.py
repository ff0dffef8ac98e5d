"""A user's formula for `tritonlift check`: equations `y[i, j] = <expr>`, parsed and checked
against the tensors and symbols of a launch spec.

Equations are separated by `;` or new lines (a line that does not start with `name[...] =`
continues the previous equation). The right side is the DSL's text form (`dsl.printer`); the
common symbols of the Unicode rendering are accepted too: `Σ_{k<N} body`, `Π_{…}`, `max_{k<N}`,
`min_{…}`, `argmax_{…}`, `argmin_{…}` (the range may be `lo≤k<hi`), `·`, `−`, `≤`, `≥`, `≠`, `√`,
`∞`, `|a|`, `^` for powers. As in the renderer, a binder's body is the product that follows it:
`Σ_{k<N} a·b + c` is `sum(k, 0, N, a * b) + c`.

Every problem is a one-line `DslError` located in the formula text (`<formula>:line:col`, with
the equation and a caret). The text is bounded (MAX_FORMULA_TEXT characters, MAX_PARSE_DEPTH
levels of nesting, terms at most MAX_FORMULA_HEIGHT deep) so that no later stage recurses past
Python's limit. Functions are the DSL's (exp, log, ..., the named functions gelu, silu, ...) and
the executor's uninterpreted ones (philox0..3, rand, ...); any other name called is an error.
"""

from __future__ import annotations

import re

from .dsl.named import NAMED_FUNCTIONS
from .dsl.printer import FORMULA_FILE, MAX_PARSE_DEPTH, NAME_BINDER, NAME_FUNC, RESERVED, parse
from .dsl.term import BINDERS, VAR_NAME, Op, Term, free_vars, walk
from .errors import DslError, SourceLoc
from .frontend.launch import LaunchSpec
from .result import Formula, OutputFormula

_LHS = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:\[([^\]]*)\])?\s*=(?!=)(.*)$", re.S)
# `where μ[i] = Σ_{k<N} x[i, k] / N`: a shared sub-expression named by `lift`'s output
_WHERE = re.compile(r"^\s*where\s+([^\W\d]\w*)\s*(?:\[([^\]]*)\])?\s*=(?!=)(.*)$", re.S)

# Unicode rendering -> text form, character by character (binders are handled on tokens)
_SYMBOLS = {"·": " * ", "×": " * ", "−": "-", "≤": "<=", "≥": ">=", "≠": "!=", "√": "sqrt",
            "∞": "inf", "∧": " and ", "∨": " or ", "¬": " not ", "^": "**", "π": " pi "}
_BINDER_SIGN = {"Σ": "sum", "Π": "prod", "max": "max_over", "min": "min_over", "argmax": "argmax",
                "argmin": "argmin"}
_TOKEN = re.compile(
    r"\s*(?:(?P<binder>(?:Σ|Π|argmax|argmin|max|min)_\{[^{}]*\})"
    r"|(?P<str>'[^']*'|\"[^\"]*\")"
    r"|(?P<num>\d+\.\d*(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+|\.\d+(?:[eE][-+]?\d+)?|\d+)"
    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>\*\*|//|<<|>>|<=|>=|==|!=|[-+*/%<>&|()\[\],=]))")
_RANGE = re.compile(r"^\s*(?:(?P<lo>.+?)\s*<=\s*)?(?P<var>[a-z][0-9]*)\s*<\s*(?P<hi>.+?)\s*$")
_PRODUCT_OPS = {"*", "/", "//", "%"}
_NAME = re.compile(r"[A-Za-z_]\w*\Z")
_KNOWN_CALLS = set(NAME_FUNC) | set(NAME_BINDER) | RESERVED
_WORDS = {"true": "True", "false": "False", "div": "//", "mod": "%", "=": "=="}
_OPERAND_BEFORE = {"(", "[", ",", "=", "+", "-", "*", "/", "//", "%", "**", "<", "<=", ">", ">=", "==",
                   "!=", "&", "|", "^", "<<", ">>", "and", "or", "not", "div", "mod"}
_CLOSE = {"(": ")", "[": "]"}


MAX_FORMULA_TEXT = 20000  # characters
MAX_FORMULA_HEIGHT = 200  # levels of the parsed term (lifted formulas are at most ~20 deep)
# Uninterpreted functions the executor produces (symex/builtins.py, symex/ops.py): a formula may
# name them to state what a kernel computes with random numbers or bit casts.
UNINTERPRETED = frozenset({"philox0", "philox1", "philox2", "philox3", "umulhi", "rand", "randn", "randint",
                           "uint_to_uniform_float"})
_UNINTERPRETED_FAMILY = re.compile(r"bitcast_\w+\Z")


def known_function(name: str) -> bool:
    return (name in NAME_FUNC or name in NAMED_FUNCTIONS or name in UNINTERPRETED
            or bool(_UNINTERPRETED_FAMILY.match(name)))


def parse_user_formula(text: str, launch: LaunchSpec) -> Formula:
    """The equations of `text` as a Formula over the launch's tensors. Raises DslError located in
    the text (`<formula>:line:col`)."""
    _check_extent(text)
    equations = split_located(text)
    if not equations:
        raise DslError("the formula is empty: expected equations such as `y[i] = x[i] * 2`",
                       SourceLoc(FORMULA_FILE, 1, 1, text.split("\n", 1)[0]))
    defs: dict[str, tuple[tuple[str, ...], Term]] = {}
    for eq, start in equations:
        if _WHERE.match(eq):
            try:
                _definition(eq, launch, defs)
            except DslError as e:
                raise _relocate(e, text, start) from None
    outputs: list[OutputFormula] = []
    for eq, start in equations:
        if _WHERE.match(eq):
            continue
        try:
            o = _equation(eq, launch, defs)
            if any(p.tensor == o.tensor for p in outputs):
                raise DslError(f"{o.tensor} is defined twice in the formula", _col(eq, 0))
        except DslError as e:
            raise _relocate(e, text, start) from None
        outputs.append(o)
    return Formula(tuple(outputs))


def _check_extent(text: str) -> None:
    """Bounds checked before any parsing (the parsers recurse once per nesting level)."""
    def at(offset: int, msg: str) -> DslError:
        return _relocate(DslError(msg, _col(text, offset)), text, 0)

    if len(text) > MAX_FORMULA_TEXT:
        raise at(0, f"formula of {len(text)} characters: the bound is {MAX_FORMULA_TEXT}")
    depth = binders = powers = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if text.startswith("_{", i):
            binders += 1
        if ch == "^" or text.startswith("**", i):
            powers += 1
        if depth > MAX_PARSE_DEPTH or binders > MAX_PARSE_DEPTH or powers > MAX_PARSE_DEPTH:
            raise at(i, f"formula nested more than {MAX_PARSE_DEPTH} levels deep")


def _col(eq: str, offset: int) -> SourceLoc:
    """A location at `offset` (0-based) of `eq`; `_relocate` makes it absolute."""
    return SourceLoc(FORMULA_FILE, 1, offset + 1, eq)


def _relocate(e: DslError, text: str, start: int) -> DslError:
    """`e` located in the whole formula text: its column is relative to the equation starting at
    `start` (0-based offset), or, without a location, the equation's start."""
    col = e.loc.col if e.loc is not None and e.loc.file == FORMULA_FILE and e.loc.col > 0 else 1
    offset = min(start + col - 1, len(text))
    line = text.count("\n", 0, offset) + 1
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    src = text[line_start: line_end if line_end >= 0 else len(text)]
    return DslError(e.message, SourceLoc(FORMULA_FILE, line, offset - line_start + 1, src))


def split_located(text: str) -> list[tuple[str, int]]:
    """Equations with the offset where each starts in `text` (continuations joined)."""
    out: list[tuple[str, int]] = []
    for m in re.finditer(r"[^;\n]+", text):
        piece = m.group(0)
        stripped = piece.strip()
        if not stripped:
            continue
        lead = len(piece) - len(piece.lstrip())
        if out and not _LHS.match(stripped) and not _WHERE.match(stripped):
            eq, start = out[-1]
            # keep offsets right for the continuation when it follows on the same line span
            gap = m.start() + lead - (start + len(eq))
            out[-1] = (eq + " " * max(gap, 1) + stripped, start)
        else:
            out.append((stripped, m.start() + lead))
    return out


def split_equations(text: str) -> list[str]:
    """Equations, one per `;` or line; continuation lines are joined to their equation."""
    return [eq for eq, _ in split_located(text)]


def _definition(eq: str, launch: LaunchSpec, defs: dict[str, tuple[tuple[str, ...], Term]]) -> None:
    """`where name[i, ...] = expr`: a name for a sub-expression, usable in the equations and in
    later definitions (as `lift` prints them: inner ones first)."""
    m = _WHERE.match(eq)
    assert m is not None
    name, idx_text, rhs = m.group(1), m.group(2) or "", m.group(3).strip()
    if name in launch.tensors or name in launch.sizes or name in launch.lets or name in launch.reals:
        raise DslError(f"`where {name}` names a tensor or symbol of {launch.path.name}: choose another name",
                       _col(eq, m.start(1)))
    if name in defs:
        raise DslError(f"{name} is defined twice by `where` clauses", _col(eq, m.start(1)))
    index_vars = tuple(v.strip() for v in idx_text.split(",") if v.strip())
    for v in index_vars:
        if not VAR_NAME.match(v):
            raise DslError(f"index variable {v!r} of {name} must be a lowercase letter (and digits)", _col(eq, m.start(2)))
    rhs_at = m.start(3) + len(m.group(3)) - len(m.group(3).lstrip())
    if not rhs:
        raise DslError(f"nothing on the right of {eq!r}", _col(eq, len(eq)))
    body = _expand_defs(_parse_rhs(_ascii_names(rhs, defs), _kinds(launch), eq, rhs_at), defs, eq, rhs_at)
    extra = sorted(free_vars(body) - set(index_vars))
    if extra:
        raise DslError(f"index variable {extra[0]!r} is not on the left side of `where {name}[...]`", _col(eq, rhs_at))
    defs[name] = (index_vars, body)


def _kinds(launch: LaunchSpec) -> dict[str, str]:
    return {**{s: "size" for s in launch.sizes}, **{s: "size" for s in launch.lets},
            **{s: "real" for s in launch.reals}}


def _placeholder(k: int) -> str:
    return f"where_name_{k}_"


def _ascii_names(rhs: str, defs: dict) -> str:
    """Names of `where` clauses (possibly Greek: μ, σ) as ASCII placeholders the parser reads as
    tensors; `_expand_defs` replaces them by their definitions."""
    for k, name in enumerate(defs):
        rhs = re.sub(rf"(?<![\w']){re.escape(name)}(?=\s*\[)", _placeholder(k), rhs)
    return rhs


def _expand_defs(body: Term, defs: dict[str, tuple[tuple[str, ...], Term]], eq: str, rhs_at: int) -> Term:
    if not defs:
        return body
    from .dsl.printer import to_text

    by_placeholder = {_placeholder(k): (name, d) for k, (name, d) in enumerate(defs.items())}
    memo: dict[Term, Term] = {}

    def go(n: Term) -> Term:
        r = memo.get(n)
        if r is not None:
            return r
        args = tuple(go(a) for a in n.args)
        if n.op is Op.READ and n.attrs[0] in by_placeholder:
            name, (idx, d) = by_placeholder[n.attrs[0]]
            if len(args) != len(idx):
                raise DslError(f"{name} has {len(idx)} index(es) but is used with {len(args)}", _col(eq, rhs_at))
            bound = {b.attrs[0] for b in walk(d) if b.op in BINDERS}
            clash = bound & {v for a in args for v in free_vars(a)}
            if clash:
                raise DslError(f"{name}[{', '.join(to_text(a) for a in args)}]: index {sorted(clash)[0]!r} is "
                               f"bound inside the definition of {name}", _col(eq, rhs_at))
            r = _substitute_vars(d, dict(zip(idx, args, strict=True)))
        elif all(a is b for a, b in zip(args, n.args, strict=True)):
            r = n
        else:
            r = Term.make(n.op, args, n.attrs)
        memo[n] = r
        return r

    return go(body)


def _old_values(body: Term, launch: LaunchSpec) -> Term:
    """`x_old[i]` (as `lift` prints an in-place update's right side) is a read of the inout tensor
    `x`: its value before the kernel ran."""
    old = {f"{n}_old": n for n, d in launch.tensors.items() if d.direction == "inout" and f"{n}_old" not in launch.tensors}
    if not old or not any(n.op is Op.READ and n.attrs[0] in old for n in walk(body)):
        return body
    memo: dict[Term, Term] = {}

    def go(n: Term) -> Term:
        r = memo.get(n)
        if r is None:
            args = tuple(go(a) for a in n.args)
            attrs = (old[n.attrs[0]], *n.attrs[1:]) if n.op is Op.READ and n.attrs[0] in old else n.attrs
            r = Term.make(n.op, args, attrs) if n.args or attrs != n.attrs else n
            memo[n] = r
        return r

    return go(body)


def _substitute_vars(t: Term, env: dict[str, Term]) -> Term:
    if not env or all(a.op is Op.VAR and a.attrs[0] == v for v, a in env.items()):
        return t
    memo: dict[Term, Term] = {}

    def go(n: Term) -> Term:
        r = memo.get(n)
        if r is None:
            if n.op is Op.VAR and n.attrs[0] in env:
                r = env[n.attrs[0]]
            elif not n.args:
                r = n
            else:
                r = Term.make(n.op, tuple(go(a) for a in n.args), n.attrs)
            memo[n] = r
        return r

    return go(t)


def _equation(eq: str, launch: LaunchSpec, defs: dict | None = None) -> OutputFormula:
    defs = defs or {}
    m = _LHS.match(eq)
    if not m:
        raise DslError(f"expected `tensor[i, ...] = expression`, got {eq!r}", _col(eq, 0))
    name, idx_text, rhs = m.group(1), m.group(2) or "", m.group(3).strip()
    outs = {n: d for n, d in launch.tensors.items() if d.direction in ("out", "inout")}
    decl = outs.get(name)
    if decl is None:
        raise DslError(f"{name!r} is not an output tensor of {launch.path.name} "
                       f"(outputs: {', '.join(outs) or 'none'})", _col(eq, m.start(1)))
    index_vars = tuple(v.strip() for v in idx_text.split(",") if v.strip())
    idx_at = m.start(2) if m.group(2) is not None else m.start(1)
    for v in index_vars:
        if not VAR_NAME.match(v):
            raise DslError(f"index variable {v!r} of {name} must be a lowercase letter (and digits)",
                           _col(eq, idx_at + max(idx_text.find(v), 0)))
    if len(set(index_vars)) != len(index_vars):
        raise DslError(f"repeated index variable on the left of {eq!r}", _col(eq, idx_at))
    if len(index_vars) != len(decl.shape):
        raise DslError(f"{name} has rank {len(decl.shape)} but the left side gives "
                       f"{len(index_vars)} index variable(s)", _col(eq, idx_at))
    rhs_at = m.start(3) + len(m.group(3)) - len(m.group(3).lstrip())
    if not rhs:
        raise DslError(f"nothing on the right of {eq!r}", _col(eq, len(eq)))
    body = _expand_defs(_parse_rhs(_ascii_names(rhs, defs), _kinds(launch), eq, rhs_at), defs, eq, rhs_at)
    body = _old_values(body, launch)
    _check_body(body, name, index_vars, launch, eq, rhs_at)
    return OutputFormula(name, index_vars, body)


def _parse_rhs(rhs: str, kinds: dict[str, str], eq: str, rhs_at: int) -> Term:
    """The text form; else the Unicode rendering (which may be plain ASCII: `f(a) > b` with an
    uninterpreted f). The first error is the one reported, located in `eq`."""
    def located(e: DslError, exact: bool) -> DslError:
        col = e.loc.col - 1 if exact and e.loc is not None and e.loc.col > 0 else 0
        return DslError(e.message, _col(eq, rhs_at + col))

    try:
        text = from_unicode(rhs)
    except DslError as e:
        raise located(e, False) from None
    try:
        t = parse(text, kinds)
        if "^" in rhs and text == rhs and any(n.op is Op.BXOR for n in walk(t)):
            # `x[i]^n` as `lift` prints a power (its Unicode form writes xor as ⊕)
            try:
                return parse(from_unicode(rhs, force=True), kinds)
            except DslError:
                pass
        return t
    except DslError as first:
        if text != rhs:
            raise located(first, False) from None
        try:
            return parse(from_unicode(rhs, force=True), kinds)
        except DslError:
            raise located(first, True) from None


def _check_body(body: Term, tensor: str, index_vars: tuple[str, ...], launch: LaunchSpec, eq: str,
                rhs_at: int) -> None:
    def at(word: str) -> SourceLoc:
        found = re.search(rf"(?<![\w']){re.escape(word)}(?![\w'])", eq[rhs_at:])
        return _col(eq, rhs_at + (found.start() if found else 0))

    heights: dict[int, int] = {}
    for n in walk(body):
        h = 1 + max((heights[id(a)] for a in n.args), default=0)
        heights[id(n)] = h
        if h > MAX_FORMULA_HEIGHT:
            raise DslError(f"formula nested more than {MAX_FORMULA_HEIGHT} operations deep (a chain of "
                           f"operators counts one level each)", _col(eq, rhs_at))
    extra = sorted(free_vars(body) - set(index_vars))
    if extra:
        raise DslError(f"index variable {extra[0]!r} is not on the left side "
                       f"(bind it with sum/max_over/... or add it to {tensor}[...])", at(extra[0]))
    inputs = {n: d for n, d in launch.tensors.items() if d.direction in ("in", "inout")}
    symbols = set(launch.sizes) | set(launch.lets) | set(launch.reals)
    for n in walk(body):
        if n.op is Op.READ:
            t = n.attrs[0]
            if t not in inputs:
                what = "an output" if t in launch.tensors else "not a tensor of the launch spec"
                raise DslError(f"{t!r} is {what}: a formula reads input tensors only "
                               f"({', '.join(inputs) or 'none'})", at(t))
            if len(n.args) != len(inputs[t].shape):
                raise DslError(f"{t} has rank {len(inputs[t].shape)} but is read with "
                               f"{len(n.args)} index(es)", at(t))
        elif n.op is Op.SYM and n.attrs[0] not in symbols:
            raise DslError(f"unknown name {n.attrs[0]!r} (sizes: {', '.join(launch.sizes) or 'none'}"
                           f"; reals: {', '.join(launch.reals) or 'none'})", at(n.attrs[0]))
        elif n.op is Op.UNDEF:
            raise DslError("undef(...) cannot be part of a user's formula", at("undef"))
        elif n.op in BINDERS and n.attrs[0] in index_vars:
            raise DslError(f"binder variable {n.attrs[0]!r} shadows an index variable of {tensor}",
                           at(n.attrs[0]))
        elif n.op is Op.CALL and not known_function(n.attrs[0]):
            raise DslError(f"unknown function {n.attrs[0]!r} (functions: {', '.join(sorted(NAME_FUNC))}; "
                           f"named: {', '.join(sorted(NAMED_FUNCTIONS))}; docs/formula-language.md)",
                           at(n.attrs[0]))


# -- the Unicode rendering's symbols ----------------------------------------------------------

def from_unicode(text: str, force: bool = False) -> str:
    """The text form of `text`: unchanged when it is plain DSL text, else (non-ASCII characters,
    `_{`, or `|`) its Unicode symbols and binders rewritten (`Σ_{k<N} e` -> `sum(k, 0, N, e)`,
    `philox0(a)` -> `call('philox0', a)`, `a = b` -> `a == b`)."""
    if text.isascii() and "_{" not in text and "|" not in text and not force:
        return text
    for u, a in _SYMBOLS.items():
        text = text.replace(u, a)
    toks: list[str] = []
    pos = 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise DslError(f"unexpected character {text[pos:].strip()[:1]!r} in {text.strip()!r}")
        toks.append(m.group(m.lastgroup or ""))
        pos = m.end()
    toks = _words_and_bars(toks)
    return " ".join(_rewrite(toks, 0, len(toks)))


def _words_and_bars(toks: list[str]) -> list[str]:
    """The renderer's words (`true`, `div`, `mod`) in text form, `f(a)` for an uninterpreted `f`
    as `call('f', a)`, and `|a|` as `abs(a)`: a bar where an operand is expected opens, a bar
    after an operand closes (else it is bitwise or)."""
    out: list[str] = []
    open_bars = 0
    n = 0
    while n < len(toks):
        tok = toks[n]
        n += 1
        if tok == "|":
            prev = out[-1] if out else None
            if prev is None or prev in _OPERAND_BEFORE or "_{" in prev:
                out += ["abs", "("]
                open_bars += 1
                continue
            if open_bars:
                out.append(")")
                open_bars -= 1
                continue
        if toks[n: n + 1] == ["("] and _NAME.match(tok) and tok not in _KNOWN_CALLS:
            out += ["call", "(", repr(tok)] + ([","] if toks[n + 1: n + 2] != [")"] else [])
            n += 1  # the call's parenthesis is emitted above
            continue
        out.append(_WORDS.get(tok, tok))
    return out


def _rewrite(toks: list[str], start: int, end: int) -> list[str]:
    out: list[str] = []
    i = start
    while i < end:
        tok = toks[i]
        if "_{" in tok:
            stop = _product_end(toks, i + 1, end)
            sign, rng = tok.split("_{", 1)
            m = _RANGE.match(rng[:-1])
            if not m:
                raise DslError(f"binder range {rng[:-1]!r} must read `k<N` or `lo≤k<hi`")
            lo = m.group("lo") or "0"
            out.append(f"{_BINDER_SIGN[sign]}({m.group('var')}, {lo}, {m.group('hi')}, "
                       f"{' '.join(_rewrite(toks, i + 1, stop))})")
            i = stop
        else:
            out.append(tok)
            i += 1
    return out


def _product_end(toks: list[str], i: int, end: int) -> int:
    """End of the product starting at token i: factors joined by * / // %."""
    i = _factor_end(toks, i, end)
    while i < end and toks[i] in _PRODUCT_OPS:
        i = _factor_end(toks, i + 1, end)
    return i


def _factor_end(toks: list[str], i: int, end: int) -> int:
    while i < end and toks[i] in ("-", "+"):
        i += 1
    if i >= end:
        raise DslError("a binder or operator is missing its operand")
    if "_{" in toks[i]:  # a nested binder takes the rest of the product
        return _product_end(toks, i + 1, end)
    if toks[i] in _CLOSE:
        i = _matching(toks, i, end)
    else:
        i += 1
    while i < end and toks[i] in _CLOSE:  # calls and reads: f(...), x[...]
        i = _matching(toks, i, end)
    if i < end and toks[i] == "**":
        return _factor_end(toks, i + 1, end)
    return i


def _matching(toks: list[str], i: int, end: int) -> int:
    """Index after the bracket closing the one at i."""
    depth = 0
    for j in range(i, end):
        if toks[j] in _CLOSE:
            depth += 1
        elif toks[j] in (")", "]"):
            depth -= 1
            if depth == 0:
                return j + 1
    raise DslError(f"unbalanced {toks[i]!r} in the formula")
