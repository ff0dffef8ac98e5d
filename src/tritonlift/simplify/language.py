"""The e-graph's term language: one egglog sort `R` with a constructor per DSL operation the rules
understand, and the readability cost of each (extraction minimises the sum over the tree).

What is not in the table becomes an opaque `(Leaf i)`: tensor reads (their index arithmetic is
not simplified), uninterpreted calls, integer bit operations, `//` and `%`, boolean constants.
Constants are exact rationals (`BigRat`), so folding never rounds; a DSL float constant is encoded
as the rational it denotes and decoded back to the same float.

Binders keep the DSL's bound-variable *name* (`(Sum "l" lo hi body)`, the index is `(Var "l")`):
the lifted formulas name every binder distinctly and hash-consing makes a repeated reduction one
node, so a max computed once and used inside and outside a sum is one e-class. No rule moves a
sub-formula *into* a binder unless it is free of the binder's name, so names are never captured.
"""

from __future__ import annotations

from fractions import Fraction

from ..dsl.named import NAMED_FUNCTIONS
from ..dsl.term import Op

# op -> (constructor, arity, cost). Costs make textbook spellings cheaper: exp2/rsqrt/log2 are
# what a kernel writes, not what a reader expects; a named function is one node for its body.
CONSTRUCTORS: dict[Op, tuple[str, int, int]] = {
    Op.ADD: ("Add", 2, 1), Op.SUB: ("Sub", 2, 1), Op.MUL: ("Mul", 2, 1), Op.DIV: ("Div", 2, 1),
    Op.NEG: ("Neg", 1, 1), Op.POW: ("Pow", 2, 1), Op.MIN: ("Min", 2, 2), Op.MAX: ("Max", 2, 2),
    Op.LT: ("Lt", 2, 1), Op.LE: ("Le", 2, 1), Op.GT: ("Gt", 2, 1), Op.GE: ("Ge", 2, 1),
    Op.EQ: ("Equal", 2, 1), Op.NE: ("NotEqual", 2, 1), Op.AND: ("And", 2, 1), Op.OR: ("Or", 2, 1),
    Op.NOT: ("Not", 1, 1), Op.WHERE: ("Where", 3, 3),
    Op.EXP: ("Exp", 1, 2), Op.EXP2: ("Exp2", 1, 8), Op.LOG: ("Log", 1, 2), Op.LOG2: ("Log2", 1, 6),
    Op.LOG1P: ("Log1p", 1, 3), Op.SQRT: ("Sqrt", 1, 2), Op.RSQRT: ("Rsqrt", 1, 8), Op.TANH: ("Tanh", 1, 2),
    Op.ERF: ("Erf", 1, 2), Op.SIGMOID: ("Sigmoid", 1, 2), Op.SIN: ("Sin", 1, 2), Op.COS: ("Cos", 1, 2),
    Op.ABS: ("Abs", 1, 2),
    # binders: (name, lo, hi, body)
    Op.SUM: ("Sum", 3, 2), Op.PROD: ("Prod", 3, 2), Op.MAXR: ("MaxR", 3, 2), Op.MINR: ("MinR", 3, 2),
    Op.ARGMAX: ("ArgMax", 3, 2), Op.ARGMIN: ("ArgMin", 3, 2),
}
BINDER_OPS = frozenset({Op.SUM, Op.PROD, Op.MAXR, Op.MINR, Op.ARGMAX, Op.ARGMIN})
NAMED_COST = 1
LEAF_COST = 1
BY_CONSTRUCTOR: dict[str, Op] = {name: op for op, (name, _, _) in CONSTRUCTORS.items()}


def named_constructor(name: str) -> str:
    return f"Fn_{name}"


def named_of(constructor: str) -> str | None:
    return constructor[3:] if constructor.startswith("Fn_") and constructor[3:] in NAMED_FUNCTIONS else None


def rat(value: Fraction | int | float) -> str:
    """An exact BigRat literal."""
    f = Fraction(value)
    return f'(bigrat (from-string "{f.numerator}") (from-string "{f.denominator}"))'


def declarations() -> str:
    """The sort, its constructors with their costs, and the relations of analysis.py."""
    from .analysis import RELATIONS

    ctors = ["(Num BigRat :cost 1)", f"(Leaf i64 :cost {LEAF_COST})", "(Var String :cost 1)", "(Sym String :cost 1)"]
    for op, (name, n, cost) in CONSTRUCTORS.items():
        args = "String R R R" if op in BINDER_OPS else " ".join(["R"] * n)
        ctors.append(f"({name} {args} :cost {cost})")
    for f in NAMED_FUNCTIONS.values():
        ctors.append(f"({named_constructor(f.name)} {' '.join(['R'] * len(f.params))} :cost {NAMED_COST})")
    out = ["(datatype R\n  " + "\n  ".join(ctors) + ")"]
    out += [f"(relation {name} ({' '.join(sorts)}))" for name, sorts in RELATIONS.items()]
    return "\n".join(out)
