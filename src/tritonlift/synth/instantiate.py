"""Instantiate a formula at concrete sizes and indices: substitute, and unroll every binder over
its (now concrete) range into the ground term the kernel would have to produce.

Unrolling semantics (shared with the verifier): Σ and Π fold left from their identity, max/min
fold left from the first element, argmax/argmin keep the first index reaching the extreme (ties
go to the smaller index, as `tl.argmax` with tie_break_left).
"""

from __future__ import annotations

from typing import Any

from ..dsl import build
from ..dsl.term import BINDERS, Op, Term, as_term, const


class NotGround(Exception):
    """A binder bound or an index did not evaluate to an integer."""


def instantiate(t: Term, env: dict[str, Any], max_unroll: int = 100_000) -> Term:
    """`t` with VARs and SYMs replaced from `env` (name -> number or Term), binders unrolled,
    and constants folded."""
    memo: dict[int, Term] = {}
    return _inst(t, env, memo, max_unroll)


def _int(t: Term) -> int:
    if t.op is not Op.CONST or isinstance(t.value, bool) or not float(t.value).is_integer():
        raise NotGround(f"binder bound {t} is not an integer")
    return int(t.value)


def _inst(t: Term, env: dict[str, Any], memo: dict[int, Term], limit: int) -> Term:
    key = id(t)
    if key in memo:
        return memo[key]
    op = t.op
    if op in (Op.VAR, Op.SYM):
        r = as_term(env[t.attrs[0]]) if t.attrs[0] in env else t
    elif not t.args:
        r = t
    elif op in BINDERS:
        lo, hi = _int(_inst(t.args[0], env, memo, limit)), _int(_inst(t.args[1], env, memo, limit))
        if hi - lo > limit:
            raise NotGround(f"binder range of {hi - lo} is too large to unroll")
        v = t.attrs[0]
        bodies = [_inst(t.args[2], {**env, v: k}, {}, limit) for k in range(lo, hi)]
        r = unroll(op, bodies, lo)
    elif op is Op.READ:
        r = Term.make(Op.READ, tuple(_inst(a, env, memo, limit) for a in t.args), t.attrs)
    elif op is Op.CALL:
        r = build.call(t.attrs[0], *(_inst(a, env, memo, limit) for a in t.args))
    elif op is Op.UNDEF:
        r = t
    else:
        r = build.apply(op, *(_inst(a, env, memo, limit) for a in t.args))
    memo[key] = r
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
