"""Rules and facts (rules.py, analysis.py) compiled to egglog text.

A pattern is parsed with the DSL parser, so a rule reads like the formulas it rewrites; the
parser's folding never changes a pattern (no pattern is `x * 1` or `a - a`). Pattern variables
become egglog variables `p_<name>`: upper-case names stand for the rational in a `(Num C)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..dsl.named import NAMED_FUNCTIONS
from ..dsl.printer import parse
from ..dsl.term import BINDERS, Op, Term
from .analysis import FACTS, Fact
from .language import BINDER_OPS, CONSTRUCTORS, named_constructor, rat
from .rules import RULES, Rule

# a folded constant must stay readable (see rules.py)
SMALL_DENOMINATOR = 2**16
SMALL_MAGNITUDE = 10**6
_CONST_OPS = {Op.ADD: "+", Op.SUB: "-", Op.MUL: "*", Op.DIV: "/"}
_CMP = {Op.LT: "<", Op.LE: "<=", Op.GT: ">", Op.GE: ">=", Op.EQ: "=", Op.NE: "!="}
_CALL = re.compile(r"^([a-z][a-z_-]*)\((.*)\)$")


class PatternError(Exception):
    pass


def is_const_var(t: Term) -> bool:
    return t.op is Op.SYM and t.attrs[0][0].isupper()


def is_pattern_var(t: Term) -> bool:
    return t.op in (Op.VAR, Op.SYM) and not is_const_var(t)


def var_name(name: str) -> str:
    return f"p_{name}"


def _constant_only(t: Term) -> bool:
    if t.op is Op.CONST:
        return not isinstance(t.value, bool)
    if is_const_var(t):
        return True
    return (t.op in _CONST_OPS or t.op is Op.NEG) and all(_constant_only(a) for a in t.args)


def const_expr(t: Term) -> str:
    """A BigRat-valued egglog expression for a constant-only pattern term."""
    if t.op is Op.CONST:
        return rat(t.value)
    if is_const_var(t):
        return var_name(t.attrs[0])
    if t.op is Op.NEG:
        return f"(neg {const_expr(t.args[0])})"
    return f"({_CONST_OPS[t.op]} {const_expr(t.args[0])} {const_expr(t.args[1])})"


def pattern(t: Term, rhs: bool = False) -> str:
    """egglog text of a pattern (left side) or template (right side)."""
    if rhs and _constant_only(t) and t.op is not Op.CONST and not is_const_var(t):
        return f"(Num {const_expr(t)})"
    if t.op is Op.CONST:
        if isinstance(t.value, bool):
            raise PatternError("boolean constants cannot appear in patterns")
        return f"(Num {rat(t.value)})"
    if is_const_var(t):
        return f"(Num {var_name(t.attrs[0])})"
    if is_pattern_var(t):
        return var_name(t.attrs[0])
    if t.op is Op.CALL and t.attrs[0] in NAMED_FUNCTIONS:
        return f"({named_constructor(t.attrs[0])} {' '.join(pattern(a, rhs) for a in t.args)})"
    if t.op in BINDERS:
        name = CONSTRUCTORS[t.op][0]
        lo, hi, body = (pattern(a, rhs) for a in t.args)
        return f"({name} {var_name(t.attrs[0])} {lo} {hi} {body})"
    if t.op not in CONSTRUCTORS:
        raise PatternError(f"{t.op.name} has no e-graph constructor")
    return f"({CONSTRUCTORS[t.op][0]} {' '.join(pattern(a, rhs) for a in t.args)})"


def _split_args(text: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    return [*out, cur.strip()] if cur.strip() else out


def condition(text: str) -> list[str]:
    """egglog query atoms for one side condition."""
    m = _CALL.match(text.strip())
    if m and m.group(1) in ("free", "pos", "nonneg", "nonempty", "small", "int", "nondyadic"):
        rel, args = m.group(1), _split_args(m.group(2))
        if rel == "free":
            return [f"(free {pattern(parse(args[0]))} {var_name(args[1])})"]
        if rel == "int":
            return [f"(= (denom {const_expr(parse(args[0]))}) (bigint 1))"]
        if rel == "nondyadic":  # no power of two clears the denominator: 1/6, not 1/4
            e = const_expr(parse(args[0]))
            return [f"(!= (denom (* {e} {rat(2 ** 62)})) (bigint 1))"]
        if rel == "small":
            e = const_expr(parse(args[0]))
            return [f"(<= (denom {e}) (bigint {SMALL_DENOMINATOR}))",
                    f"(<= (abs {e}) {rat(SMALL_MAGNITUDE)})"]
        return [f"({rel} {' '.join(pattern(parse(a)) for a in args)})"]
    t = parse(text)
    if t.op in _CMP and all(_constant_only(a) for a in t.args):
        return [f"({_CMP[t.op]} {const_expr(t.args[0])} {const_expr(t.args[1])})"]
    raise PatternError(f"unknown side condition {text!r}")


@dataclass(frozen=True)
class Compiled:
    name: str
    text: str


def compile_rule(r: Rule, ruleset: str = "rules") -> Compiled:
    lhs, rhs = pattern(parse(r.lhs)), pattern(parse(r.rhs), rhs=True)
    when = [c for w in r.when for c in condition(w)]
    opts = (f" :when ({' '.join(when)})" if when else "") + (" :subsume" if r.replace else "")
    return Compiled(r.name, f'(rewrite {lhs} {rhs}{opts} :ruleset {ruleset} :name "{r.name}")')


def compile_fact(f: Fact, ruleset: str = "analysis") -> Compiled:
    query = [f"(= e {pattern(parse(f.term))})"] + [c for p in f.premises for c in condition(p)]
    return Compiled(f.name, f'(rule ({" ".join(query)}) (({f.relation} e)) :ruleset {ruleset} :name "{f.name}")')


def free_rules(ruleset: str = "analysis") -> list[str]:
    """`free(e, v)` derived structurally, one rule per constructor (see analysis.py)."""
    out = [f"(rule ((= e (Num c)) (bound-name v)) ((free e v)) :ruleset {ruleset})",
           f"(rule ((= e (Sym s)) (bound-name v)) ((free e v)) :ruleset {ruleset})",
           f"(rule ((= e (Var u)) (bound-name v) (!= u v)) ((free e v)) :ruleset {ruleset})"]
    ctors = [(name, n) for op, (name, n, _) in CONSTRUCTORS.items() if op not in BINDER_OPS]
    ctors += [(named_constructor(f.name), len(f.params)) for f in NAMED_FUNCTIONS.values()]
    for name, n in ctors:
        args = [f"a{i}" for i in range(n)]
        conds = " ".join(f"(free {a} v)" for a in args)
        out.append(f"(rule ((= e ({name} {' '.join(args)})) {conds}) ((free e v)) :ruleset {ruleset})")
    for op in BINDER_OPS:
        name = CONSTRUCTORS[op][0]
        out.append(f"(rule ((= e ({name} u lo hi b)) (!= u v) (free lo v) (free hi v) (free b v)) "
                   f"((free e v)) :ruleset {ruleset})")
        out.append(f"(rule ((= e ({name} v lo hi b)) (free lo v) (free hi v)) ((free e v)) :ruleset {ruleset})")
    return out


def program_rules(rules: tuple[Rule, ...] = RULES, facts: tuple[Fact, ...] = FACTS) -> str:
    """Rulesets `analysis` (relations, run to saturation) and `rules` (rewrites)."""
    lines = ["(ruleset analysis)", "(ruleset rules)"]
    lines += free_rules()
    lines += [compile_fact(f).text for f in facts]
    lines += [compile_rule(r).text for r in rules]
    return "\n".join(lines)
