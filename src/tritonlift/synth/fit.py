"""Generalise folded element terms across output indices and sizes.

The folded terms of many elements (several sizes) are anti-unified into one template; every
hole (an integer in an index or a binder bound, or a numeric literal that varies) is fitted as
an affine function of the output index variables and the size symbols, preferring the fewest
features. Nothing here knows any kernel: the features are the launch's own size symbols.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

from ..dsl import build
from ..dsl.term import Op, Term, const, sym, var
from .fold import AntiUnifyFail, _solve, substitute

MAX_FEATURES = 3


@dataclass(frozen=True)
class Sample:
    """One output element: its folded term, its index and the sizes it was executed at."""

    term: Term
    index: tuple[int, ...]
    sizes: dict[str, int]


def anti_unify_numbers(terms: list[Term]) -> tuple[Term, list[list]]:
    """Like fold.anti_unify, but any differing numeric constants become holes."""
    holes: list[list] = []

    def go(ts: tuple[Term, ...]) -> Term:
        first = ts[0]
        if all(t is first for t in ts):
            return first
        if all(_number(t) is not None for t in ts):
            holes.append([_number(t) for t in ts])
            return var(f"y{len(holes) - 1}")
        if any(t.op is not first.op or t.attrs != first.attrs or len(t.args) != len(first.args) for t in ts):
            raise AntiUnifyFail
        args = tuple(go(tuple(t.args[i] for t in ts)) for i in range(len(first.args)))
        return Term.make(first.op, args, first.attrs)

    return go(tuple(terms)), holes


def _number(t: Term):
    """A numeric constant's value; an exact quotient of two constants (1.0 / 3, kept exact by the
    executor) counts as the rational it denotes."""
    if t.op is Op.CONST and not isinstance(t.value, bool):
        return t.value
    if t.op is Op.DIV and all(a.op is Op.CONST and not isinstance(a.value, bool) for a in t.args):
        num, den = (a.value for a in t.args)
        if den != 0 and all(isinstance(v, int) or float(v).is_integer() for v in (num, den)):
            return Fraction(int(num), int(den))
    return None


def fit_affine(values: list, features: dict[str, list[int]], integral: bool,
               index_vars: tuple[str, ...] = ()) -> Term | None:
    """An affine term in the named features reproducing `values` exactly, or None."""
    names = list(features)
    vals = [Fraction(v) for v in values]
    for size in range(0, min(MAX_FEATURES, len(names)) + 1):
        best: tuple[Fraction, list[Fraction], tuple[str, ...]] | None = None
        for subset in combinations(names, size):
            rows = [[Fraction(features[f][r]) for f in subset] + [Fraction(1)] for r in range(len(vals))]
            sol = _solve(rows, vals, len(subset) + 1)
            if sol is None:
                continue
            if integral and any(c.denominator != 1 for c in sol):
                continue
            # among fits with as many features, the smallest coefficients (N, not 9 - 3*M)
            cost = sum(abs(c) for c in sol)
            if best is None or cost < best[0]:
                best = (cost, sol, subset)
        if best is not None:
            return _term(best[1], best[2], any(isinstance(v, (float, Fraction)) for v in values), index_vars)
    if integral:
        return _fit_floordiv(vals, features, index_vars)
    return None


def _fit_floordiv(vals: list[Fraction], features: dict[str, list[int]], index_vars: tuple[str, ...]) -> Term | None:
    """An integer hole with rational coefficients (`g + D/2`): (integer affine) // d, exact on
    every sample (which the exact check of the candidate then confirms everywhere checked)."""
    names = list(features)
    for size in range(1, min(MAX_FEATURES, len(names)) + 1):
        for subset in combinations(names, size):
            rows = [[Fraction(features[f][r]) for f in subset] + [Fraction(1)] for r in range(len(vals))]
            sol = _solve(rows, vals, len(subset) + 1)
            if sol is None:
                continue
            den = 1
            for c in sol:
                den = den * c.denominator // _gcd(den, c.denominator)
            if den > 8:
                continue
            # integer-coefficient features stay outside: floor(g + D/2) = g + D // 2
            whole = [c if c.denominator == 1 else Fraction(0) for c in sol[:-1]]
            frac = [(c if c.denominator != 1 else Fraction(0)) * den for c in sol[:-1]]
            c0 = sol[-1]
            frac_c0 = (c0 - (c0.numerator // c0.denominator)) * den
            whole_c0 = Fraction(c0.numerator // c0.denominator)
            part = build.floordiv(_term([*frac, frac_c0], subset, False, index_vars), const(den))
            rest = _term([*whole, whole_c0], subset, False, index_vars)
            return build.add(rest, part)
    return None


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


def _num(c: Fraction, as_float: bool) -> Term:
    if as_float:
        return const(float(c))
    if c.denominator == 1:
        return const(int(c))
    return build.div(const(c.numerator), const(c.denominator))


def _term(sol: list[Fraction], subset: tuple[str, ...], as_float: bool, index_vars: tuple[str, ...]) -> Term:
    acc: Term | None = None
    for c, f in zip(sol, subset, strict=False):
        if c == 0:
            continue
        ft = var(f) if f in index_vars else sym(f)
        part = ft if c == 1 else build.neg(ft) if c == -1 else build.mul(_num(c, False), ft)
        acc = part if acc is None else build.add(acc, part)
    c0 = sol[-1]
    if acc is None:
        return _num(c0, as_float)
    if c0 == 0:
        return acc
    return build.sub(acc, _num(-c0, as_float)) if c0 < 0 else build.add(acc, _num(c0, as_float))


def generalise(samples: list[Sample], index_vars: tuple[str, ...], size_names: list[str]) -> Term | None:
    """One body term for all samples, or None when they do not share a template or a hole has
    no affine fit."""
    try:
        tpl, holes = anti_unify_numbers([s.term for s in samples])
    except AntiUnifyFail:
        return None
    features: dict[str, list[int]] = {}
    for d, v in enumerate(index_vars):
        features[v] = [s.index[d] for s in samples]
    for n in size_names:
        features[n] = [s.sizes[n] for s in samples]
    features = {k: v for k, v in features.items() if len(set(v)) > 1}
    env: dict[str, Term] = {}
    for h, vals in enumerate(holes):
        # integer coefficients only: a rational line through two float literals is overfitting;
        # a literal the host computed as 1/n is tried next
        t = fit_affine(vals, features, True, index_vars)
        if t is None and not all(isinstance(v, int) and not isinstance(v, Fraction) for v in vals):
            t = _fit_reciprocal(vals, features, index_vars)
        if t is None:
            return None
        env[f"y{h}"] = t
    return substitute(tpl, env)


def _fit_reciprocal(values: list, features: dict[str, list[int]], index_vars: tuple[str, ...]) -> Term | None:
    """A float literal the host computed as 1/n (`1.0 / n_rows`): 1/value affine in the features.
    The fit is approximate; the exact check of the whole candidate decides."""
    recips = []
    for v in values:
        if v == 0:
            return None
        if isinstance(v, Fraction):
            r = 1 / v
            if r.denominator != 1:
                return None
            recips.append(int(r))
            continue
        r = 1.0 / float(v)
        if abs(r - round(r)) > 1e-9 * max(1.0, abs(r)):
            return None
        recips.append(int(round(r)))
    t = fit_affine(recips, features, True, index_vars)
    return None if t is None else build.div(const(1.0), t)
