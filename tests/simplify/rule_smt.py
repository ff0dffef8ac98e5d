"""Rule patterns (simplify/rules.py syntax) as z3 formulas, for the soundness proofs.

A rule `lhs -> rhs when guards` is sound when, for all values of its pattern variables,
    guards ∧ defined(lhs)  →  defined(rhs) ∧ lhs = rhs
where defined(t) says every division in t has a non-zero divisor, every log/log2/rsqrt a positive
argument, every sqrt a non-negative one (the formula's meaning on the reals). z3 proves it when
the negation is unsat. Math functions are the verifier's uninterpreted functions, constrained by
the verifier's own axioms (verify/axioms.py); named functions are expanded by their definitions.
The operators are lowered by the table the prover and the equality decider use (smt/lower.py):
a rule is proved under the encoding it is applied under.

Pattern variables: a lower-case variable under binders is a function of the indices of those
binders, except of a binder `v` with the guard `free(x, v)`; upper-case ones are real constants.
Binder bounds that are variables are integers. Two modes:
- `Unrolled(L)`: every binder range is [0, L), unrolled: exact for that length;
- `Symbolic()`: a binder is a z3 RecFunction of its bounds (the range length is symbolic); used
  with an induction invariant (test_rules.py) to prove a rule for every length.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import z3

from tritonlift.dsl.named import expand_named
from tritonlift.dsl.printer import parse
from tritonlift.dsl.term import BINDERS, Op, Term
from tritonlift.smt.lower import Lowering
from tritonlift.verify.axioms import AXIOMS
from tritonlift.verify.theory import Z3Theory


def is_const_var(t: Term) -> bool:
    return t.op is Op.SYM and t.attrs[0][0].isupper()


def pat(text: str) -> Term:
    return expand_named(parse(text))


def binder_contexts(t: Term, stack: tuple[str, ...] = (), out: dict | None = None) -> dict[str, tuple[str, ...]]:
    """pattern variable -> names of the binders around any of its occurrences. A variable that
    occurs both inside and outside a binder over v still depends on v: outside, v is the index
    of some binder *around* the whole pattern (the named encoding allows shadowing), which the
    encoding models as a free integer `v_outer`. Only a `free(x, v)` guard removes v."""
    out = {} if out is None else out
    if t.op in (Op.VAR, Op.SYM) and not is_const_var(t):
        have = out.get(t.attrs[0], ())
        out[t.attrs[0]] = have + tuple(v for v in stack if v not in have)
    elif t.op in BINDERS:
        binder_contexts(t.args[0], stack, out)
        binder_contexts(t.args[1], stack, out)
        binder_contexts(t.args[2], (*stack, t.attrs[0]), out)
    else:
        for a in t.args:
            binder_contexts(a, stack, out)
    return out


def outer_env(T: Z3Theory, deps: dict[str, tuple[str, ...]]) -> dict[str, z3.ArithRef]:
    """Every binder name's value outside the pattern's own binders."""
    return {v: z3.Int(f"{v}_outer", T.ctx) for ds in deps.values() for v in ds}


def bound_names(t: Term, out: set | None = None) -> set[str]:
    """Pattern variables used as binder bounds (they are integers)."""
    out = set() if out is None else out
    if t.op in BINDERS:
        for b in t.args[:2]:
            if b.op in (Op.VAR, Op.SYM):
                out.add(b.attrs[0])
    for a in t.args:
        bound_names(a, out)
    return out


@dataclass
class Unrolled:
    length: int


@dataclass
class Symbolic:
    """recursive: sums are RecFunctions z3 may unfold (for induction base and step); otherwise
    uninterpreted functions of the bounds, plus the fact that an empty range sums to 0 (for the
    conclusion, which must not unfold: the invariant says all it needs)."""

    recursive: bool = True


class Encoder(Lowering):
    """Rule patterns over the one operator table the prover and the equality decider use
    (smt/lower.py): only leaves (pattern variables), binders and powers with a symbolic integer
    exponent are this module's; every partial operation's definedness is recorded in `defined`."""

    memoize = False  # definedness is recorded under the guard of each occurrence

    def __init__(self, T: Z3Theory, deps: dict[str, tuple[str, ...]], ints: dict[str, z3.ArithRef | int],
                 mode: Unrolled | Symbolic, defined: list | None = None, leaves: dict | None = None,
                 recs: dict | None = None, facts: list | None = None) -> None:
        super().__init__(T)
        self.deps = deps  # pattern var -> binder names it depends on
        self.ints = ints  # binder-bound pattern vars -> integer value
        self.mode = mode
        self.defined: list[z3.BoolRef] = [] if defined is None else defined
        self.leaves: dict[str, z3.ExprRef] = {} if leaves is None else leaves
        self.recs: dict[tuple, object] = {} if recs is None else recs
        self.facts: list[z3.BoolRef] = [] if facts is None else facts  # empty ranges of uninterpreted sums

    @property
    def top(self) -> dict[str, z3.ArithRef]:
        """The environment outside the pattern: every binder name at its outer value."""
        return outer_env(self.T, self.deps)

    def enc_top(self, t: Term, env: dict[str, z3.ArithRef]) -> z3.ExprRef:
        return self.enc(t, {**self.top, **env})

    # -- leaves ----------------------------------------------------------------------------
    def real_var(self, name: str) -> z3.ArithRef:
        f = self.leaves.get(name)
        if f is None:
            f = self.leaves[name] = z3.Real(name, self.T.ctx)
        return f

    def family(self, name: str, arity: int) -> z3.FuncDeclRef:
        key = f"{name}/{arity}"
        f = self.leaves.get(key)
        if f is None:
            f = self.leaves[key] = z3.Function(name, *([self.T.Int] * arity), self.T.Real)
        return f

    def var(self, name: str, env: dict[str, z3.ArithRef]) -> z3.ArithRef:
        if name in self.ints:
            v = self.ints[name]
            return z3.ToReal(v) if isinstance(v, z3.ArithRef) else self.T.real(v)
        ds = self.deps.get(name, ())
        if not ds:
            return self.real_var(name)
        return self.family(name, len(ds))(*[env[d] for d in ds])

    def integer(self, t: Term, env) -> z3.ArithRef | int:
        if t.op is Op.CONST:
            return int(t.value)
        if t.op in (Op.VAR, Op.SYM) and t.attrs[0] in self.ints:
            return self.ints[t.attrs[0]]
        raise ValueError(f"binder bound {t} must be a constant or a bound variable")

    # -- the hooks of smt/lower.py ---------------------------------------------------------
    def constant(self, v) -> z3.ExprRef:
        if isinstance(v, bool):
            return z3.BoolVal(v, self.T.ctx)
        f = Fraction(v)
        return self.T.real(f"{f.numerator}/{f.denominator}")

    def leaf(self, t: Term, env: dict) -> z3.ExprRef:
        if is_const_var(t):
            return self.real_var(t.attrs[0])
        if t.op in (Op.VAR, Op.SYM):
            return self.var(t.attrs[0], env)
        raise ValueError(f"cannot encode {t.op.name} in a rule")

    def partial(self, cond: z3.BoolRef, guard) -> None:
        self.defined.append(cond if guard is None else z3.Implies(guard, cond))

    def power(self, base: z3.ArithRef, e: Term, exponent, guard) -> z3.ArithRef:
        n = self.int_const(e)
        # integer powers by their recursive definition (rules guard a variable exponent with int(C))
        self.partial(z3.Or(n >= 0, base != 0), guard)
        return self.ipow()(base, n)

    def int_const(self, e: Term) -> z3.ArithRef:
        """An integer-valued constant expression (`C`, `C + 1`) as a z3 Int; `C` is tied to the
        real constant of the same name by the rule's `int(C)` guard."""
        if e.op is Op.CONST and float(e.value).is_integer():
            return self.T.int(int(e.value))
        if is_const_var(e):
            return z3.Int(f"{e.attrs[0]}_int", self.T.ctx)
        if e.op in (Op.ADD, Op.SUB):
            x, y = self.int_const(e.args[0]), self.int_const(e.args[1])
            return x + y if e.op is Op.ADD else x - y
        if e.op is Op.NEG:
            return -self.int_const(e.args[0])
        raise ValueError(f"exponent {e} must be an integer constant expression")

    def ipow(self) -> z3.FuncDeclRef:
        if ("ipow",) not in self.recs:  # shares the table of recursive functions
            T = self.T
            f = z3.RecFunction("ipow", T.Real, T.Int, T.Real)
            a, n = z3.Real("ipow.a", T.ctx), z3.Int("ipow.n", T.ctx)
            z3.RecAddDefinition(f, [a, n], z3.If(n == 0, T.real(1), z3.If(n > 0, f(a, n - 1) * a, f(a, n + 1) / a)))
            self.recs[("ipow",)] = f
        return self.recs[("ipow",)]

    def binder(self, t: Term, env, guard) -> z3.ArithRef:
        if t.op is not Op.SUM:
            raise ValueError("only sums appear in the rules")
        v = t.attrs[0]
        lo, hi = self.integer(t.args[0], env), self.integer(t.args[1], env)
        if isinstance(self.mode, Unrolled):
            acc = self.T.real(0)
            for k in range(int(lo), int(hi)):
                acc = acc + self.enc(t.args[2], {**env, v: self.T.int(k)}, guard)
            return acc
        f, conds, kk = self.rec_sum(t, env)
        lo, hi = _as_int(self.T, lo), _as_int(self.T, hi)
        for c in conds:  # the body is defined at every index of the range
            if z3.is_true(z3.simplify(z3.substitute(c, (kk, kk + 1)) == c)):  # independent of the index
                c = z3.Implies(lo < hi, c)
            else:
                c = z3.ForAll([kk], z3.Implies(z3.And(lo <= kk, kk < hi), c))
            self.defined.append(c if guard is None else z3.Implies(guard, c))
        if not self.mode.recursive:
            self.facts.append(z3.Implies(hi <= lo, f(lo, hi) == 0))
        return f(lo, hi)

    def rec_sum(self, t: Term, env):
        """Σ_{v ∈ [lo, hi)} body as a RecFunction of (lo, hi), with the body's definedness
        conditions at index kk. The body may depend on v and on variables outside every binder
        only (the rules' sums are closed), so one function serves every occurrence."""
        key = ("sum", t.attrs[0], t.args[2])  # one function per body, whatever the bounds
        if key in self.recs:
            return self.recs[key]
        if _outer_dependencies(t, self.deps):
            raise ValueError(f"{t} depends on an enclosing binder: prove it unrolled")
        T = self.T
        n = self.recs[("count",)] = self.recs.get(("count",), 0) + 1
        f = (z3.RecFunction if self.mode.recursive else z3.Function)(f"sum{n}", T.Int, T.Int, T.Real)
        lo, hi = z3.Int(f"{f.name()}.lo", T.ctx), z3.Int(f"{f.name()}.hi", T.ctx)
        kk = z3.Int(f"{f.name()}.k", T.ctx)
        inner = Encoder(T, self.deps, self.ints, self.mode, [], self.leaves, self.recs, self.facts)
        body = inner.enc(t.args[2], {t.attrs[0]: hi - 1})
        if self.mode.recursive:
            z3.RecAddDefinition(f, [lo, hi], z3.If(hi <= lo, T.real(0), f(lo, hi - 1) + body))
        conds = [z3.substitute(c, (hi, kk + 1)) for c in inner.defined]
        self.recs[key] = (f, conds, kk)
        return self.recs[key]


def _outer_dependencies(t: Term, deps: dict[str, tuple[str, ...]], bound: frozenset[str] = frozenset()) -> bool:
    """Does the binder term `t` use a pattern variable depending on a binder outside `t`?"""
    if t.op in BINDERS:
        inner = bound | {t.attrs[0]}
        return any(_outer_dependencies(a, deps, bound) for a in t.args[:2]) or \
            _outer_dependencies(t.args[2], deps, inner)
    if t.op in (Op.VAR, Op.SYM) and not is_const_var(t):
        return any(d not in bound for d in deps.get(t.attrs[0], ()))
    return any(_outer_dependencies(a, deps, bound) for a in t.args)


def _and(a, b):
    return b if a is None else z3.And(a, b)


def _as_int(T: Z3Theory, v):
    return v if isinstance(v, z3.ArithRef) else T.int(int(v))


def axioms(T: Z3Theory) -> list[z3.BoolRef]:
    """The verifier's axioms over the reals (the extended-real definitions are not needed)."""
    return [a.z3(T) for a in AXIOMS if all(v.sort == "Real" for v in a.vars) and not a.name.endswith("_mono")]


def relation(enc: Encoder, text: str, env) -> z3.BoolRef:
    """A side condition of rules.py as a z3 formula (free(...), small(...) and nondyadic(...) give
    True: the first is built into the encoding, the others only restrict when a rule applies)."""
    text = text.strip()
    name, _, rest = text.partition("(")
    args = [a.strip() for a in rest.rstrip(")").split(",")] if rest else []
    if name in ("free", "small", "nondyadic"):
        return z3.BoolVal(True, enc.T.ctx)
    if name == "int":
        if is_const_var(pat(args[0])):  # tied to the exponent of a power by name (int_const)
            n = z3.Int(f"{args[0]}_int", enc.T.ctx)
            return enc.real_var(args[0]) == z3.ToReal(n)
        n = z3.FreshInt("int", enc.T.ctx)
        return enc.enc(pat(args[0]), env) == z3.ToReal(n)
    if name in ("pos", "nonneg"):
        x = enc.enc(pat(args[0]), env)
        return x > 0 if name == "pos" else x >= 0
    if name == "nonempty":
        lo, hi = (enc.integer(pat(a), env) for a in args)
        return _as_int(enc.T, lo) < _as_int(enc.T, hi)
    return enc.enc(pat(text), env)
