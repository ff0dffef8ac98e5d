"""Instantiate a formula at concrete sizes and indices: substitute, and unroll every binder over
its (now concrete) range into the ground term the kernel would have to produce.

Unrolling semantics (shared with the verifier): Σ and Π fold left from their identity, max/min
fold left from the first element, argmax/argmin keep the first index reaching the extreme (ties
go to the smaller index, as `tl.argmax` with tie_break_left).
"""

from __future__ import annotations

from typing import Any

from ..dsl import build
from ..dsl.term import BINDERS, Op, Term, as_term, const, free_vars


class NotGround(Exception):
    """A binder bound or an index did not evaluate to an integer."""


def instantiate(t: Term, env: dict[str, Any], max_unroll: int = 100_000,
                cache: Instantiator | None = None) -> Term:
    """`t` with VARs and SYMs replaced from `env` (name -> number or Term), binders unrolled,
    and constants folded. `cache`: an Instantiator shared by calls on the same terms (elements of
    one formula), so a sub-term is unrolled once per value of the variables free in it."""
    return (cache or Instantiator(max_unroll)).run(t, env)


def _int(t: Term) -> int:
    if t.op is not Op.CONST or isinstance(t.value, bool) or not float(t.value).is_integer():
        raise NotGround(f"binder bound {t} is not an integer")
    return int(t.value)


def _value_key(v: Any) -> Any:
    return ("t", id(v)) if isinstance(v, Term) else ("n", type(v).__name__, v)


class Instantiator:
    """Instantiation memoised on (sub-term, values of the names free in it): a reduction nested
    in another binder's body that does not use that binder's variable (the row max inside
    Σ_l exp(x[i, l] − max_k x[i, k])) is unrolled once, not once per l."""

    def __init__(self, max_unroll: int = 100_000) -> None:
        self.limit = max_unroll
        self.free: dict[int, frozenset[str]] = {}  # free_vars' memo: index variables and sizes
        self.memo: dict[tuple[Any, ...], Term] = {}
        self.keep: list[Any] = []  # the keys' terms and values stay alive, so their ids stay unique

    def run(self, t: Term, env: dict[str, Any]) -> Term:
        self.keep.append((t, tuple(env.values())))
        return self._inst(t, env)

    def _inst(self, t: Term, env: dict[str, Any]) -> Term:
        if not t.args:
            if t.op in (Op.VAR, Op.SYM) and t.attrs[0] in env:
                return as_term(env[t.attrs[0]])
            return t
        names = free_vars(t, self.free, (Op.VAR, Op.SYM))
        key = (id(t), frozenset((n, _value_key(env[n])) for n in names if n in env))
        got = self.memo.get(key)
        if got is not None:
            return got
        op = t.op
        if op in BINDERS:
            lo, hi = _int(self._inst(t.args[0], env)), _int(self._inst(t.args[1], env))
            if hi - lo > self.limit:
                raise NotGround(f"binder range of {hi - lo} is too large to unroll")
            v = t.attrs[0]
            r = unroll(op, [self._inst(t.args[2], {**env, v: k}) for k in range(lo, hi)], lo)
        elif op is Op.READ:
            r = Term.make(Op.READ, tuple(self._inst(a, env) for a in t.args), t.attrs)
        elif op is Op.CALL:
            r = build.call(t.attrs[0], *(self._inst(a, env) for a in t.args))
        elif op is Op.UNDEF:
            r = t
        else:
            r = build.apply(op, *(self._inst(a, env) for a in t.args))
        self.memo[key] = r
        return r


def unroll(op: Op, bodies: list[Term], lo: int) -> Term:
    if op is Op.SUM:
        acc: Term = const(0)
        for b in bodies:
            acc = build.add(acc, b)
        return acc
    if op is Op.PROD:
        acc = const(1)
        for b in bodies:
            acc = build.mul(acc, b)
        return acc
    if not bodies:
        return const({Op.MAXR: float("-inf"), Op.MINR: float("inf")}.get(op, lo))
    if op in (Op.MAXR, Op.MINR):
        acc = bodies[0]
        for b in bodies[1:]:
            acc = build.maximum(acc, b) if op is Op.MAXR else build.minimum(acc, b)
        return acc
    # argmax / argmin: running (value, index), strict improvement moves the index
    best, idx = bodies[0], const(lo)
    cmp = Op.GT if op is Op.ARGMAX else Op.LT
    for k, b in enumerate(bodies[1:], start=lo + 1):
        better = build.compare(cmp, b, best)
        idx = build.where(better, const(k), idx)
        best = build.maximum(best, b) if op is Op.ARGMAX else build.minimum(best, b)
    return idx
