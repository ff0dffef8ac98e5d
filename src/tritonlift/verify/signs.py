"""Signs of integer index terms, so that division is encoded without case splits where it can be.

Triton's `//` and `%` truncate toward zero and Python's (host code) floor; both are encoded
exactly (`encode.c_div`, `sizemodel.py_floordiv`), which costs the solver a case split on the
signs of both operands at every division, and a trip through the reals for Python's. Index
arithmetic nests divisions (grouped program ids: `pid // (GROUP_M * cdiv(N, BLOCK_N))`, then
`% group_size`, then `% M`), and the splits multiply: mm's in-bounds queries timed out.

When the dividend is known to be ≥ 0 and the divisor > 0, both divisions equal SMT-LIB's `div`
(Euclidean, which is floor for a positive divisor); Python's floor equals `div` for any dividend
once the divisor is > 0. `Signs` decides ≥ 0 / > 0 syntactically, bottom-up over z3 terms, from
what holds in every execution the prover reasons about:

- integer numerals by value;
- program ids `p<k>`, lanes `l<k>` and loop iterations `t<k>` are ≥ 0 (each ranges over
  [0, extent) in every launch, and every obligation about them is about such a launch);
- size symbols the spec bounds below (`SizeModel.hyps` entails `N ≥ 0` / `N ≥ 1`, asked once);
- +, ·, div, mod, min, max, if-then-else of known signs.

Anything else (differences, reduction variables, coverage witnesses) is unknown and keeps the
exact encoding. Equal values, so every query means what it meant; only the solver's work changes.
"""

from __future__ import annotations

import re

import z3

INDEX_VAR = re.compile(r"[plt]\d+")


class Signs:
    def __init__(self, lows: dict[str, int], size_names: set[str] = frozenset()) -> None:
        self.lows = lows  # symbol -> a lower bound the hypotheses give it
        self.size_names = size_names  # never taken for index variables, whatever their names
        # by AST id, holding the term: a dead term's id is reused by the next one z3 builds
        self._memo: dict[int, tuple[z3.ExprRef, int | None]] = {}

    @staticmethod
    def of_sizes(sizes: dict[str, z3.ArithRef], hyps: list[z3.BoolRef]) -> Signs:
        """Lower bounds of the size symbols the hypotheses give: the least value a symbol can
        take when that is found quickly (a block size listed as {16, 32, ...} gives 16), else
        1 or 0 when entailed; nothing otherwise. Small linear queries, in process."""
        lows: dict[str, int] = {}
        if sizes:
            ctx = next(iter(sizes.values())).ctx
            s = z3.Solver(ctx=ctx)
            s.set("timeout", 500)
            s.add(*hyps)
            for name, v in sizes.items():
                if not z3.is_int(v):
                    continue
                opt = z3.Optimize(ctx=ctx)
                opt.set("timeout", 500)
                opt.add(*hyps)
                h = opt.minimize(v)
                if opt.check() == z3.sat:
                    lo = opt.lower(h)
                    if z3.is_int_value(lo) and s.check(v < lo.as_long()) == z3.unsat:  # confirmed
                        lows[name] = lo.as_long()
                        continue
                for lo in (1, 0):
                    if s.check(v < lo) == z3.unsat:
                        lows[name] = lo
                        break
        return Signs(lows, set(sizes))

    def nonneg(self, e: z3.ExprRef) -> bool:
        lb = self.lower(e)
        return lb is not None and lb >= 0

    def positive(self, e: z3.ExprRef) -> bool:
        lb = self.lower(e)
        return lb is not None and lb >= 1

    def lower(self, e: z3.ExprRef) -> int | None:
        """A lower bound of `e` in every launch, or None (unknown)."""
        key = e.get_id()
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = (e, self._lower(e))
        return hit[1]

    def _lower(self, e: z3.ExprRef) -> int | None:
        if z3.is_int_value(e):
            return e.as_long()
        if z3.is_const(e) and e.decl().kind() == z3.Z3_OP_UNINTERPRETED:
            name = e.decl().name()
            if name in self.lows:
                return self.lows[name]
            return 0 if name not in self.size_names and INDEX_VAR.fullmatch(name) else None
        if not z3.is_app(e):
            return None
        k, a = e.decl().kind(), e.children()
        lows = [self.lower(x) for x in a] if k != z3.Z3_OP_ITE else []
        if k == z3.Z3_OP_ADD:
            return None if None in lows else sum(lows)
        if k == z3.Z3_OP_SUB and len(a) == 2 and z3.is_int_value(a[1]):
            return None if lows[0] is None else lows[0] - a[1].as_long()
        if k == z3.Z3_OP_MUL:
            if None in lows or min(lows) < 0:
                return None
            out = 1
            for v in lows:
                out *= v
            return out
        if k in (z3.Z3_OP_IDIV, z3.Z3_OP_MOD):
            if lows[0] is None or lows[0] < 0 or lows[1] is None or lows[1] < 1:
                return None
            if k == z3.Z3_OP_IDIV and _ceil_div_of_positive(a[0], a[1], self):
                return 1
            return 0
        if k == z3.Z3_OP_ITE:
            lo = [self.lower(a[1]), self.lower(a[2])]
            return None if None in lo else min(lo)
        return None


def _ceil_div_of_positive(num: z3.ExprRef, den: z3.ExprRef, signs: Signs) -> bool:
    """num = x + den − 1 with x ≥ 1 (cdiv(x, den) as host and kernel code write it): ≥ 1."""
    if not (z3.is_app(num) and num.decl().kind() == z3.Z3_OP_SUB and z3.is_int_value(num.children()[1])
            and num.children()[1].as_long() == 1):
        return False
    s = num.children()[0]
    if not (z3.is_app(s) and s.decl().kind() == z3.Z3_OP_ADD):
        return False
    rest = [x for x in s.children() if not x.eq(den)]
    if len(rest) != len(s.children()) - 1:
        return False
    lows = [signs.lower(x) for x in rest]
    return None not in lows and sum(lows) >= 1


def euclidean(a: z3.ArithRef, b: z3.ArithRef, signs: Signs | None) -> bool:
    """C's (truncating) `a / b` and `a % b` equal SMT-LIB's `div` and `mod`: a ≥ 0 and b > 0 known."""
    return signs is not None and signs.positive(b) and signs.nonneg(a)
