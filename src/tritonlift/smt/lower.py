"""One Term -> z3 lowering, shared by every client of the solver.

The operator table is written once here; the clients differ only in what a leaf is and what a
binder is, and say so by overriding two hooks:

- the prover (verify/encode.py): index variables are z3 integers, a read `x[i, j]` is an
  uninterpreted function of its indices, a binder is the `Reductions` function of its body;
- ground-term equality (equal/decide.py, for synthesis, simplification and `check`): reads and
  symbols are real constants, binders do not occur (terms are instantiated first), and an
  operator the table does not model becomes an uninterpreted function of its name
  (`strict=False`): equal arguments give equal results, nothing more;
- the soundness proofs of the simplifier's rules (tests/simplify/rule_smt.py): pattern variables
  are reals or functions of the binder indices around them, binders are unrolled or recursive
  functions, and every partial operation records when it is defined (`partial`).

Semantics, the same for all: integers are z3 Int, reals z3 Real, an integer next to a real is
promoted; `/` is real division; `//` and `%` truncate toward zero (C, Triton); math functions are
the uninterpreted `f_exp_1`, ... of verify/theory.py, about which the solver knows only the
axioms a query asserts; an uninterpreted call `f(a, b)` is `f_f_2`; `a ** n` for an integer
constant |n| <= 8 is a product (defined when a != 0 for n < 0), any other power the uninterpreted
`f_pow_2` unless the client says otherwise (`power`).
"""

from __future__ import annotations

import math
from fractions import Fraction

import z3

from ..dsl.term import BINDERS, UNARY_MATH, Op, Term
from ..errors import Unsupported
from ..verify.theory import Z3Theory

# the argument a partial math function needs (the formula's meaning on the reals)
POSITIVE_ARG = frozenset({Op.LOG, Op.LOG2, Op.RSQRT})
COMPARE = {Op.LT: lambda x, y: x < y, Op.LE: lambda x, y: x <= y, Op.GT: lambda x, y: x > y,
           Op.GE: lambda x, y: x >= y}
MAX_UNROLLED_POWER = 8
# operators lowered exactly by the table below (the rest: binders by the client, or uninterpreted)
MODELLED = frozenset({
    Op.CONST, Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.FLOORDIV, Op.MOD, Op.NEG, Op.POW, Op.MIN, Op.MAX,
    Op.LT, Op.LE, Op.GT, Op.GE, Op.EQ, Op.NE, Op.AND, Op.OR, Op.NOT, Op.WHERE, Op.ABS, Op.FLOOR,
    Op.CEIL, Op.TRUNC, Op.CALL,
}) | UNARY_MATH


class Lowering:
    """Term -> z3 in the theory `T`. Subclasses override `leaf` (VAR, SYM, READ, UNDEF) and
    `binder`; `partial` receives the definedness condition of every partial operation (ignored
    unless a client records it); `power` lowers a power the table does not unroll.

    strict: an operator the table does not model raises `Unsupported` (the prover, the rules);
    otherwise it is an uninterpreted function of its arguments (ground-term equality)."""

    strict = True
    memoize = True  # off for clients whose partial() records conditions under a guard

    def __init__(self, T: Z3Theory) -> None:
        self.T = T
        self.funs: dict[tuple[str, int], z3.FuncDeclRef] = {}
        self.used_ops: set[Op] = set()
        self._memo: dict[Term, z3.ExprRef] = {}  # keyed by the term: ids of dead terms get reused

    # -- entry points ----------------------------------------------------------------------------
    def enc(self, t: Term, env: dict | None = None, guard: z3.BoolRef | None = None) -> z3.ExprRef:
        """`t` under the binder environment `env` (index name -> z3 Int); `guard`: the condition
        under which this sub-term is evaluated (definedness is recorded under it)."""
        if not self.memoize:
            return self._lower(t, dict(env or {}), guard, None)
        return self._lower(t, dict(env) if env else {}, guard, {} if env else self._memo)

    def real(self, t: Term, env: dict | None = None) -> z3.ArithRef:
        return self.as_real(self.enc(t, env))

    def boolean(self, t: Term, env: dict | None = None) -> z3.BoolRef:
        return self.as_bool(self.enc(t, env))

    def int_(self, t: Term, env: dict | None = None) -> z3.ArithRef:
        e = self.enc(t, env)
        if z3.is_bool(e):
            return z3.If(e, z3.IntVal(1, self.T.ctx), z3.IntVal(0, self.T.ctx))
        if not z3.is_int(e):
            raise Unsupported(f"index arithmetic on a real value: {t}")
        return e

    # -- sorts -----------------------------------------------------------------------------------
    def as_real(self, e: z3.ExprRef) -> z3.ArithRef:
        if z3.is_bool(e):
            return z3.If(e, z3.RealVal(1, self.T.ctx), z3.RealVal(0, self.T.ctx))
        if z3.is_int(e):
            return z3.ToReal(e)
        return e

    def as_bool(self, e: z3.ExprRef) -> z3.BoolRef:
        return e if z3.is_bool(e) else e != 0

    def num(self, e: z3.ExprRef) -> z3.ExprRef:
        if z3.is_bool(e):
            return z3.If(e, z3.IntVal(1, self.T.ctx), z3.IntVal(0, self.T.ctx))
        return e

    def same(self, a: z3.ExprRef, b: z3.ExprRef) -> tuple[z3.ExprRef, z3.ExprRef]:
        """Both integers, both Booleans, or both reals."""
        if (z3.is_int(a) and z3.is_int(b)) or (z3.is_bool(a) and z3.is_bool(b)):
            return a, b
        return self.as_real(a), self.as_real(b)

    def fun(self, name: str, arity: int) -> z3.FuncDeclRef:
        """The uninterpreted `f_name_arity : Real^arity -> Real` (theory.py's naming)."""
        f = self.funs.get((name, arity))
        if f is None:
            f = self.funs[(name, arity)] = z3.Function(f"f_{name}_{arity}", *([self.T.Real] * (arity + 1)))
        return f

    # -- hooks -----------------------------------------------------------------------------------
    def leaf(self, t: Term, env: dict) -> z3.ExprRef:
        raise Unsupported(f"{t.op.name.lower()} {t} is not modelled here")

    def binder(self, t: Term, env: dict, guard) -> z3.ExprRef:
        raise Unsupported(f"reduction {t.op.name.lower()} is not modelled here")

    def partial(self, cond: z3.BoolRef, guard) -> None:
        """`cond` must hold for the term to be defined (a divisor, a log's argument, ...)."""

    def power(self, base: z3.ArithRef, e: Term, exponent: z3.ExprRef, guard) -> z3.ArithRef:
        return self.fun("pow", 2)(base, self.as_real(exponent))

    def constant(self, v) -> z3.ExprRef:
        ctx = self.T.ctx
        if isinstance(v, bool):
            return z3.BoolVal(v, ctx)
        if isinstance(v, int):
            return z3.IntVal(v, ctx)
        if math.isinf(v) or math.isnan(v):
            raise Unsupported("an infinite value outside a masked reduction")
        f = Fraction(v)
        return z3.RealVal(f"{f.numerator}/{f.denominator}", ctx)

    # -- the table -------------------------------------------------------------------------------
    def _lower(self, t: Term, env: dict, guard, memo: dict | None) -> z3.ExprRef:
        if memo is not None:
            r = memo.get(t)
            if r is None:
                r = memo[t] = self._node(t, env, guard, memo)
            return r
        return self._node(t, env, guard, memo)

    def _node(self, t: Term, env: dict, guard, memo: dict | None) -> z3.ExprRef:
        op = t.op
        if op is Op.CONST:
            return self.constant(t.value)
        if op in (Op.VAR, Op.SYM, Op.READ, Op.UNDEF):
            return self.leaf(t, env)
        if op in BINDERS:
            return self.binder(t, env, guard)

        def E(x: Term, g=guard) -> z3.ExprRef:
            return self._lower(x, env, g, memo)

        if op is Op.WHERE:
            c = self.as_bool(E(t.args[0]))
            x, y = self.same(E(t.args[1], _and(guard, c)), E(t.args[2], _and(guard, z3.Not(c))))
            return z3.If(c, x, y)
        a = [E(x) for x in t.args]
        if op in (Op.ADD, Op.SUB, Op.MUL):
            x, y = self.same(self.num(a[0]), self.num(a[1]))
            return x + y if op is Op.ADD else x - y if op is Op.SUB else x * y
        if op is Op.DIV:
            d = self.as_real(a[1])
            self.partial(d != 0, guard)
            return self.as_real(a[0]) / d
        if op in (Op.FLOORDIV, Op.MOD):
            if z3.is_int(a[0]) and z3.is_int(a[1]):
                self.partial(a[1] != 0, guard)
                q = c_div(a[0], a[1])
                return q if op is Op.FLOORDIV else a[0] - a[1] * q
            if self.strict:
                raise Unsupported("// or % on reals")
            return self.fun(op.name.lower(), 2)(self.as_real(a[0]), self.as_real(a[1]))
        if op is Op.NEG:
            return -self.num(a[0])
        if op is Op.POW:
            return self._pow(t, a, guard)
        if op in (Op.MIN, Op.MAX):
            x, y = self.same(self.num(a[0]), self.num(a[1]))
            return z3.If(x <= y, x, y) if op is Op.MIN else z3.If(x >= y, x, y)
        if op in COMPARE:
            x, y = self.same(self.num(a[0]), self.num(a[1]))
            return COMPARE[op](x, y)
        if op in (Op.EQ, Op.NE):
            x, y = self.same(a[0], a[1])
            return x == y if op is Op.EQ else x != y
        if op in (Op.AND, Op.OR):
            x, y = self.as_bool(a[0]), self.as_bool(a[1])
            return z3.And(x, y) if op is Op.AND else z3.Or(x, y)
        if op is Op.NOT:
            return z3.Not(self.as_bool(a[0]))
        if op is Op.ABS:
            x = self.num(a[0])
            return z3.If(x >= 0, x, -x)
        if op is Op.FLOOR:
            return z3.ToInt(self.as_real(a[0])) if not z3.is_int(a[0]) else a[0]
        if op is Op.CEIL:
            return -z3.ToInt(-self.as_real(a[0])) if not z3.is_int(a[0]) else a[0]
        if op is Op.TRUNC:
            if z3.is_int(a[0]):
                return a[0]
            x = self.as_real(a[0])
            return z3.If(x >= 0, z3.ToInt(x), -z3.ToInt(-x))
        if op in UNARY_MATH:
            x = self.as_real(a[0])
            if op in POSITIVE_ARG:
                self.partial(x > 0, guard)
            elif op is Op.SQRT:
                self.partial(x >= 0, guard)
            elif op is Op.LOG1P:
                self.partial(x > -1, guard)
            self.used_ops.add(op)
            return self.T.f(op)(x)
        if op is Op.CALL:
            return self.fun(t.attrs[0], len(a))(*[self.as_real(x) for x in a])
        if self.strict:
            raise Unsupported(f"operation {op.name.lower()} is not modelled by the prover")
        return self.fun(op.name.lower(), len(a))(*[self.as_real(x) for x in a])

    def _pow(self, t: Term, a: list, guard) -> z3.ArithRef:
        e = t.args[1]
        if e.op is Op.CONST and not isinstance(e.value, bool) and float(e.value).is_integer() \
                and abs(e.value) <= MAX_UNROLLED_POWER:
            n = int(e.value)
            base = self.as_real(a[0])
            r = z3.RealVal(1, self.T.ctx)
            for _ in range(abs(n)):
                r = r * base
            if n >= 0:
                return r
            self.partial(base != 0, guard)
            return 1 / r
        return self.power(self.as_real(a[0]), e, a[1], guard)


def _and(a, b):
    return b if a is None else z3.And(a, b)


def c_div(a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
    """Integer division truncating toward zero (C, Triton)."""
    q = z3.If(a >= 0, a, -a) / z3.If(b >= 0, b, -b)
    return z3.If((a >= 0) == (b >= 0), q, -q)


class GroundLowering(Lowering):
    """Ground terms (no binders, no index variables): a read or symbol is a real constant named by
    its text; an operator the table does not model is an uninterpreted function (strict=False)."""

    strict = False

    def __init__(self, T: Z3Theory | None = None) -> None:
        super().__init__(T or Z3Theory())
        self.leaves: dict[Term, z3.ArithRef] = {}  # reads and symbols, for reading back a model
        self.reads: list[tuple[str, z3.ArithRef]] = []
        self.names: dict[str, Term] = {}

    def leaf(self, t: Term, env: dict) -> z3.ExprRef:
        if t.op is Op.UNDEF:
            raise Unsupported("an unspecified value")
        v = self.leaves.get(t)
        if v is None:
            from ..dsl.printer import to_text

            # numbered (unique) and without `-` or `!`, which mark z3's auxiliary symbols in a model
            name = f"{len(self.leaves)}:{to_text(t).replace('-', '~')}"
            v = self.leaves[t] = z3.Real(name, self.T.ctx)
            self.names[name] = t
            if t.op is Op.READ:
                self.reads.append((t.attrs[0], v))
        return v

    def binder(self, t: Term, env: dict, guard) -> z3.ExprRef:
        raise Unsupported("a reduction in a ground term")
