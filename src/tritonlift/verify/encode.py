"""DSL terms with binders to z3, in the vocabulary of theory.py and reductions.py: the prover's
leaves and binders over the one operator table of smt/lower.py.

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
and sizes (global constants of the query) but not the variable of an enclosing binder.
"""

from __future__ import annotations

import z3

from ..dsl.term import Op, Term, free_vars
from ..errors import Unsupported
from ..smt.lower import Lowering, c_div
from .reductions import Reductions
from .sizemodel import SizeModel
from .theory import Z3Theory

INT_DTYPES = ("int1", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


class Tagged(Reductions):
    """The library's reductions over one body, with names made unique by a tag (SMT-LIB has one
    namespace, and a query may hold reductions over several bodies)."""

    def __init__(self, T: Z3Theory, body, tag: str) -> None:
        self.tag = tag
        super().__init__(T, body=body)

    def _rec(self, name, params, result, build):
        return super()._rec(f"{name}{self.tag}", params, result, build)


class Encoder(Lowering):
    """The prover's leaves and binders over the shared operator table (smt/lower.py)."""

    def __init__(self, T: Z3Theory, model: SizeModel, dtypes: dict[str, str]) -> None:
        super().__init__(T)
        self.model = model
        self.dtypes = dtypes
        self.vars: dict[str, z3.ArithRef] = {}
        self.reads: dict[tuple[str, int], z3.FuncDeclRef] = {}
        self.reductions: dict[tuple[Term, str], Tagged] = {}

    def var(self, name: str) -> z3.ArithRef:
        v = self.vars.get(name)
        if v is None:
            v = self.vars[name] = z3.Int(name, self.T.ctx)
        return v

    def leaf(self, t: Term, env: dict) -> z3.ExprRef:
        op = t.op
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
            return f(*[self._idx(a, env) for a in t.args])
        raise Unsupported("a value the kernel leaves unspecified")

    def _idx(self, t: Term, env: dict) -> z3.ArithRef:
        e = self.enc(t, env)
        if z3.is_int(e):
            return e
        raise Unsupported(f"a tensor index that is not an integer: {t}")

    def binder(self, t: Term, env: dict, guard) -> z3.ExprRef:
        op, v = t.op, t.attrs[0]
        lo, hi, body = t.args
        outer = (free_vars(body) - {v}) & set(env)
        if outer:
            raise Unsupported(f"a reduction whose body depends on an enclosing reduction's variable ({t})")
        R = self._reductions_over(body, v)
        a, b = self._idx(lo, env), self._idx(hi, env)
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

    def _reductions_over(self, body: Term, v: str) -> Tagged:
        key = (body, v)
        R = self.reductions.get(key)
        if R is None:
            k = z3.Int(f"{v}!", self.T.ctx)
            bz = self.as_real(self.enc(body, {v: k}))
            R = Tagged(self.T, lambda _R, kk: z3.substitute(bz, (k, kk)), f".{len(self.reductions)}")
            self.reductions[key] = R
        return R


__all__ = ["INT_DTYPES", "Encoder", "Tagged", "c_div"]
