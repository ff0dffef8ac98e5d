"""Every trusted assumption about math functions, in one table. `tritonlift assumptions` prints it.

The solver knows nothing about exp, sqrt, tanh, ...: each is an uninterpreted function (theory.py)
and all it may use are the facts below. An entry is either
- an **axiom**: a property of the real function that the solver cannot derive (exp(u)·exp(v) =
  exp(u+v)); a wrong axiom would make wrong kernels "prove", so each one is checked numerically
  against the real function on random points (tests/verify/test_axioms.py), or
- a **definition**: how the encoding spells an operation on extended reals (max with -inf). It
  is true of the encoding by construction (the test proves it from the z3 macros) and listed so a
  reader knows what the symbols mean.

Triggers are the patterns that make z3 instantiate a quantified entry. Trigger choice decides
whether a query proves in milliseconds or times out (notes section 3.2): exp_add fires on the
*product* exp(u)·exp(v); a trigger on exp(u+v) would match every subtraction. Entries are
asserted only when a verification condition needs them; VC generation may instead add ground
instances (`Axiom.instance`), which is what cvc5 needs (it ignores triggers containing + or *).

Not assumed, on purpose: exp2(x) = exp(x·ln 2). ln 2 is irrational, so the float literal
log2(e) = 1.4426950408889634 does not make exp2(x·log2 e) equal exp(x) over the reals; exp2 gets
its own family of axioms, and the simplifier (not the prover) treats that literal as 1/ln 2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import z3

from .theory import NumpyTheory, Z3Theory


@dataclass(frozen=True)
class Var:
    """A universally quantified variable: its sort and the range numeric checks sample from.
    XReal samples include -inf and +inf."""

    name: str
    sort: str = "Real"
    lo: float = -10.0
    hi: float = 10.0


@dataclass(frozen=True)
class Axiom:
    name: str
    statement: str  # as printed to users
    why: str  # the justification, one sentence
    vars: tuple[Var, ...]
    body: Callable  # (T, *vars) -> formula, in the vocabulary of theory.py
    triggers: Callable | None = None  # (T, *vars) -> tuple of multi-patterns (tuples of terms)
    trigger_text: str = ""
    kind: str = "axiom"  # "axiom" or "definition"

    def z3(self, T: Z3Theory) -> z3.BoolRef:
        """The entry as one z3 formula, quantified with its triggers."""
        if not self.vars:
            return self.body(T)
        vs = [T.var(v.name, v.sort) for v in self.vars]
        pats = []
        for mp in self.triggers(T, *vs) if self.triggers else ():
            pats.append(mp[0] if len(mp) == 1 else z3.MultiPattern(*mp))
        return z3.ForAll(vs, self.body(T, *vs), patterns=pats)

    def instance(self, T: Z3Theory, *args) -> z3.BoolRef:
        """A ground instance, for queries that should stay quantifier-free."""
        return self.body(T, *args)

    def numeric_failures(self, rng: np.random.Generator, n: int = 2000) -> list[dict]:
        """Sample points where the statement is false for the real functions (should be none)."""
        pts = {v.name: _sample(v, rng, n) for v in self.vars}
        with np.errstate(all="ignore"):
            ok = np.broadcast_to(np.asarray(self.body(NumpyTheory(), *pts.values()), dtype=bool), (n,))
        bad = np.flatnonzero(~ok)[:5]
        return [{k: float(p[i]) for k, p in pts.items()} for i in bad]


def _sample(v: Var, rng: np.random.Generator, n: int) -> np.ndarray:
    x = rng.uniform(v.lo, v.hi, n)
    special = [s for s in (0.0, 1.0, -1.0, 0.5) if v.lo <= s <= v.hi]
    x[: len(special)] = special
    if v.sort == "XReal":
        x[rng.random(n) < 0.15] = -np.inf
        x[rng.random(n) < 0.15] = np.inf
    return x


def _exp_family(e: str, log: str) -> tuple[Axiom, ...]:
    """The same four facts for exp/log and exp2/log2."""
    E = lambda T: getattr(T, e)  # noqa: E731
    L = lambda T: getattr(T, log)  # noqa: E731
    return (
        Axiom(f"{e}_pos", f"∀x. {e}(x) > 0", f"{e} maps ℝ into (0, ∞).",
              (Var("x"),), lambda T, x: E(T)(x) > 0,
              lambda T, x: ((E(T)(x),),), f"{e}(x)"),
        Axiom(f"{e}_zero", f"{e}(0) = 1", f"{e}(0) = 1 by definition.",
              (), lambda T: T.eq(E(T)(T.real(0)), T.real(1))),
        Axiom(f"{e}_add", f"∀u v. {e}(u)·{e}(v) = {e}(u + v)",
              f"The functional equation of {e}; the trigger is the product, since {e}(u+v) would match every difference.",
              (Var("u", lo=-20, hi=20), Var("v", lo=-20, hi=20)),
              lambda T, u, v: T.eq(E(T)(u) * E(T)(v), E(T)(u + v)),
              lambda T, u, v: ((E(T)(u) * E(T)(v),),), f"{e}(u)·{e}(v)"),
        Axiom(f"{e}_mono", f"∀u v. u < v → {e}(u) < {e}(v)",
              f"{e} is strictly increasing. Quadratically many instances: assert only when needed.",
              (Var("u"), Var("v")), lambda T, u, v: T.implies(u < v, E(T)(u) < E(T)(v)),
              lambda T, u, v: ((E(T)(u), E(T)(v)),), f"{{{e}(u), {e}(v)}}"),
        Axiom(f"{log}_{e}", f"∀x. {log}({e}(x)) = x", f"{log} is the inverse of {e} on ℝ.",
              (Var("x"),), lambda T, x: T.eq(L(T)(E(T)(x)), x),
              lambda T, x: ((L(T)(E(T)(x)),),), f"{log}({e}(x))"),
        Axiom(f"{e}_{log}", f"∀x. x > 0 → {e}({log}(x)) = x", f"{e} is the inverse of {log} on (0, ∞).",
              (Var("x", lo=-5, hi=100),), lambda T, x: T.implies(x > 0, T.eq(E(T)(L(T)(x)), x)),
              lambda T, x: ((E(T)(L(T)(x)),),), f"{e}({log}(x))"),
    )


def _xmax_def(T, a, r, s):
    return T.all(T.eq(T.xmax(a, T.NEG_INF), a), T.eq(T.xmax(T.NEG_INF, a), a),
                 T.eq(T.xmax(a, T.POS_INF), T.POS_INF), T.eq(T.xmax(T.POS_INF, a), T.POS_INF),
                 T.eq(T.xmax(T.fin(r), T.fin(s)), T.fin(T.ite(r >= s, r, s))))


def _xmin_def(T, a, r, s):
    return T.all(T.eq(T.xmin(a, T.POS_INF), a), T.eq(T.xmin(T.POS_INF, a), a),
                 T.eq(T.xmin(a, T.NEG_INF), T.NEG_INF), T.eq(T.xmin(T.NEG_INF, a), T.NEG_INF),
                 T.eq(T.xmin(T.fin(r), T.fin(s)), T.fin(T.ite(r <= s, r, s))))


def _lattice(T, a, b, c):
    mx, mn = T.xmax, T.xmin
    return T.all(T.eq(mx(a, b), mx(b, a)), T.eq(mx(mx(a, b), c), mx(a, mx(b, c))), T.eq(mx(a, a), a),
                 T.eq(mn(a, b), mn(b, a)), T.eq(mn(mn(a, b), c), mn(a, mn(b, c))), T.eq(mn(a, a), a),
                 T.eq(mn(a, mx(a, b)), a), T.eq(mx(a, mn(a, b)), a))


_X = (Var("a", "XReal"), Var("r"), Var("s"))

AXIOMS: tuple[Axiom, ...] = (
    *_exp_family("exp", "log"),
    *_exp_family("exp2", "log2"),
    Axiom("log1p_log", "∀x. x > −1 → log1p(x) = log(1 + x)", "log1p is log(1+x), computed accurately.",
          (Var("x", lo=-3, hi=10),), lambda T, x: T.implies(x > -1, T.eq(T.log1p(x), T.log(1 + x))),
          lambda T, x: ((T.log1p(x),),), "log1p(x)"),
    Axiom("sqrt_square", "∀x. x ≥ 0 → sqrt(x) ≥ 0 ∧ sqrt(x)·sqrt(x) = x",
          "The principal square root; sqrt of a negative number (NaN) is left unspecified.",
          (Var("x", lo=-5, hi=100),),
          lambda T, x: T.implies(x >= 0, T.all(T.sqrt(x) >= 0, T.eq(T.sqrt(x) * T.sqrt(x), x))),
          lambda T, x: ((T.sqrt(x),),), "sqrt(x)"),
    Axiom("rsqrt_sqrt", "∀x. x > 0 → rsqrt(x)·sqrt(x) = 1", "rsqrt(x) = 1/sqrt(x); rsqrt(0) = ∞ is not modelled.",
          (Var("x", lo=-5, hi=100),), lambda T, x: T.implies(x > 0, T.eq(T.rsqrt(x) * T.sqrt(x), T.real(1))),
          lambda T, x: ((T.rsqrt(x),),), "rsqrt(x)"),
    Axiom("tanh_exp", "∀x. tanh(x)·(exp(2x) + 1) = exp(2x) − 1", "The definition of tanh through exp.",
          (Var("x", lo=-15, hi=15),), lambda T, x: T.eq(T.tanh(x) * (T.exp(2 * x) + 1), T.exp(2 * x) - 1),
          lambda T, x: ((T.tanh(x),),), "tanh(x)"),
    Axiom("tanh_range", "∀x. −1 < tanh(x) < 1", "tanh maps ℝ into (−1, 1) (also follows from tanh_exp and exp_pos).",
          (Var("x", lo=-8, hi=8),), lambda T, x: T.all(-1 < T.tanh(x), T.tanh(x) < 1),
          lambda T, x: ((T.tanh(x),),), "tanh(x)"),
    Axiom("erf_range", "∀x. −1 < erf(x) < 1", "erf maps ℝ into (−1, 1).",
          (Var("x", lo=-5, hi=5),), lambda T, x: T.all(-1 < T.erf(x), T.erf(x) < 1),
          lambda T, x: ((T.erf(x),),), "erf(x)"),
    Axiom("erf_odd", "∀x. erf(−x) = −erf(x)", "erf is odd.",
          (Var("x", lo=-5, hi=5),), lambda T, x: T.eq(T.erf(-x), -T.erf(x)),
          lambda T, x: ((T.erf(-x),),), "erf(−x)"),
    Axiom("sigmoid_exp", "∀x. sigmoid(x)·(1 + exp(−x)) = 1", "sigmoid(x) = 1/(1 + exp(−x)); its range (0, 1) follows with exp_pos.",
          (Var("x", lo=-30, hi=30),), lambda T, x: T.eq(T.sigmoid(x) * (1 + T.exp(-x)), T.real(1)),
          lambda T, x: ((T.sigmoid(x),),), "sigmoid(x)"),
    Axiom("sin_cos_unit", "∀x. sin(x)² + cos(x)² = 1", "Pythagoras; bounds |sin|, |cos| ≤ 1 follow.",
          (Var("x", lo=-50, hi=50),), lambda T, x: T.eq(T.sin(x) * T.sin(x) + T.cos(x) * T.cos(x), T.real(1)),
          lambda T, x: ((T.sin(x),), (T.cos(x),)), "sin(x); cos(x)"),
    Axiom("max_ext", "∀a. max(a, −∞) = max(−∞, a) = a, max(a, +∞) = max(+∞, a) = +∞; "
          "on reals max(r, s) = r if r ≥ s else s",
          "max over the extended reals, with −∞ its identity (masked loads with other=−inf).",
          _X, _xmax_def, kind="definition"),
    Axiom("min_ext", "∀a. min(a, +∞) = min(+∞, a) = a, min(a, −∞) = min(−∞, a) = −∞; "
          "on reals min(r, s) = r if r ≤ s else s", "min over the extended reals, with +∞ its identity.",
          _X, _xmin_def, kind="definition"),
    Axiom("max_min_lattice", "max and min are commutative, associative, idempotent and absorb "
          "each other (min(a, max(a, b)) = a)", "A consequence of max_ext and min_ext, relied on when running maxima are regrouped.",
          (Var("a", "XReal"), Var("b", "XReal"), Var("c", "XReal")), _lattice, kind="definition"),
    Axiom("exp_neg_inf", "exp(−∞) = 0, and −∞ − r = −∞ for every real r",
          "exp(x) → 0 as x → −∞: a masked lane loaded as −inf adds 0 to Σ exp(x − m).",
          (Var("r"),), lambda T, r: T.all(T.eq(T.xexp(T.NEG_INF), T.real(0)),
                                           T.eq(T.xsub(T.NEG_INF, r), T.NEG_INF)), kind="definition"),
)

BY_NAME: dict[str, Axiom] = {a.name: a for a in AXIOMS}
