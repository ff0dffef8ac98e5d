"""One decider for the equality of two ground terms, used by synthesis (the candidate against the
kernel's values), the simplifier's final gate, `check` (the user's formula against the kernel),
and the counterexample search (a model of the difference). Tiers, cheapest first; each says
"equal" only with a proof, so "not shown equal" is never "different":

1. identity, then the exact polynomial normal form (normal.py);
2. (`canon=True`) the canonical forms of canon.py: definitions of named functions and sigmoid,
   log(1 + exp(u)) in its overflow-free form (logsigmoid = min(x, 0) − log(1 + exp(−|x|))),
   the common exponential factor out of divisors and logs (max-shifted softmax = naive softmax),
   tanh through exp and the one-fraction form (tanh(y) = 2·σ(2y) − 1);
3. the solver: `a != b` lowered by smt/lower.py (reads and symbols real constants, math
   functions uninterpreted), with integer data in its declared range, and ground instances of
   the verifier's axioms for the math functions present (exp(u) > 0, exp2(u) > 0, σ(u) > 0,
   and sqrt_square: √u >= 0 and √u·√u = u for u >= 0) and the spec's positive reals
   (`eps > 0`); `unsat` proves equality. The query goes through the solver backend (verify/solver.py): a worker process
   with a hard deadline, a fixed seed, and `--dump-smt`.

Synthesis asks tiers 1 and 3 only (`canon=False`): it compares many candidates, and a kernel's
own values are in the form the candidate is built from.
"""

from __future__ import annotations

import atexit
import itertools
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..dsl.term import Op, Term, const, walk
from ..errors import Unsupported
from ..smt.lower import GroundLowering
from ..verify.query import Limits, Query, Status, dump
from .canon import Fractions, ShiftCanon, expand_definitions, expand_tanh, stable_softplus
from .normal import Normalizer

_POSITIVE = (Op.EXP, Op.EXP2, Op.SIGMOID)
_BACKEND = None
_COUNTER = itertools.count()


def shared_backend():
    """The process-wide z3 backend of the decider (one worker process, started on first use)."""
    global _BACKEND
    if _BACKEND is None:
        from ..verify.solver import Z3Backend

        _BACKEND = Z3Backend()
        atexit.register(_BACKEND.close)
    return _BACKEND


Ranges = dict[str, tuple[int, int]]


DEEP_RECURSION = 12000  # a retry for terms nested deeper than Python's default limit (a 257-wide checked size)


@dataclass
class Decider:
    norm: Normalizer = field(default_factory=Normalizer)
    canon: bool = True
    positive: frozenset[str] = frozenset()  # real symbols known > 0
    limits: Limits = field(default_factory=lambda: Limits(seconds=2.0))
    backend: object = None  # a verify.solver Backend; None: the shared z3 worker
    dump_smt: Path | None = None

    def __post_init__(self) -> None:
        self._shift = ShiftCanon(self.norm)
        self._fractions = Fractions(self.norm)

    # -- deciding ----------------------------------------------------------------------------------
    def equal(self, a: Term, b: Term, ranges: Ranges | None = None, solver: bool = True) -> bool:
        """True only when `a = b` is proved for every value of the reads and symbols (integer
        data in its declared range [lo, hi)). `solver=False`: the cheap tiers only. A term too
        deep for the recursive canonical forms is not shown equal (never a wrong "equal")."""
        try:
            return self._equal(a, b, ranges, solver)
        except RecursionError:
            pass
        import sys

        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, DEEP_RECURSION))
        try:
            return self._equal(a, b, ranges, solver)
        except RecursionError:
            return False
        finally:
            sys.setrecursionlimit(limit)

    def _equal(self, a: Term, b: Term, ranges: Ranges | None, solver: bool) -> bool:
        if ranges:
            a, b = pin_ranges(a, ranges), pin_ranges(b, ranges)
        if a is b:
            return True
        na, nb = self._normal(a), self._normal(b)
        if na is not None and na == nb:
            return True
        if not self.canon:
            return solver and self.solver_equal(self._term(a, na), self._term(b, nb), ranges)
        a, b = stable_softplus(expand_definitions(a)), stable_softplus(expand_definitions(b))
        ca, cb = self._shift(a), self._shift(b)
        pa, pb = self._normal(ca), self._normal(cb)
        if pa is not None and pa == pb:
            return True
        try:
            if self._fractions.equal(expand_tanh(a), expand_tanh(b)):
                return True
        except (ZeroDivisionError, OverflowError, ValueError, RecursionError):
            pass
        return solver and self.solver_equal(self._term(ca, pa), self._term(cb, pb), ranges)

    def solver_equal(self, a: Term, b: Term, ranges: Ranges | None = None) -> bool:
        q = self._query(a, b, ranges, frozenset())
        return q is not None and self._ask(q[0]).status is Status.UNSAT

    def model(self, a: Term, b: Term, ranges: Ranges | None = None,
              integral: frozenset[str] = frozenset()) -> dict[Term, float] | None:
        """Values (reads and symbols -> float) of a solver model of `a != b`, or None when unsat,
        unknown or not encodable. A candidate only: math functions are uninterpreted, so the
        model may need `exp` to take values `exp` never takes; validate it numerically."""
        q = self._query(a, b, ranges, integral)
        if q is None:
            return None
        ans = self._ask(q[0])
        if ans.status is not Status.SAT:
            return None
        out: dict[Term, float] = {}
        for name, text in ans.model:
            leaf = q[1].names.get(name)
            if leaf is None:
                continue
            try:
                out[leaf] = float(Fraction(text.strip().rstrip("?")))
            except (ValueError, ZeroDivisionError, OverflowError):
                continue  # not a number z3 printed exactly, or beyond float range
        return out

    # -- steps -------------------------------------------------------------------------------------
    def _normal(self, t: Term):
        try:
            return self.norm.poly(t)
        except (ZeroDivisionError, OverflowError, ValueError, RecursionError):
            return None

    def _term(self, t: Term, p) -> Term:
        return self.norm.term(t) if p is not None else t

    def _query(self, a: Term, b: Term, ranges: Ranges | None, integral: frozenset[str]):
        import z3

        low = GroundLowering()
        try:
            ea, eb = low.same(low.enc(a), low.enc(b))
            hyps = [ea != eb]
            for n in {*walk(a), *walk(b)}:
                if n.op in _POSITIVE or (n.op is Op.SYM and n.attrs[0] in self.positive):
                    hyps.append(low.real(n) > 0)
                elif n.op is Op.SQRT:  # verify/axioms.py's sqrt_square, at this argument
                    u, r = low.real(n.args[0]), low.real(n)
                    hyps.append(z3.Implies(u >= 0, z3.And(r >= 0, r * r == u)))
        except (Unsupported, RecursionError, z3.Z3Exception):
            return None
        for name, v in low.reads:
            if ranges and name in ranges:
                lo, hi = ranges[name]
                hyps += [v >= lo, v < hi, z3.IsInt(v)]
            elif name in integral:
                hyps.append(z3.IsInt(v))
        return Query.from_z3(f"equal-{next(_COUNTER)}", hyps, self.limits), low

    def _ask(self, q: Query):
        if self.dump_smt is not None:
            dump(q, self.dump_smt)
        return (self.backend or shared_backend()).check(q)


def pin_ranges(t: Term, ranges: Ranges) -> Term:
    """Reads of int data declared to lie in [lo, lo + 1) are the constant lo (as in symex)."""
    single = {n: lo for n, (lo, hi) in ranges.items() if hi - lo == 1}
    if not single:
        return t
    from .canon import rewrite

    return rewrite(t, lambda r: const(single[r.attrs[0]]) if r.op is Op.READ and r.attrs[0] in single else None)
