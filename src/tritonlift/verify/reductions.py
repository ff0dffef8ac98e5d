"""Reductions over integer ranges as z3 recursive functions, the objects lemmas talk about.

Every reduction folds over k in [lo, hi) by recursion on the upper end (the shape of a loop
`acc += f(k)`): `R(lo, hi) = unit if hi <= lo else op(R(lo, hi - 1), body(hi - 1))`. z3 unfolds
such `RecFunction`s on demand, which is what makes induction steps prove in milliseconds (notes
section 3.1). Empty ranges give the unit: 0 for Σ, -inf for max, +inf for min.

The bodies are uninterpreted functions `f`, `g`: a lemma proved about them holds for every body,
so VC generation may use it with the body the kernel has. `Reductions(T, body=...)` builds the
same reductions over a concrete body instead (e.g. `fa(k)·fb(k)` for a dot product), and `exp`
selects the exponential (Op.EXP or Op.EXP2) of `sum_exp`.
"""

from __future__ import annotations

from collections.abc import Callable

import z3

from ..dsl.term import Op
from .theory import Z3Theory


class Reductions:
    def __init__(self, T: Z3Theory, body: Callable | None = None, exp: Op = Op.EXP) -> None:
        self.T = T
        # Distinct names: SMT-LIB forbids overloading a symbol, and lemma variables use short names.
        self.g = z3.Function("g", T.Int, T.Real)
        self.fa = z3.Function("fa", T.Int, T.Real)
        self.fb = z3.Function("fb", T.Int, T.Real)
        self.h2 = z3.Function("h2", T.Int, T.Int, T.Real)  # a body over two bound variables (a, b)
        self.f = (lambda k: body(self, k)) if body else z3.Function("f", T.Int, T.Real)
        self.exp = T.f(exp)
        self._made: dict[str, z3.FuncDeclRef] = {}

    def _rec(self, name: str, params: tuple[tuple[str, str], ...], result: str, build) -> z3.FuncDeclRef:
        """Define (once) a recursive function; `build(F, *params)` gives its body."""
        F = self._made.get(name)
        if F is None:
            T = self.T
            sorts = {"Int": T.Int, "Real": T.Real, "XReal": T.XReal}
            F = z3.RecFunction(name, *[sorts[s] for _, s in params], sorts[result])
            ps = [T.var(f"{name}.{p}", s) for p, s in params]
            z3.RecAddDefinition(F, ps, build(F, *ps))
            self._made[name] = F
        return F

    def _fold(self, name: str, extra: tuple[tuple[str, str], ...], result: str, unit, step) -> z3.FuncDeclRef:
        """R(lo, hi, *extra) over [lo, hi); `step(acc, k, *extra)` adds element k."""
        params = (("lo", "Int"), ("hi", "Int"), *extra)
        return self._rec(name, params, result, lambda F, lo, hi, *ex: z3.If(
            hi <= lo, unit, step(F(lo, hi - 1, *ex), hi - 1, *ex)))

    # -- sums --------------------------------------------------------------------------------
    @property
    def sum(self):
        """sum(lo, hi) = Σ_{k∈[lo,hi)} f(k)"""
        return self._fold("sum_f", (), "Real", self.T.real(0), lambda acc, k: acc + self.f(k))

    @property
    def sum_g(self):
        return self._fold("sum_g", (), "Real", self.T.real(0), lambda acc, k: acc + self.g(k))

    @property
    def sum_f_plus_g(self):
        return self._fold("sum_fg", (), "Real", self.T.real(0), lambda acc, k: acc + (self.f(k) + self.g(k)))

    @property
    def sum_scaled(self):
        """sum_scaled(lo, hi, c) = Σ_{k∈[lo,hi)} c·f(k)"""
        return self._fold("sum_cf", (("c", "Real"),), "Real", self.T.real(0), lambda acc, k, c: acc + c * self.f(k))

    @property
    def sum_masked(self):
        """sum_masked(lo, hi, N) = Σ_{k∈[lo,hi)} where(k < N, f(k), 0)"""
        return self._fold("sum_masked_f", (("N", "Int"),), "Real", self.T.real(0),
                          lambda acc, k, N: acc + z3.If(k < N, self.f(k), self.T.real(0)))

    @property
    def sum_exp(self):
        """sum_exp(lo, hi, c) = Σ_{k∈[lo,hi)} exp(f(k) − c)"""
        return self._fold("sum_exp_f", (("c", "Real"),), "Real", self.T.real(0),
                          lambda acc, k, c: acc + self.exp(self.f(k) - c))

    @property
    def tile(self):
        """tile(s, n) = Σ_{t∈[0,n)} f(s + t): a tile at offset s, as `arange` indexes it."""
        return self._rec("tile_f", (("s", "Int"), ("n", "Int")), "Real", lambda F, s, n: z3.If(
            n <= 0, self.T.real(0), F(s, n - 1) + self.f(s + n - 1)))

    @property
    def tile_masked(self):
        """tile_masked(s, B, N) = Σ_{t∈[0,B)} where(s + t < N, f(s + t), 0)"""
        return self._rec("tile_masked_f", (("s", "Int"), ("n", "Int"), ("N", "Int")), "Real",
                         lambda F, s, n, N: z3.If(n <= 0, self.T.real(0), F(s, n - 1, N) + z3.If(
                             s + n - 1 < N, self.f(s + n - 1), self.T.real(0))))

    @property
    def tiles(self):
        """tiles(T, B) = Σ_{i∈[0,T)} tile(i·B, B): T whole tiles of width B."""
        tile = self.tile
        return self._rec("tiles_f", (("T", "Int"), ("B", "Int")), "Real", lambda F, t, B: z3.If(
            t <= 0, self.T.real(0), F(t - 1, B) + tile((t - 1) * B, B)))

    # -- any monoid: flat ranges, tiles and rows of tiles ------------------------------------
    def monoid(self, op: str):
        """(unit, join, lift) of op ∈ {sum, prod, max, min}: max and min join extended reals."""
        T = self.T
        return {"sum": (T.real(0), lambda a, b: a + b, lambda x: x),
                "prod": (T.real(1), lambda a, b: a * b, lambda x: x),
                "max": (T.NEG_INF, T.xmax, T.fin),
                "min": (T.POS_INF, T.xmin, T.fin)}[op]

    def flat(self, op: str):
        """flat(lo, hi) = op_{k∈[lo,hi)} f(k)"""
        if op in ("sum", "max", "min"):
            return getattr(self, op)
        unit, join, lift = self.monoid(op)
        return self._fold(f"{op}_f", (), "Real", unit, lambda acc, k: join(acc, lift(self.f(k))))

    @property
    def prod_masked(self):
        """prod_masked(lo, hi, N) = Π_{k∈[lo,hi)} where(k < N, f(k), 1)"""
        return self._fold("prod_masked_f", (("N", "Int"),), "Real", self.T.real(1),
                          lambda acc, k, N: acc * z3.If(k < N, self.f(k), self.T.real(1)))

    @property
    def prod(self):
        return self.flat("prod")

    def tile_of(self, op: str):
        """tile_of(s, n) = op_{b∈[0,n)} f(s + b)"""
        unit, join, lift = self.monoid(op)
        sort = "XReal" if op in ("max", "min") else "Real"
        return self._rec(f"tile_{op}_f", (("s", "Int"), ("n", "Int")), sort, lambda F, s, n: z3.If(
            n <= 0, unit, join(F(s, n - 1), lift(self.f(s + n - 1)))))

    def tile_rows(self, op: str):
        """tile_rows(lo, hi, a, B) = op_{u∈[lo,hi)} op_{b∈[0,B)} f(a + u·B + b): a loop over tiles
        (or a second launch over the first one's partial results)."""
        unit, join, _ = self.monoid(op)
        tile = self.tile_of(op)
        sort = "XReal" if op in ("max", "min") else "Real"
        return self._rec(f"tile_rows_{op}_f", (("lo", "Int"), ("hi", "Int"), ("a", "Int"), ("B", "Int")), sort,
                         lambda F, lo, hi, a, B: z3.If(hi <= lo, unit,
                                                       join(F(lo, hi - 1, a, B), tile(a + (hi - 1) * B, B))))

    # -- nested reductions over two independent ranges (a per-lane accumulator reduced after a loop) --
    def _nested(self, op: str, name: str, inner_over_b: bool):
        """inner_over_b: row(a, lo, hi) = op_{b∈[lo,hi)} h2(a, b); else col(b, lo, hi) = op_{a∈[lo,hi)} h2(a, b)."""
        unit, join, lift = self.monoid(op)
        sort = "XReal" if op in ("max", "min") else "Real"
        body = (lambda x, k: self.h2(x, k)) if inner_over_b else (lambda x, k: self.h2(k, x))
        return self._rec(name, (("x", "Int"), ("lo", "Int"), ("hi", "Int")), sort, lambda F, x, lo, hi: z3.If(
            hi <= lo, unit, join(F(x, lo, hi - 1), lift(body(x, hi - 1)))))

    def row_of(self, op: str):
        """row_of(a, lo2, hi2) = op_{b∈[lo2,hi2)} h2(a, b)"""
        return self._nested(op, f"row_{op}_h2", True)

    def col_of(self, op: str):
        """col_of(b, lo1, hi1) = op_{a∈[lo1,hi1)} h2(a, b)"""
        return self._nested(op, f"col_{op}_h2", False)

    def rows(self, op: str):
        """rows(lo1, hi1, lo2, hi2) = op_{a∈[lo1,hi1)} op_{b∈[lo2,hi2)} h2(a, b)"""
        unit, join, _ = self.monoid(op)
        row = self.row_of(op)
        sort = "XReal" if op in ("max", "min") else "Real"
        return self._rec(f"rows_{op}_h2", (("lo1", "Int"), ("hi1", "Int"), ("lo2", "Int"), ("hi2", "Int")), sort,
                         lambda F, lo1, hi1, lo2, hi2: z3.If(hi1 <= lo1, unit,
                                                             join(F(lo1, hi1 - 1, lo2, hi2), row(hi1 - 1, lo2, hi2))))

    def cols(self, op: str):
        """cols(lo1, hi1, lo2, hi2) = op_{b∈[lo2,hi2)} op_{a∈[lo1,hi1)} h2(a, b)"""
        unit, join, _ = self.monoid(op)
        col = self.col_of(op)
        sort = "XReal" if op in ("max", "min") else "Real"
        return self._rec(f"cols_{op}_h2", (("lo1", "Int"), ("hi1", "Int"), ("lo2", "Int"), ("hi2", "Int")), sort,
                         lambda F, lo1, hi1, lo2, hi2: z3.If(hi2 <= lo2, unit,
                                                             join(F(lo1, hi1, lo2, hi2 - 1), col(hi2 - 1, lo1, hi1))))

    # -- max and argmax ----------------------------------------------------------------------
    @property
    def max(self):
        """max(lo, hi) = max_{k∈[lo,hi)} f(k) over the extended reals (−∞ when empty)"""
        T = self.T
        return self._fold("max_f", (), "XReal", T.NEG_INF, lambda acc, k: T.xmax(acc, T.fin(self.f(k))))

    @property
    def max_masked(self):
        """max_masked(lo, hi, N) = max_{k∈[lo,hi)} where(k < N, f(k), −∞)"""
        T = self.T
        return self._fold("max_masked_f", (("N", "Int"),), "XReal", T.NEG_INF,
                          lambda acc, k, N: T.xmax(acc, z3.If(k < N, T.fin(self.f(k)), T.NEG_INF)))

    @property
    def min(self):
        """min(lo, hi) = min_{k∈[lo,hi)} f(k) over the extended reals (+∞ when empty)"""
        T = self.T
        return self._fold("min_f", (), "XReal", T.POS_INF, lambda acc, k: T.xmin(acc, T.fin(self.f(k))))

    @property
    def max_padded(self):
        """max_padded(lo, hi, N, c) = max_{k∈[lo,hi)} where(k < N, f(k), c): pad lanes hold c"""
        T = self.T
        return self._fold("max_padded_f", (("N", "Int"), ("c", "Real")), "XReal", T.NEG_INF,
                          lambda acc, k, N, c: T.xmax(acc, T.fin(z3.If(k < N, self.f(k), c))))

    @property
    def min_padded(self):
        """min_padded(lo, hi, N, c) = min_{k∈[lo,hi)} where(k < N, f(k), c)"""
        T = self.T
        return self._fold("min_padded_f", (("N", "Int"), ("c", "Real")), "XReal", T.POS_INF,
                          lambda acc, k, N, c: T.xmin(acc, T.fin(z3.If(k < N, self.f(k), c))))

    @property
    def max_joined(self):
        """max_joined(lo, hi, c) = max_{k∈[lo,hi)} max(c, f(k)): every element joined with c"""
        T = self.T
        return self._fold("max_joined_f", (("c", "XReal"),), "XReal", T.NEG_INF,
                          lambda acc, k, c: T.xmax(acc, T.xmax(c, T.fin(self.f(k)))))

    @property
    def min_joined(self):
        """min_joined(lo, hi, c) = min_{k∈[lo,hi)} min(c, f(k))"""
        T = self.T
        return self._fold("min_joined_f", (("c", "XReal"),), "XReal", T.POS_INF,
                          lambda acc, k, c: T.xmin(acc, T.xmin(c, T.fin(self.f(k)))))

    @property
    def min_masked(self):
        """min_masked(lo, hi, N) = min_{k∈[lo,hi)} where(k < N, f(k), +∞)"""
        T = self.T
        return self._fold("min_masked_f", (("N", "Int"),), "XReal", T.POS_INF,
                          lambda acc, k, N: T.xmin(acc, z3.If(k < N, T.fin(self.f(k)), T.POS_INF)))

    @property
    def argmax(self):
        """argmax(lo, hi): the first k in [lo, hi) with the largest f(k) (lo when empty)."""
        return self._rec("argmax_f", (("lo", "Int"), ("hi", "Int")), "Int", lambda F, lo, hi: z3.If(
            hi <= lo + 1, lo, z3.If(self.f(hi - 1) > self.f(F(lo, hi - 1)), hi - 1, F(lo, hi - 1))))

    @property
    def argmin(self):
        """argmin(lo, hi): the first k in [lo, hi) with the smallest f(k) (lo when empty)."""
        return self._rec("argmin_f", (("lo", "Int"), ("hi", "Int")), "Int", lambda F, lo, hi: z3.If(
            hi <= lo + 1, lo, z3.If(self.f(hi - 1) < self.f(F(lo, hi - 1)), hi - 1, F(lo, hi - 1))))

    def _arg_masked(self, name: str, better, pad):
        """The first index of the extreme of where(k < N, f(k), pad) over [lo, hi), comparing
        extended reals strictly (`better`): a padded lane never replaces a real one."""
        T = self.T

        def g(k, N):
            return z3.If(k < N, T.fin(self.f(k)), pad)

        return self._rec(name, (("lo", "Int"), ("hi", "Int"), ("N", "Int")), "Int", lambda F, lo, hi, N: z3.If(
            hi <= lo + 1, lo, z3.If(better(g(hi - 1, N), g(F(lo, hi - 1, N), N)), hi - 1, F(lo, hi - 1, N))))

    @property
    def argmax_masked(self):
        """argmax_masked(lo, hi, N): argmax over [lo, hi) of where(k < N, f(k), −∞)"""
        T = self.T
        gt = lambda a, b: z3.And(T.is_fin(a), z3.Or(T.is_neginf(b), T.val(a) > T.val(b)))  # noqa: E731
        return self._arg_masked("argmax_masked_f", gt, T.NEG_INF)

    @property
    def argmin_masked(self):
        """argmin_masked(lo, hi, N): argmin over [lo, hi) of where(k < N, f(k), +∞)"""
        T = self.T
        lt = lambda a, b: z3.And(T.is_fin(a), z3.Or(T.is_posinf(b), T.val(a) < T.val(b)))  # noqa: E731
        return self._arg_masked("argmin_masked_f", lt, T.POS_INF)
