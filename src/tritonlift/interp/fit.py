"""Integer expressions of size symbols that reproduce values observed at several sizes.

`Fitter(symbols, samples)` holds the sample points (one dict of size values each); `fit(values)`
returns the cheapest expression in the launch-spec language (docs/launch-spec.md: `+ - * // %`,
`cdiv`, `next_power_of_2`, `ceil_sqrt`, `isqrt`, `min`, `max`) whose value at every sample is the
observed one, or None. Expressions are searched by observational equivalence: every candidate is a
vector of its values at the samples (numpy), duplicates keep their cheapest form.

- level 0: constants, the symbols, products of symbols, and *references* (`add_ref`): quantities
  fitted earlier (a block size, a grid) usable by name, so that `cdiv(M, BLOCK)` is found as one
  step once `BLOCK = next_power_of_2(ceil_sqrt(M))` is known;
- affine forms `a * t + b` of any candidate;
- level 1: unary functions of level 0, binary operations between level-0 terms and with
  constants (powers of two, small integers);
- caps `min(c, t)` / `max(c, t)` with `c` the largest / smallest observed value;
- level 2 (searched, not stored): unary functions of level 1, binary operations of level 1 with
  level 0 and with constants.

Pure Python and numpy; no torch (the core could use it).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# Values beyond this magnitude are dropped from the pools (int64 headroom for products).
_BIG = 1 << 40
CONSTANTS = tuple(sorted({*range(1, 9), *(1 << k for k in range(3, 18)), 3 * 1024}))


@dataclass(frozen=True)
class Expr:
    """An integer expression: `op` is const | sym | ref | a function name | + - * // %."""

    op: str
    args: tuple[Expr, ...] = ()
    value: int | str = 0
    cost: float = 1.0

    # -- rendering ------------------------------------------------------------------------------
    def prec(self) -> int:
        if self.op in ("+", "-"):
            return 1
        if self.op in ("*", "//", "%"):
            return 2
        if self.op == "const" and int(self.value) < 0:
            return 1
        return 3

    def text(self, name: Callable[[str], str] = str) -> str:
        """The expression in launch-spec syntax; `name` renders references."""
        if self.op == "const":
            return str(self.value)
        if self.op == "sym":
            return str(self.value)
        if self.op == "ref":
            return name(str(self.value))
        if self.op in ("+", "-", "*", "//", "%"):
            a, b = self.args
            ta, tb = a.text(name), b.text(name)
            p = self.prec()
            if a.prec() < p:
                ta = f"({ta})"
            if b.prec() < p or (b.prec() == p and self.op != "+" and not (self.op == "*" and b.op == "*")):
                tb = f"({tb})"
            return f"{ta} {self.op} {tb}"
        return f"{self.op}({', '.join(a.text(name) for a in self.args)})"

    def refs(self) -> set[str]:
        out = {str(self.value)} if self.op == "ref" else set()
        for a in self.args:
            out |= a.refs()
        return out

    def symbols(self) -> set[str]:
        out = {str(self.value)} if self.op == "sym" else set()
        for a in self.args:
            out |= a.symbols()
        return out

    @property
    def is_atomic(self) -> bool:
        """A constant, a symbol or a reference: not worth naming."""
        return self.op in ("const", "sym", "ref")

    def __str__(self) -> str:
        return self.text()


def const(v: int) -> Expr:
    return Expr("const", value=int(v), cost=1.0 if abs(v) < 10 else 1.3)


def sym(name: str) -> Expr:
    return Expr("sym", value=name, cost=1.0)


def ref(name: str) -> Expr:
    return Expr("ref", value=name, cost=1.0)


def call(fn: str, *args: Expr, extra: float = 1.5) -> Expr:
    return Expr(fn, tuple(args), cost=extra + sum(a.cost for a in args))


def binop(op: str, a: Expr, b: Expr) -> Expr:
    if op == "*" and a.op == "const" and b.op != "const":
        a, b = b, a
    return Expr(op, (a, b), cost=1.0 + a.cost + b.cost)


# -- vectorised operations ---------------------------------------------------------------------


def _npo2(v: np.ndarray) -> np.ndarray:
    out = np.ones_like(v)
    pos = v > 1
    out[pos] = np.left_shift(1, np.ceil(np.log2(v[pos].astype(np.float64))).astype(np.int64))
    # float rounding near exact powers: fix up exactly
    vv = v[pos]
    o = out[pos]
    o = np.where(o // 2 >= vv, o // 2, o)
    o = np.where(o < vv, o * 2, o)
    out[pos] = o
    return out


def _isqrt(v: np.ndarray) -> np.ndarray:
    r = np.floor(np.sqrt(np.maximum(v, 0).astype(np.float64))).astype(np.int64)
    r = np.where(r * r > v, r - 1, r)
    r = np.where((r + 1) * (r + 1) <= v, r + 1, r)
    return r


def _ceil_sqrt(v: np.ndarray) -> np.ndarray:
    r = _isqrt(v)
    return np.where(r * r == v, r, r + 1)


UNARY: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "next_power_of_2": _npo2,
    "ceil_sqrt": _ceil_sqrt,
    "isqrt": _isqrt,
}


def _binary(op: str, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(values, valid) of `a op b` with broadcasting; division by non-positive numbers is invalid."""
    with np.errstate(all="ignore"):
        if op == "*":
            return a * b, (np.abs(a) < _BIG) & (np.abs(b) < _BIG)
        if op == "+":
            return a + b, np.ones(np.broadcast(a, b).shape, dtype=bool)
        if op == "-":
            return a - b, np.ones(np.broadcast(a, b).shape, dtype=bool)
        if op == "min":
            return np.minimum(a, b), np.ones(np.broadcast(a, b).shape, dtype=bool)
        if op == "max":
            return np.maximum(a, b), np.ones(np.broadcast(a, b).shape, dtype=bool)
        ok = b > 0
        safe = np.where(ok, b, 1)
        if op == "cdiv":
            return -((-a) // safe), ok
        if op == "//":
            return a // safe, ok
        if op == "%":
            return a % safe, ok
    raise ValueError(op)


_BIN_TERMS = ("*", "cdiv", "//", "min", "max", "+", "-")
_CONST_OPS = ("cdiv", "//", "min", "max", "*", "%")
_L2_ATOM_OPS = ("cdiv", "//", "*", "min", "max")


def _make(op: str, a: Expr, b: Expr) -> Expr:
    if op in ("cdiv", "min", "max"):
        return call(op, a, b, extra=1.0)
    return binop(op, a, b)


class _Pool:
    """Candidate terms with their value vectors, cheapest term per distinct vector."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.terms: list[Expr] = []
        self.rows: list[np.ndarray] = []

    def add(self, term: Expr, vals: np.ndarray) -> None:
        if vals.shape != (self.n,) or np.any(np.abs(vals) >= _BIG):
            return
        self.terms.append(term)
        self.rows.append(vals.astype(np.int64))

    def freeze(self) -> tuple[list[Expr], np.ndarray]:
        if not self.rows:
            return [], np.zeros((0, self.n), dtype=np.int64)
        order = sorted(range(len(self.terms)), key=lambda i: self.terms[i].cost)
        arr = np.stack([self.rows[i] for i in order])
        _, first = np.unique(arr, axis=0, return_index=True)
        first = np.sort(first)
        return [self.terms[order[i]] for i in first], arr[first]


class Fitter:
    """Fits observed integer vectors (one value per sample) with expressions of size symbols."""

    def __init__(self, symbols: Sequence[str], samples: Sequence[dict[str, int]]) -> None:
        self.symbols = list(symbols)
        self.samples = [dict(s) for s in samples]
        self.n = len(self.samples)
        self._refs: list[tuple[Expr, np.ndarray]] = []
        self._level0: tuple[list[Expr], np.ndarray] | None = None
        self._level1: tuple[list[Expr], np.ndarray] | None = None

    # -- pools --------------------------------------------------------------------------------
    def vector(self, values: Sequence[int]) -> np.ndarray:
        return np.array([int(v) for v in values], dtype=np.int64)

    def add_ref(self, name: str, values: Sequence[int], cost: float = 1.0) -> None:
        """Make a fitted quantity available to later fits under `name`."""
        self._refs.append((Expr("ref", value=name, cost=cost), self.vector(values)))
        self._level0 = self._level1 = None

    def level0(self) -> tuple[list[Expr], np.ndarray]:
        if self._level0 is None:
            pool = _Pool(self.n)
            for s in self.symbols:
                pool.add(sym(s), self.vector([smp[s] for smp in self.samples]))
            for r in range(2, len(self.symbols) + 1):
                for combo in itertools.combinations(self.symbols, r):
                    term = sym(combo[0])
                    for s in combo[1:]:
                        term = binop("*", term, sym(s))
                    pool.add(term, self.vector([math.prod(smp[s] for s in combo) for smp in self.samples]))
            for term, vals in self._refs:
                pool.add(term, vals)
            self._level0 = pool.freeze()
        return self._level0

    def level1(self) -> tuple[list[Expr], np.ndarray]:
        """Level 0, unary functions of it, and binary operations between level-0 terms and with
        constants, vectorised; the cheapest term per distinct vector."""
        if self._level1 is None:
            terms0, arr0 = self.level0()
            n_a = len(terms0)
            costs0 = np.array([t.cost for t in terms0], dtype=np.float64)
            consts = np.array(CONSTANTS, dtype=np.int64)
            const_cost = np.array([const(int(c)).cost for c in consts])
            blocks: list[tuple[np.ndarray, np.ndarray, Any]] = []  # (rows, costs, builder of row k)

            def block(vals: np.ndarray, ok: np.ndarray, costs: np.ndarray, build: Any) -> None:
                ok = np.broadcast_to(ok, vals.shape).reshape(-1, self.n)
                vals = vals.reshape(-1, self.n)
                good = ok.all(axis=1) & (np.abs(vals) < _BIG).all(axis=1)
                idx = np.nonzero(good)[0]
                if len(idx):
                    blocks.append((vals[idx], costs.reshape(-1)[idx], lambda k, idx=idx: build(int(idx[k]))))

            block(arr0, np.ones_like(arr0, dtype=bool), costs0, lambda k: terms0[k])
            for fn, f in UNARY.items():
                block(f(arr0), np.ones_like(arr0, dtype=bool), costs0 + 1.5, lambda k, fn=fn: call(fn, terms0[k]))
            ii, jj = np.meshgrid(np.arange(n_a), np.arange(n_a), indexing="ij")
            pair_cost = 1.0 + costs0[:, None] + costs0[None, :]
            for op in _BIN_TERMS:
                vals, ok = _binary(op, arr0[:, None, :], arr0[None, :, :])
                keep = np.ones((n_a, n_a), dtype=bool)
                if op in ("*", "+", "min", "max"):
                    keep &= jj >= ii  # commutative
                if op in ("min", "max", "-", "//", "cdiv"):
                    keep &= ii != jj
                ok = ok & keep[:, :, None]
                block(vals, ok, pair_cost, lambda k, op=op: _make(op, terms0[k // n_a], terms0[k % n_a]))
            n_c = len(consts)
            cc = 1.0 + costs0[:, None] + const_cost[None, :]
            for op in _CONST_OPS:
                vals, ok = _binary(op, arr0[:, None, :], consts[None, :, None])
                ok = ok & (consts != 1)[None, :, None]
                block(vals, ok, cc, lambda k, op=op: _make(op, terms0[k // n_c], const(int(consts[k % n_c]))))
            for op in ("cdiv", "//", "-"):  # constant on the left: cdiv(1024, TILE_N)
                vals, ok = _binary(op, consts[None, :, None], arr0[:, None, :])
                block(vals, ok, cc, lambda k, op=op: _make(op, const(int(consts[k % n_c])), terms0[k // n_c]))
            rows = np.concatenate([b[0] for b in blocks])
            costs = np.concatenate([b[1] for b in blocks])
            owner = np.concatenate([np.full(len(b[0]), i) for i, b in enumerate(blocks)])
            offset = np.concatenate([np.arange(len(b[0])) for b in blocks])
            order = np.argsort(costs, kind="stable")
            _, first = np.unique(rows[order], axis=0, return_index=True)
            chosen = order[np.sort(first)]
            terms = [blocks[owner[r]][2](offset[r]) for r in chosen]
            self._level1 = (terms, rows[chosen])
        return self._level1

    # -- search ---------------------------------------------------------------------------------
    def fit(self, values: Sequence[int]) -> Expr | None:
        """The cheapest expression equal to `values` at every sample, or None."""
        target = self.vector(values)
        if self.n == 0:
            return None
        if self.n == 1:  # one sample: a size (or a reference) of that value, else a constant
            terms0, arr0 = self.level0()
            hits = [t for t, row in zip(terms0, arr0, strict=True) if row[0] == target[0]]
            return min(hits, key=lambda t: t.cost) if hits else const(int(target[0]))
        if np.all(target == target[0]):
            return const(int(target[0]))
        terms0, arr0 = self.level0()
        for stage in (self._exact, self._affine, self._caps):
            hit = stage(terms0, arr0, target)
            if hit is not None:
                return hit
        terms1, arr1 = self.level1()
        for stage in (self._exact, self._affine, self._caps, self._split):
            hit = stage(terms1, arr1, target)
            if hit is not None:
                return hit
        return self._level2(terms0, arr0, terms1, arr1, target)

    @staticmethod
    def _split(terms: list[Expr], arr: np.ndarray, target: np.ndarray) -> Expr | None:
        """`g * h` or `g + h` with g and h level-1 terms (a 2-D grid `cdiv(M, BM) * cdiv(N, BN)`):
        for every g dividing the target, the quotient is looked up among the terms."""
        if not len(terms):
            return None
        index = {row.tobytes(): i for i, row in enumerate(arr)}
        best: Expr | None = None
        with np.errstate(all="ignore"):
            nonzero = np.all(arr != 0, axis=1)
            safe = np.where(arr == 0, 1, arr)
            divides = nonzero & np.all(target % safe == 0, axis=1)
        for op, rows in (("*", np.nonzero(divides)[0]), ("+", range(len(terms)))):
            for i in rows:
                if op == "*" and np.all(arr[i] == 1) or op == "+" and not np.any(arr[i]):
                    continue
                rest = target // arr[i] if op == "*" else target - arr[i]
                j = index.get(rest.astype(np.int64).tobytes())
                if j is None or np.all(arr[j] == 1) and op == "*":
                    continue
                e = binop(op, terms[i], terms[j])
                if best is None or e.cost < best.cost:
                    best = e
        return best

    @staticmethod
    def _exact(terms: list[Expr], arr: np.ndarray, target: np.ndarray) -> Expr | None:
        if not len(terms):
            return None
        hits = np.nonzero(np.all(arr == target, axis=1))[0]
        return min((terms[i] for i in hits), key=lambda t: t.cost, default=None)

    @staticmethod
    def _affine(terms: list[Expr], arr: np.ndarray, target: np.ndarray) -> Expr | None:
        """`a * t + b` with small integer a != 0 and |b| < 2^20, t taking >= 3 distinct values."""
        if not len(terms):
            return None
        lo, hi = arr.argmin(axis=1), arr.argmax(axis=1)
        rows = np.arange(len(terms))
        dg = arr[rows, hi] - arr[rows, lo]
        dt = target[hi] - target[lo]
        ok = dg != 0
        a = np.where(ok, dt // np.where(ok, dg, 1), 0)
        ok &= (a * dg == dt) & (a != 0) & (np.abs(a) <= 64)
        b = target[lo] - a * arr[rows, lo]
        ok &= np.abs(b) < (1 << 20)
        ok &= np.all(arr * a[:, None] + b[:, None] == target, axis=1)
        best: Expr | None = None
        for i in np.nonzero(ok)[0]:
            if len(np.unique(arr[i])) < 3:
                continue
            t = terms[i]
            ai, bi = int(a[i]), int(b[i])
            e = t if ai == 1 else binop("*", t, const(ai)) if ai > 0 else binop("*", const(ai), t)
            if bi > 0:
                e = binop("+", e, const(bi))
            elif bi < 0:
                e = binop("-", e, const(-bi))
            e = Expr(e.op, e.args, e.value, e.cost + 0.5)
            if best is None or e.cost < best.cost:
                best = e
        return best

    def _caps(self, terms: list[Expr], arr: np.ndarray, target: np.ndarray) -> Expr | None:
        """`min(c, t)` with c = max(target) or `max(c, t)` with c = min(target)."""
        if not len(terms):
            return None
        best: Expr | None = None
        for fn, c in (("min", int(target.max())), ("max", int(target.min()))):
            free = target != c
            if free.sum() < 2 or (~free).sum() < 1:
                continue
            capped = np.minimum(arr, c) if fn == "min" else np.maximum(arr, c)
            hits = np.nonzero(np.all(capped == target, axis=1))[0]
            for i in hits:
                if len(np.unique(arr[i][free])) < 2:
                    continue
                e = call(fn, const(c), terms[i], extra=1.0)
                if best is None or e.cost < best.cost:
                    best = e
        return best

    def _level2(self, terms0, arr0, terms1, arr1, target) -> Expr | None:
        best: Expr | None = None

        def offer(e: Expr) -> None:
            nonlocal best
            if best is None or e.cost < best.cost:
                best = e

        if not len(terms1):
            return None
        for fn, f in UNARY.items():
            vals = f(arr1)
            for i in np.nonzero(np.all(vals == target, axis=1))[0]:
                offer(call(fn, terms1[i]))
            for e in filter(None, (self._caps([call(fn, t) for t in terms1], vals, target),)):
                offer(e)
        for op in _L2_ATOM_OPS:
            for left in (True, False):
                if not left and op in ("*", "min", "max"):
                    continue
                a, b = (arr1[:, None, :], arr0[None, :, :]) if left else (arr0[:, None, :], arr1[None, :, :])
                vals, ok = _binary(op, a, b)
                good = np.all((vals == target) & ok, axis=2)
                for i, j in zip(*np.nonzero(good), strict=True):
                    x, y = (terms1[i], terms0[j]) if left else (terms0[i], terms1[j])
                    offer(_make(op, x, y))
        consts = np.array(CONSTANTS, dtype=np.int64)
        for op in ("cdiv", "//", "min", "max"):
            vals, ok = _binary(op, arr1[:, None, :], consts[None, :, None])
            good = np.all((vals == target) & ok, axis=2)
            for i, j in zip(*np.nonzero(good), strict=True):
                offer(_make(op, terms1[i], const(int(consts[j]))))
        for op in ("cdiv", "//"):
            vals, ok = _binary(op, consts[None, :, None], arr1[:, None, :])
            good = np.all((vals == target) & ok, axis=2)
            for i, j in zip(*np.nonzero(good), strict=True):
                offer(_make(op, const(int(consts[j])), terms1[i]))
        if best is None:
            # caps over the level-2 combinations with references/symbols: min(c, cdiv(t1, t0))
            for op in ("cdiv", "//"):
                vals, ok = _binary(op, arr1[:, None, :], arr0[None, :, :])
                flat = vals.reshape(-1, self.n)
                okf = ok.reshape(-1, self.n).all(axis=1)
                idx = np.nonzero(okf)[0]
                if not len(idx):
                    continue
                sub = flat[idx]
                for fn, c in (("min", int(target.max())), ("max", int(target.min()))):
                    capped = np.minimum(sub, c) if fn == "min" else np.maximum(sub, c)
                    for k in np.nonzero(np.all(capped == target, axis=1))[0]:
                        i, j = divmod(int(idx[k]), len(terms0))
                        if len(np.unique(sub[k][target != c])) < 2:
                            continue
                        offer(call(fn, const(c), _make(op, terms1[i], terms0[j]), extra=1.0))
        return best


def evaluate(expr: Expr, env: dict[str, int]) -> int:
    """The value of `expr` at one point (symbols and references looked up in `env`)."""
    if expr.op == "const":
        return int(expr.value)
    if expr.op in ("sym", "ref"):
        return int(env[str(expr.value)])
    vals = [evaluate(a, env) for a in expr.args]
    if expr.op in UNARY:
        return int(UNARY[expr.op](np.array([vals[0]], dtype=np.int64))[0])
    if expr.op in ("+", "-", "*", "//", "%", "cdiv", "min", "max"):
        v, ok = _binary(expr.op, np.int64(vals[0]), np.int64(vals[1]))
        if not bool(ok):
            raise ZeroDivisionError(expr.text())
        return int(v)
    raise ValueError(expr.op)
