"""The formula DSL's one node type: an immutable, hash-consed `Term` with an `Op` enum.

Equality is identity: building the same (op, args, attrs) twice returns the same object, so `is`
compares terms structurally in O(1) and terms can be dict keys. Terms are DAGs; shared sub-terms
are stored once.

Naming convention (it makes the printed form parse back without context):
- index variables (`Op.VAR`) are one lowercase letter plus optional digits: `i`, `j`, `k2`;
- symbols (`Op.SYM`) are any other identifier: sizes start upper-case (`N`, `BLOCK`), real-valued
  scalars start lower-case (`eps`, `alpha`). Their kind is kept in attrs.
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Container
from enum import Enum, auto
from fractions import Fraction
from typing import Any

from ..errors import DslError

VAR_NAME = re.compile(r"[a-z][0-9]*\Z")
IDENT = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\Z")


class Op(Enum):
    # leaves
    CONST = auto()  # attrs: (value,) with value an int, float (incl. ±inf) or bool
    SYM = auto()  # attrs: (name, kind) kind in {"size", "real", "int"}
    VAR = auto()  # attrs: (name,)
    READ = auto()  # attrs: (tensor,), args: index terms
    UNDEF = auto()  # an unspecified value: attrs: (reason,)
    # arithmetic
    ADD = auto()
    SUB = auto()
    MUL = auto()
    DIV = auto()  # real division
    FLOORDIV = auto()  # integer division rounding toward zero (C semantics, as Triton)
    MOD = auto()  # integer remainder with the sign of the dividend (C semantics)
    NEG = auto()
    POW = auto()
    MIN = auto()
    MAX = auto()
    # comparisons and logic (bool valued)
    LT = auto()
    LE = auto()
    GT = auto()
    GE = auto()
    EQ = auto()
    NE = auto()
    AND = auto()
    OR = auto()
    NOT = auto()
    # integer bit operations (philox, index tricks)
    BAND = auto()
    BOR = auto()
    BXOR = auto()
    SHL = auto()
    SHR = auto()
    WHERE = auto()
    # unary math, functions on the reals
    EXP = auto()
    EXP2 = auto()
    LOG = auto()
    LOG2 = auto()
    LOG1P = auto()
    SQRT = auto()
    RSQRT = auto()
    TANH = auto()
    ERF = auto()
    SIGMOID = auto()
    SIN = auto()
    COS = auto()
    ABS = auto()
    FLOOR = auto()
    CEIL = auto()
    TRUNC = auto()  # float -> int cast
    RINT = auto()
    # an uninterpreted function (e.g. philox random): attrs: (name,)
    CALL = auto()
    # binders: attrs (var_name,), args (lo, hi, body); the range is [lo, hi)
    SUM = auto()
    PROD = auto()
    MAXR = auto()
    MINR = auto()
    ARGMAX = auto()
    ARGMIN = auto()


UNARY_MATH = frozenset(
    {
        Op.EXP, Op.EXP2, Op.LOG, Op.LOG2, Op.LOG1P, Op.SQRT, Op.RSQRT, Op.TANH, Op.ERF,
        Op.SIGMOID, Op.SIN, Op.COS, Op.ABS, Op.FLOOR, Op.CEIL, Op.TRUNC, Op.RINT,
    }
)
BINARY = frozenset(
    {
        Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.FLOORDIV, Op.MOD, Op.POW, Op.MIN, Op.MAX,
        Op.LT, Op.LE, Op.GT, Op.GE, Op.EQ, Op.NE, Op.AND, Op.OR,
        Op.BAND, Op.BOR, Op.BXOR, Op.SHL, Op.SHR,
    }
)
COMPARISONS = frozenset({Op.LT, Op.LE, Op.GT, Op.GE, Op.EQ, Op.NE})
BINDERS = frozenset({Op.SUM, Op.PROD, Op.MAXR, Op.MINR, Op.ARGMAX, Op.ARGMIN})
FUNCTION_SYNTAX = frozenset({Op.MIN, Op.MAX, Op.POW, Op.WHERE}) | UNARY_MATH

_INTERN: weakref.WeakValueDictionary[tuple, Term] = weakref.WeakValueDictionary()


def _const_key(value: Any) -> tuple:
    # 1, 1.0 and True hash alike in Python; the type tag keeps them apart.
    return (type(value).__name__, value)


class Term:
    """One immutable DSL node. Build with `Term.make` or the constructors in `dsl.build`."""

    __slots__ = ("op", "args", "attrs", "_hash", "__weakref__")

    op: Op
    args: tuple[Term, ...]
    attrs: tuple

    def __new__(cls, *_a: Any, **_k: Any) -> Term:  # pragma: no cover - guard
        raise TypeError("use Term.make(op, args, attrs)")

    @staticmethod
    def make(op: Op, args: tuple[Term, ...] = (), attrs: tuple = ()) -> Term:
        key_attrs = tuple(_const_key(a) if op is Op.CONST else a for a in attrs)
        key = (op, tuple(id(a) for a in args), key_attrs)
        found = _INTERN.get(key)
        if found is not None:
            return found
        t = object.__new__(Term)
        object.__setattr__(t, "op", op)
        object.__setattr__(t, "args", args)
        object.__setattr__(t, "attrs", attrs)
        object.__setattr__(t, "_hash", hash(key))
        _INTERN[key] = t
        return t

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Term is immutable")

    def __hash__(self) -> int:
        return self._hash

    # Equality is identity (hash-consing); `==` is deliberately not overloaded.

    def __reduce__(self):  # pickling rebuilds through the intern table
        return (Term.make, (self.op, self.args, self.attrs))

    # -- convenience accessors -------------------------------------------------------------
    @property
    def value(self) -> Any:
        assert self.op is Op.CONST
        return self.attrs[0]

    @property
    def name(self) -> str:
        assert self.op in (Op.SYM, Op.VAR, Op.READ, Op.CALL) or self.op in BINDERS
        return self.attrs[0]

    def is_const(self, value: Any = None) -> bool:
        if self.op is not Op.CONST:
            return False
        return value is None or (self.attrs[0] == value and not isinstance(self.attrs[0], bool))

    def __str__(self) -> str:
        from .printer import to_text

        return to_text(self)

    def __repr__(self) -> str:
        return f"Term({self})"

    # -- arithmetic sugar: builds folded terms (see dsl.build) --------------------------------
    def __add__(self, o: Any) -> Term:
        from . import build

        return build.add(self, o)

    def __radd__(self, o: Any) -> Term:
        from . import build

        return build.add(o, self)

    def __sub__(self, o: Any) -> Term:
        from . import build

        return build.sub(self, o)

    def __rsub__(self, o: Any) -> Term:
        from . import build

        return build.sub(o, self)

    def __mul__(self, o: Any) -> Term:
        from . import build

        return build.mul(self, o)

    def __rmul__(self, o: Any) -> Term:
        from . import build

        return build.mul(o, self)

    def __truediv__(self, o: Any) -> Term:
        from . import build

        return build.div(self, o)

    def __rtruediv__(self, o: Any) -> Term:
        from . import build

        return build.div(o, self)

    def __neg__(self) -> Term:
        from . import build

        return build.neg(self)


def const(value: Any) -> Term:
    """A constant. Python bools, ints and floats (including ±inf) are kept with their type."""
    if isinstance(value, bool):
        return Term.make(Op.CONST, (), (bool(value),))
    if isinstance(value, int):
        return Term.make(Op.CONST, (), (int(value),))
    if isinstance(value, float):
        if math.isnan(value):
            raise DslError("NaN is not modelled")
        return Term.make(Op.CONST, (), (float(value),))
    # numpy scalars
    try:
        import numpy as np

        if isinstance(value, np.bool_):
            return const(bool(value))
        if isinstance(value, np.integer):
            return const(int(value))
        if isinstance(value, np.floating):
            return const(float(value))
    except ImportError:  # pragma: no cover
        pass
    raise DslError(f"not a constant: {value!r}")


def sym(name: str, kind: str = "size") -> Term:
    if not IDENT.match(name) or VAR_NAME.match(name):
        raise DslError(f"symbol name {name!r} is reserved for index variables or is not an identifier")
    if kind not in ("size", "real", "int"):
        raise DslError(f"unknown symbol kind {kind!r}")
    return Term.make(Op.SYM, (), (name, kind))


def var(name: str) -> Term:
    if not VAR_NAME.match(name):
        raise DslError(f"index variable name {name!r} must be a lowercase letter and digits")
    return Term.make(Op.VAR, (), (name,))


def read(tensor: str, *indices: Any) -> Term:
    if not IDENT.match(tensor):
        raise DslError(f"bad tensor name {tensor!r}")
    return Term.make(Op.READ, tuple(as_term(i) for i in indices), (tensor,))


def undef(reason: str = "unwritten") -> Term:
    return Term.make(Op.UNDEF, (), (reason,))


OUTSIDE_MEMORY = "out-of-bounds read"  # the reason of every read outside a tensor (symex.memory)


def is_outside_memory(t: Term) -> bool:
    """A read outside every tensor: memory that may hold anything, NaN and infinities too."""
    return t.op is Op.UNDEF and t.attrs[0].startswith(OUTSIDE_MEMORY)


def as_term(x: Any) -> Term:
    if isinstance(x, ExactQuotient):
        return x.term
    return x if isinstance(x, Term) else const(x)


class ExactQuotient(float):
    """A Python float computed by a kernel from constants whose exact value is a rational the
    float only approximates: `1.0 / 6.0` in a kernel is 0.16666666666666666 to Python, and the
    real number 1/6 in the formula (the semantics is real arithmetic, as for `x / 6.0` on
    tiles). It behaves as that float everywhere in Python; exact arithmetic with other Python
    numbers stays exact (`exact_number`), and as a term it is `p / q`."""

    exact: Fraction

    def __new__(cls, q: Fraction) -> ExactQuotient:
        obj = super().__new__(cls, float(q))
        obj.exact = q
        return obj

    @property
    def term(self) -> Term:
        q = self.exact
        return Term.make(Op.DIV, (const(int(q.numerator)), const(int(q.denominator))))

    def _op(self, other: Any, f, swap: bool = False):
        o = _as_fraction(other)
        if o is None:
            return f(float(other), float(self)) if swap else f(float(self), other)
        try:
            return exact_number(f(o, self.exact) if swap else f(self.exact, o))
        except ZeroDivisionError:
            return f(float(other), float(self)) if swap else f(float(self), float(other))

    def __add__(self, o):
        return self._op(o, lambda a, b: a + b)

    def __radd__(self, o):
        return self._op(o, lambda a, b: a + b, swap=True)

    def __sub__(self, o):
        return self._op(o, lambda a, b: a - b)

    def __rsub__(self, o):
        return self._op(o, lambda a, b: a - b, swap=True)

    def __mul__(self, o):
        return self._op(o, lambda a, b: a * b)

    def __rmul__(self, o):
        return self._op(o, lambda a, b: a * b, swap=True)

    def __truediv__(self, o):
        return self._op(o, lambda a, b: a / b)

    def __rtruediv__(self, o):
        return self._op(o, lambda a, b: a / b, swap=True)

    def __neg__(self):
        return ExactQuotient(-self.exact)

    def __pos__(self):
        return self

    def __abs__(self):
        return ExactQuotient(abs(self.exact))

    def __reduce__(self):
        return (ExactQuotient, (self.exact,))


def _as_fraction(v: Any) -> Fraction | None:
    if isinstance(v, ExactQuotient):
        return v.exact
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return Fraction(v)


def exact_number(q: Fraction) -> float | int | ExactQuotient:
    """`q` as a Python float when the float is exact, else an ExactQuotient."""
    f = float(q)
    return f if Fraction(f) == q else ExactQuotient(q)


def exact_div(a: Any, b: Any) -> Any:
    """`a / b` on Python numbers (a kernel's constants): the exact quotient (module doc of
    ExactQuotient) when both are finite numbers, else Python's."""
    x, y = _as_fraction(a), _as_fraction(b)
    if x is None or y is None or y == 0:
        return a / b
    return exact_number(x / y)


def children(t: Term) -> tuple[Term, ...]:
    return t.args


def walk(t: Term, skip: Container[int] = ()):
    """Every distinct sub-term once, children before parents; `skip`: ids of sub-terms already
    handled (a caller's memo), which are not visited, nor anything reached only through them."""
    seen: set[int] = set()
    stack: list[tuple[Term, bool]] = [(t, False)]
    while stack:
        node, done = stack.pop()
        if done:
            yield node
            continue
        if id(node) in seen or id(node) in skip:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for a in reversed(node.args):
            if id(a) not in seen and id(a) not in skip:
                stack.append((a, False))


def size_of(t: Term) -> int:
    """Number of distinct nodes in the DAG."""
    return sum(1 for _ in walk(t))


def reads(t: Term) -> list[Term]:
    return [n for n in walk(t) if n.op is Op.READ]


def free_vars(t: Term, memo: dict[int, frozenset[str]] | None = None,
              ops: tuple[Op, ...] = (Op.VAR,)) -> frozenset[str]:
    """The names of the `ops` leaves (index variables; with Op.SYM also sizes) free in `t`.
    `memo`: by sub-term id, kept by a caller asking about many sub-terms of one term."""
    memo = {} if memo is None else memo
    for n in walk(t, memo):
        if n.op in ops:
            fv = frozenset({n.attrs[0]})
        elif n.op in BINDERS:
            lo, hi, body = n.args
            fv = memo[id(lo)] | memo[id(hi)] | (memo[id(body)] - {n.attrs[0]})
        else:
            fv = frozenset().union(*(memo[id(a)] for a in n.args)) if n.args else frozenset()
        memo[id(n)] = fv
    return memo[id(t)]
