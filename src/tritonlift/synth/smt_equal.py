"""Deciding equality of two ground terms with z3 when their normal forms differ.

Reads and real symbols are real constants; `max`, `min`, `where` are if-then-else (so argmax
chains nested in different orders are compared exactly); math functions and uninterpreted calls
are uninterpreted functions (equal arguments give equal results, nothing more). `unsat` of
`a != b` is a proof of equality; `sat`, `unknown` or a construct we cannot encode is "not shown
equal". Every query has a timeout and a fixed seed. `smt_model` returns the values of a `sat`
answer: a candidate input only, since the uninterpreted functions may take values no real
function takes (callers validate it numerically).
"""

from __future__ import annotations

import math

import z3

from ..dsl.term import BINDERS, Op, Term


class _Unencodable(Exception):
    pass


class Encoder:
    def __init__(self) -> None:
        self.memo: dict[int, z3.ExprRef] = {}
        self.funs: dict[tuple[str, int], z3.FuncDeclRef] = {}
        self.reads: list[tuple[str, z3.ArithRef]] = []
        self.leaves: dict[Term, z3.ArithRef] = {}  # reads and symbols, for reading back a model

    def fun(self, name: str, arity: int) -> z3.FuncDeclRef:
        key = (name, arity)
        f = self.funs.get(key)
        if f is None:
            f = z3.Function(f"f_{name}_{arity}", *([z3.RealSort()] * (arity + 1)))
            self.funs[key] = f
        return f

    def real(self, t: Term) -> z3.ArithRef:
        e = self.enc(t)
        if z3.is_bool(e):
            return z3.If(e, z3.RealVal(1), z3.RealVal(0))
        return e

    def boolean(self, t: Term) -> z3.BoolRef:
        e = self.enc(t)
        if z3.is_bool(e):
            return e
        return e != 0

    def enc(self, t: Term) -> z3.ExprRef:
        k = id(t)
        if k in self.memo:
            return self.memo[k]
        r = self._enc(t)
        self.memo[k] = r
        return r

    def _enc(self, t: Term) -> z3.ExprRef:
        op = t.op
        if op is Op.CONST:
            v = t.value
            if isinstance(v, bool):
                return z3.BoolVal(v)
            if isinstance(v, float) and math.isinf(v):
                raise _Unencodable("infinity")
            if isinstance(v, int):
                return z3.RealVal(v)
            n, d = float(v).as_integer_ratio()
            return z3.RealVal(f"{n}/{d}")
        if op in (Op.READ, Op.SYM, Op.VAR, Op.UNDEF):
            from ..dsl.printer import to_text

            if op is Op.UNDEF:
                raise _Unencodable("undefined value")
            v = z3.Real(to_text(t))
            self.leaves[t] = v
            if op is Op.READ:
                self.reads.append((t.attrs[0], v))
            return v
        a = [x for x in t.args]
        if op is Op.ADD:
            return self.real(a[0]) + self.real(a[1])
        if op is Op.SUB:
            return self.real(a[0]) - self.real(a[1])
        if op is Op.MUL:
            return self.real(a[0]) * self.real(a[1])
        if op is Op.DIV:
            return self.real(a[0]) / self.real(a[1])
        if op is Op.NEG:
            return -self.real(a[0])
        if op is Op.POW:
            e = a[1]
            if e.op is Op.CONST and isinstance(e.value, int) and not isinstance(e.value, bool) and 0 <= e.value <= 8:
                base = self.real(a[0])
                r = z3.RealVal(1)
                for _ in range(e.value):
                    r = r * base
                return r
            return self.fun("pow", 2)(self.real(a[0]), self.real(a[1]))
        if op in (Op.MAX, Op.MIN):
            x, y = self.real(a[0]), self.real(a[1])
            return z3.If(x >= y, x, y) if op is Op.MAX else z3.If(x <= y, x, y)
        if op is Op.WHERE:
            c = self.boolean(a[0])
            x, y = self.enc(a[1]), self.enc(a[2])
            if z3.is_bool(x) != z3.is_bool(y):
                x, y = self.real(a[1]), self.real(a[2])
            return z3.If(c, x, y)
        if op in (Op.LT, Op.LE, Op.GT, Op.GE):
            x, y = self.real(a[0]), self.real(a[1])
            return {Op.LT: x < y, Op.LE: x <= y, Op.GT: x > y, Op.GE: x >= y}[op]
        if op in (Op.EQ, Op.NE):
            x, y = self.enc(a[0]), self.enc(a[1])
            if z3.is_bool(x) != z3.is_bool(y):
                x, y = self.real(a[0]), self.real(a[1])
            return x == y if op is Op.EQ else x != y
        if op is Op.AND:
            return z3.And(self.boolean(a[0]), self.boolean(a[1]))
        if op is Op.OR:
            return z3.Or(self.boolean(a[0]), self.boolean(a[1]))
        if op is Op.NOT:
            return z3.Not(self.boolean(a[0]))
        if op is Op.ABS:
            x = self.real(a[0])
            return z3.If(x >= 0, x, -x)
        if op in BINDERS:
            raise _Unencodable("binder in a ground term")
        name = t.attrs[0] if op is Op.CALL else op.name.lower()
        return self.fun(name, len(a))(*[self.real(x) for x in a])


def _distinguish(a: Term, b: Term, timeout_ms: int, ranges: dict[str, tuple[int, int]] | None,
                 integral: frozenset[str] = frozenset()) -> tuple[z3.Solver, Encoder] | None:
    """A solver holding `a != b` (integer data in its declared range [lo, hi), reads of the
    tensors in `integral` integers), or None when a construct cannot be encoded."""
    enc = Encoder()
    try:
        ea, eb = enc.enc(a), enc.enc(b)
        if z3.is_bool(ea) != z3.is_bool(eb):
            ea, eb = enc.real(a), enc.real(b)
    except _Unencodable:
        return None
    s = z3.Solver()
    s.set("timeout", timeout_ms)
    s.set("random_seed", 0)
    s.add(ea != eb)
    for name, (lo, hi) in (ranges or {}).items():
        for key, v in enc.reads:
            if key == name:
                s.add(v >= lo, v < hi, z3.IsInt(v))
    for key, v in enc.reads:
        if key in integral:
            s.add(z3.IsInt(v))
    return s, enc


def smt_equal(a: Term, b: Term, timeout_ms: int = 2000, ranges: dict[str, tuple[int, int]] | None = None) -> bool:
    """True only when z3 proves `a = b` for every value of the reads and symbols (integer data
    in its declared range [lo, hi))."""
    q = _distinguish(a, b, timeout_ms, ranges)
    return q is not None and q[0].check() == z3.unsat


def smt_model(a: Term, b: Term, timeout_ms: int = 2000, ranges: dict[str, tuple[int, int]] | None = None,
              integral: frozenset[str] = frozenset()) -> dict[Term, float] | None:
    """Values (reads and symbols -> float) of a z3 model of `a != b`, or None when unsat, unknown
    or not encodable. A candidate only: math functions are uninterpreted, so the model may need
    `exp` to take values `exp` never takes; validate it numerically before showing it."""
    q = _distinguish(a, b, timeout_ms, ranges, integral)
    if q is None or q[0].check() != z3.sat:
        return None
    model, enc = q[0].model(), q[1]
    out: dict[Term, float] = {}
    for leaf, v in enc.leaves.items():
        val = model.eval(v, model_completion=True)
        try:
            if z3.is_rational_value(val):
                out[leaf] = val.numerator_as_long() / val.denominator_as_long()
            elif z3.is_algebraic_value(val):
                out[leaf] = float(val.approx(20).as_fraction())
        except OverflowError:  # a value beyond float range: leave the leaf to the caller
            continue
    return out
