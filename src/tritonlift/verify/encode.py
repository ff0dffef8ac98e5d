"""DSL terms with binders to z3, in the vocabulary of theory.py and reductions.py.

One `Encoder` per z3 context (one proof). Index variables are z3 integers (program ids, lanes);
size symbols and launch values come from the `SizeModel`; a tensor read `x[i, j]` is the
uninterpreted function `x : Int × Int → Real` (→ Int for integer tensors); math functions are the
uninterpreted `f_exp_1`, ... of theory.py, about which the solver knows only the axioms a query
asserts. Integer `//` and `%` have C semantics (truncation), as the DSL says.

A binder `op_{k∈[lo,hi)} body` becomes the `Reductions` function of its op (`sum`, `max`, `argmax`,
...) over the body: one `Reductions` per distinct body term, so two occurrences of the same
reduction (the kernel's, once masked tails are rewritten, and the formula's) are the same z3
function, and the lemmas proved for an uninterpreted body hold for it. `max` and `min` are over
the extended reals; a real context takes `val` of them. The body may mention program ids, lanes
and sizes (global constants of the query); a body that mentions an enclosing binder's variable
is a recursive function with those variables as extra parameters (`_param_binder`).
"""

from __future__ import annotations

import math
from fractions import Fraction

import z3

from ..dsl.term import BINDERS, UNARY_MATH, Op, Term, free_vars
from ..errors import Unsupported
from .reductions import Reductions
from .signs import Signs, euclidean
from .sizemodel import SizeModel
from .theory import Z3Theory

BITWISE = (Op.BAND, Op.BOR, Op.BXOR, Op.SHL, Op.SHR)
INT_DTYPES = ("int1", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


class Tagged(Reductions):
    """The library's reductions over one body, with names made unique by a tag (SMT-LIB has one
    namespace, and a query may hold reductions over several bodies)."""

    def __init__(self, T: Z3Theory, body, tag: str) -> None:
        self.tag = tag
        super().__init__(T, body=body)

    def _rec(self, name, params, result, build):
        return super()._rec(f"{name}{self.tag}", params, result, build)


class Encoder:
    def __init__(self, T: Z3Theory, model: SizeModel, dtypes: dict[str, str]) -> None:
        self.T = T
        self.model = model
        self.dtypes = dtypes
        self.vars: dict[str, z3.ArithRef] = {}
        self.reads: dict[tuple[str, int], z3.FuncDeclRef] = {}
        self.funs: dict[tuple[str, int], z3.FuncDeclRef] = {}
        self.reductions: dict[tuple[Term, str], Tagged] = {}
        self.param_reductions: dict[tuple, z3.FuncDeclRef] = {}
        self.used_ops: set[Op] = set()
        self._memo: dict[Term, z3.ExprRef] = {}  # keyed by the term: ids of dead terms get reused
        self.signs: Signs | None = None  # known signs: division without case splits (signs.py)

    # -- sorts -------------------------------------------------------------------------------------
    def var(self, name: str) -> z3.ArithRef:
        v = self.vars.get(name)
        if v is None:
            v = self.vars[name] = z3.Int(name, self.T.ctx)
        return v

    def real(self, t: Term, env: dict | None = None) -> z3.ArithRef:
        return self._as_real(self.enc(t, env))

    def int_(self, t: Term, env: dict | None = None) -> z3.ArithRef:
        e = self.enc(t, env)
        if z3.is_bool(e):
            return z3.If(e, z3.IntVal(1, self.T.ctx), z3.IntVal(0, self.T.ctx))
        if not z3.is_int(e):
            raise Unsupported(f"index arithmetic on a real value: {t}")
        return e

    def boolean(self, t: Term, env: dict | None = None) -> z3.BoolRef:
        e = self.enc(t, env)
        if z3.is_bool(e):
            return e
        return e != 0

    def _as_real(self, e: z3.ExprRef) -> z3.ArithRef:
        if z3.is_bool(e):
            return z3.If(e, z3.RealVal(1, self.T.ctx), z3.RealVal(0, self.T.ctx))
        if z3.is_int(e):
            return z3.ToReal(e)
        return e

    def _same(self, a: z3.ExprRef, b: z3.ExprRef) -> tuple[z3.ExprRef, z3.ExprRef]:
        if z3.is_int(a) and z3.is_int(b):
            return a, b
        if z3.is_bool(a) and z3.is_bool(b):
            return a, b
        return self._as_real(a), self._as_real(b)

    # -- terms -------------------------------------------------------------------------------------
    def enc(self, t: Term, env: dict | None = None) -> z3.ExprRef:
        if env:
            return self._enc(t, env, {})
        r = self._memo.get(t)
        if r is None:
            r = self._memo[t] = self._enc(t, {}, self._memo)
        return r

    def _enc(self, t: Term, env: dict, memo: dict) -> z3.ExprRef:
        r = memo.get(t)
        if r is None:
            r = memo[t] = self._node(t, env, memo)
        return r

    def _node(self, t: Term, env: dict, memo: dict) -> z3.ExprRef:
        ctx, op = self.T.ctx, t.op
        E = lambda a: self._enc(a, env, memo)  # noqa: E731
        if op is Op.CONST:
            v = t.value
            if isinstance(v, bool):
                return z3.BoolVal(v, ctx)
            if isinstance(v, int):
                return z3.IntVal(v, ctx)
            if math.isinf(v):
                raise Unsupported("an infinite value outside a masked reduction")
            f = Fraction(v)
            return z3.RealVal(f"{f.numerator}/{f.denominator}", ctx)
        if op is Op.VAR:
            return env[t.attrs[0]] if t.attrs[0] in env else self.var(t.attrs[0])
        if op is Op.SYM:
            name, kind = t.attrs
            s = self.model.syms.get(name)
            if s is not None:
                return s
            if kind == "real":
                raise Unsupported(f"real symbol {name} is not declared by the launch spec")
            raise Unsupported(f"size symbol {name} is not declared by the launch spec")
        if op is Op.READ:
            name, n = t.attrs[0], len(t.args)
            f = self.reads.get((name, n))
            if f is None:
                rng = self.T.Int if self.dtypes.get(name, "fp32") in INT_DTYPES else self.T.Real
                # prefixed: a tensor named `sin` or `exp` would shadow an SMT-LIB theory symbol
                f = self.reads[(name, n)] = z3.Function(f"T.{name}", *([self.T.Int] * n), rng)
            return f(*[self._idx(a, env, memo) for a in t.args])
        if op is Op.UNDEF:
            raise Unsupported("a value the kernel leaves unspecified")
        if op in BINDERS:
            return self._binder(t, env, memo)
        a = [E(x) for x in t.args]
        if op in (Op.ADD, Op.SUB, Op.MUL):
            x, y = self._same(*[self._num(v) for v in a])
            return x + y if op is Op.ADD else x - y if op is Op.SUB else x * y
        if op is Op.DIV:
            return self._as_real(a[0]) / self._as_real(a[1])
        if op in (Op.FLOORDIV, Op.MOD):
            if not (z3.is_int(a[0]) and z3.is_int(a[1])):
                raise Unsupported("// or % on reals")
            if euclidean(a[0], a[1], self.signs):  # no sign case split (signs.py)
                return a[0] / a[1] if op is Op.FLOORDIV else a[0] % a[1]
            q = c_div(a[0], a[1])
            return q if op is Op.FLOORDIV else a[0] - a[1] * q
        if op in BITWISE:
            return self._bitwise(op, a[0], a[1])
        if op is Op.NEG:
            return -self._num(a[0])
        if op is Op.POW:
            return self._pow(t, a)
        if op in (Op.MIN, Op.MAX):
            x, y = self._same(self._num(a[0]), self._num(a[1]))
            return z3.If(x <= y, x, y) if op is Op.MIN else z3.If(x >= y, x, y)
        if op in (Op.LT, Op.LE, Op.GT, Op.GE):
            x, y = self._same(self._num(a[0]), self._num(a[1]))
            return {Op.LT: x < y, Op.LE: x <= y, Op.GT: x > y, Op.GE: x >= y}[op]
        if op in (Op.EQ, Op.NE):
            x, y = self._same(a[0], a[1])
            return x == y if op is Op.EQ else x != y
        if op in (Op.AND, Op.OR):
            x, y = (v if z3.is_bool(v) else v != 0 for v in a)
            return z3.And(x, y) if op is Op.AND else z3.Or(x, y)
        if op is Op.NOT:
            return z3.Not(a[0] if z3.is_bool(a[0]) else a[0] != 0)
        if op is Op.WHERE:
            c = a[0] if z3.is_bool(a[0]) else a[0] != 0
            x, y = self._same(a[1], a[2])
            return z3.If(c, x, y)
        if op is Op.ABS:
            x = self._num(a[0])
            return z3.If(x >= 0, x, -x)
        if op is Op.FLOOR:
            return z3.ToInt(self._as_real(a[0])) if not z3.is_int(a[0]) else a[0]
        if op is Op.CEIL:
            return -z3.ToInt(-self._as_real(a[0])) if not z3.is_int(a[0]) else a[0]
        if op is Op.TRUNC:
            if z3.is_int(a[0]):
                return a[0]
            x = self._as_real(a[0])
            return z3.If(x >= 0, z3.ToInt(x), -z3.ToInt(-x))
        if op in UNARY_MATH:
            self.used_ops.add(op)
            return self.T.f(op)(self._as_real(a[0]))
        if op is Op.CALL:
            return self._fun(t.attrs[0], len(a))(*[self._as_real(x) for x in a])
        raise Unsupported(f"operation {op.name.lower()} is not modelled by the prover")

    def _bitwise(self, op: Op, x: z3.ExprRef, y: z3.ExprRef) -> z3.ExprRef:
        """Integer &, |, ^, <<, >> on unbounded two's-complement integers (wrap-around is not
        modelled, as everywhere in the prover). Exact where it is arithmetic: `x & (2^k − 1)` is
        `x mod 2^k` and `x >> k` is `floor(x / 2^k)` for every integer x (the arithmetic shift;
        a logical shift of an unsigned value, which is ≥ 0, is the same), `x << k` is `x·2^k`, for
        a constant k (0 ≤ k < 64). Otherwise an uninterpreted function of the operands: equal
        operands give equal results and nothing more is assumed (enough to prove that a kernel
        hands a counter-based generator such as Philox the inputs the formula states)."""
        x, y = self._num(x), self._num(y)
        if not (z3.is_int(x) and z3.is_int(y)):
            raise Unsupported(f"bitwise {op.name.lower()} on a real value")
        k = y.as_long() if z3.is_int_value(y) else None
        if op is Op.BAND:
            k = k if k is not None else (x.as_long() if z3.is_int_value(x) else None)
            other = y if z3.is_int_value(x) else x
            if k is not None and k >= 0 and (k + 1) & k == 0:
                return other % (k + 1) if k else z3.IntVal(0, self.T.ctx)
        elif op in (Op.SHL, Op.SHR) and k is not None and 0 <= k < 64:
            return x * (1 << k) if op is Op.SHL else x / (1 << k)
        f = self.funs.get((f"int_{op.name.lower()}", 2))
        if f is None:
            f = self.funs[(f"int_{op.name.lower()}", 2)] = z3.Function(f"int_{op.name.lower()}", self.T.Int,
                                                                     self.T.Int, self.T.Int)
        return f(x, y)

    def _num(self, e: z3.ExprRef) -> z3.ExprRef:
        if z3.is_bool(e):
            return z3.If(e, z3.IntVal(1, self.T.ctx), z3.IntVal(0, self.T.ctx))
        return e

    def _idx(self, t: Term, env: dict, memo: dict) -> z3.ArithRef:
        e = self._enc(t, env, memo)
        if z3.is_int(e):
            return e
        raise Unsupported(f"a tensor index that is not an integer: {t}")

    def _fun(self, name: str, arity: int) -> z3.FuncDeclRef:
        f = self.funs.get((name, arity))
        if f is None:
            f = self.funs[(name, arity)] = z3.Function(f"f_{name}_{arity}", *([self.T.Real] * (arity + 1)))
        return f

    def _pow(self, t: Term, a: list) -> z3.ArithRef:
        e = t.args[1]
        if e.op is Op.CONST and not isinstance(e.value, bool) and float(e.value).is_integer() and abs(e.value) <= 8:
            n = int(e.value)
            base = self._as_real(a[0])
            r = z3.RealVal(1, self.T.ctx)
            for _ in range(abs(n)):
                r = r * base
            return r if n >= 0 else 1 / r
        return self._fun("pow", 2)(self._as_real(a[0]), self._as_real(a[1]))

    def _binder(self, t: Term, env: dict, memo: dict) -> z3.ExprRef:
        op, v = t.op, t.attrs[0]
        lo, hi, body = t.args
        outer = sorted((free_vars(body) - {v}) & set(env))
        a, b = self._idx(lo, env, memo), self._idx(hi, env, memo)
        if outer:  # the enclosing binders' variables become parameters of the recursive function
            return self._param_binder(t, outer, env, a, b)
        R = self._reductions_over(body, v)
        if op is Op.SUM:
            return R.sum(a, b)
        if op is Op.PROD:
            return R.flat("prod")(a, b)
        if op is Op.MAXR:
            return self.T.val(R.max(a, b))
        if op is Op.MINR:
            return self.T.val(R.min(a, b))
        if op is Op.ARGMAX:
            return R.argmax(a, b)
        if op is Op.ARGMIN:
            return R.argmin(a, b)
        raise Unsupported(f"reduction {op.name.lower()} is not modelled by the prover yet")

    def _param_binder(self, t: Term, outer: list[str], env: dict, a: z3.ArithRef, b: z3.ArithRef) -> z3.ExprRef:
        """op_{v∈[a,b)} body(v, o₁, …) with o the enclosing binders' variables, as the recursive
        function F(lo, hi, o₁, …) = unit if hi ≤ lo else F(lo, hi − 1, o) ⊕ body(hi − 1, o): the
        definition of the reduction, one per (body, op), applied at the current o (an exact
        definition, like the parameterless case; no lemma is known about it beyond unfolding)."""
        op, v, body = t.op, t.attrs[0], t.args[2]
        if op not in (Op.SUM, Op.PROD, Op.MAXR, Op.MINR):
            raise Unsupported(f"reduction {op.name.lower()} over a body with an enclosing binder's variable ({t})")
        key = (t.op, body, v, tuple(outer))
        F = self.param_reductions.get(key)
        T = self.T
        if F is None:
            sort = T.XReal if op in (Op.MAXR, Op.MINR) else T.Real
            F = z3.RecFunction(f"red{len(self.param_reductions)}.{op.name.lower()}",
                               *([T.Int] * (2 + len(outer))), sort)
            lo, hi = z3.Int(f"{v}!lo", T.ctx), z3.Int(f"{v}!hi", T.ctx)
            ps = [z3.Int(f"{o}!p", T.ctx) for o in outer]
            k = hi - 1
            e = self._enc(body, {**dict(zip(outer, ps, strict=True)), v: k}, {})
            unit, join, lift = Reductions(T).monoid({Op.SUM: "sum", Op.PROD: "prod", Op.MAXR: "max",
                                                     Op.MINR: "min"}[op])
            x = lift(self._as_real(e))
            z3.RecAddDefinition(F, [lo, hi, *ps], z3.If(hi <= lo, unit, join(F(lo, hi - 1, *ps), x)))
            self.param_reductions[key] = F
        r = F(a, b, *[env[o] for o in outer])
        return T.val(r) if op in (Op.MAXR, Op.MINR) else r

    def _reductions_over(self, body: Term, v: str) -> Tagged:
        key = (body, v)
        R = self.reductions.get(key)
        if R is None:
            k = z3.Int(f"{v}!", self.T.ctx)
            bz = self._as_real(self._enc(body, {v: k}, {}))
            R = Tagged(self.T, lambda _R, kk: z3.substitute(bz, (k, kk)), f".{len(self.reductions)}")
            self.reductions[key] = R
        return R


def c_div(a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
    """Integer division truncating toward zero (C, Triton)."""
    q = z3.If(a >= 0, a, -a) / z3.If(b >= 0, b, -b)
    return z3.If((a >= 0) == (b >= 0), q, -q)
