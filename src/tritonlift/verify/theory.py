"""The vocabulary that axioms and lemmas are written in, with two interpretations.

An axiom's statement is one Python function of a theory `T` and its variables, written with
`T.exp(x)`, `T.xmax(a, b)`, `T.eq(a, b)`, `T.implies(h, c)`, ... and the ordinary arithmetic
operators. Evaluated with `Z3Theory` it is the z3 formula the solver trusts; evaluated with
`NumpyTheory` it is the same statement about the real functions (`dsl.evaluate`'s numpy table) on
sample points. One text for both is what lets a test catch an unsound axiom.

Symbols, shared with the ground-term encoder (`synth/smt_equal.py`): a math function `Op.EXP` is
the uninterpreted `f_exp_1 : Real -> Real` (never plain `exp`, which cvc5 reserves).

Extended reals (DESIGN section 3: -inf/+inf are the identities of max/min; NaN is not modelled)
are the datatype `XReal = xr.neginf | xr.posinf | xr.fin(xr.val: Real)`. max, min, "minus a
real" and exp on it are encoding *definitions* (z3 macros), listed among the assumptions because
they fix what the symbols mean. `exp(+inf)` is left unspecified.
"""

from __future__ import annotations

import functools

import numpy as np
import z3

from ..dsl.evaluate import UNARY
from ..dsl.term import UNARY_MATH, Op

# `T.exp`, `T.sqrt`, ... name the unary math ops of the DSL.
MATH_BY_NAME = {op.name.lower(): op for op in UNARY_MATH}


def fun_name(op: Op, arity: int = 1) -> str:
    """The SMT symbol of a math function: the naming `smt_equal.Encoder.fun` uses."""
    return f"f_{op.name.lower()}_{arity}"


class Z3Theory:
    """z3 symbols in one z3 context (a fresh one by default, so definitions never collide)."""

    def __init__(self, ctx: z3.Context | None = None) -> None:
        self.ctx = ctx or z3.Context()
        self.Real = z3.RealSort(self.ctx)
        self.Int = z3.IntSort(self.ctx)
        dt = z3.Datatype("XReal", self.ctx)
        dt.declare("xr.neginf")
        dt.declare("xr.posinf")
        dt.declare("xr.fin", ("xr.val", self.Real))
        self.XReal = dt.create()
        self.NEG_INF = self.XReal.constructor(0)()
        self.POS_INF = self.XReal.constructor(1)()
        self._funs: dict[Op, z3.FuncDeclRef] = {}

    # -- math functions ----------------------------------------------------------------------
    def f(self, op: Op) -> z3.FuncDeclRef:
        d = self._funs.get(op)
        if d is None:
            d = self._funs[op] = z3.Function(fun_name(op), self.Real, self.Real)
        return d

    def __getattr__(self, name: str):
        op = MATH_BY_NAME.get(name)
        if op is None:
            raise AttributeError(name)
        return self.f(op)

    # -- sorts, constants, logic -------------------------------------------------------------
    def var(self, name: str, sort: str = "Real") -> z3.ExprRef:
        return z3.Const(name, {"Real": self.Real, "Int": self.Int, "XReal": self.XReal}[sort])

    def real(self, v) -> z3.ArithRef:
        return z3.RealVal(v, self.ctx)

    def int(self, v: int) -> z3.ArithRef:
        return z3.IntVal(v, self.ctx)

    def eq(self, a, b) -> z3.BoolRef:
        return a == b

    def ite(self, c, a, b):
        return z3.If(c, a, b, self.ctx)

    def implies(self, h, c) -> z3.BoolRef:
        return z3.Implies(h, c, self.ctx)

    def all(self, *cs) -> z3.BoolRef:
        return z3.And(*cs) if cs else z3.BoolVal(True, self.ctx)

    # -- extended reals ----------------------------------------------------------------------
    def fin(self, r) -> z3.DatatypeRef:
        return self.XReal.constructor(2)(r)

    def val(self, a) -> z3.ArithRef:
        return self.XReal.accessor(2, 0)(a)

    def is_neginf(self, a) -> z3.BoolRef:
        return self.XReal.recognizer(0)(a)

    def is_posinf(self, a) -> z3.BoolRef:
        return self.XReal.recognizer(1)(a)

    def is_fin(self, a) -> z3.BoolRef:
        return self.XReal.recognizer(2)(a)

    def xmax(self, a, b):
        va, vb = self.val(a), self.val(b)
        return z3.If(self.is_neginf(a), b, z3.If(self.is_neginf(b), a, z3.If(
            z3.Or(self.is_posinf(a), self.is_posinf(b)), self.POS_INF, self.fin(z3.If(va >= vb, va, vb)))))

    def xmin(self, a, b):
        va, vb = self.val(a), self.val(b)
        return z3.If(self.is_posinf(a), b, z3.If(self.is_posinf(b), a, z3.If(
            z3.Or(self.is_neginf(a), self.is_neginf(b)), self.NEG_INF, self.fin(z3.If(va <= vb, va, vb)))))

    def xsub(self, a, r):
        """a - r for an extended a and a real r: infinities absorb the real."""
        return z3.If(self.is_fin(a), self.fin(self.val(a) - r), a)

    def xexp(self, a):
        """exp on extended reals: exp(-inf) = 0 (the limit); exp(+inf) is unspecified."""
        return z3.If(self.is_neginf(a), self.real(0), self.exp(self.val(a)))


class NumpyTheory:
    """The same vocabulary on float64 arrays: the real functions, with IEEE infinities standing
    for the extended reals. Equality is closeness (relative 1e-9), since float64 rounds."""

    NEG_INF = -np.inf
    POS_INF = np.inf

    def f(self, op: Op):
        return UNARY[op]

    def __getattr__(self, name: str):
        op = MATH_BY_NAME.get(name)
        if op is None:
            raise AttributeError(name)
        return UNARY[op]

    def real(self, v):
        return np.float64(v)

    def eq(self, a, b):
        return np.isclose(a, b, rtol=1e-9, atol=1e-12)

    def ite(self, c, a, b):
        return np.where(c, a, b)

    def implies(self, h, c):
        return np.logical_or(np.logical_not(h), c)

    def all(self, *cs):
        return functools.reduce(np.logical_and, cs, np.True_)

    def fin(self, r):
        return r

    def xmax(self, a, b):
        return np.maximum(a, b)

    def xmin(self, a, b):
        return np.minimum(a, b)

    def xsub(self, a, r):
        return a - r

    def xexp(self, a):
        return np.exp(a)
