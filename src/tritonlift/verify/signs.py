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
    def __init__(self, nonneg_names: set[str], positive_names: set[str], size_names: set[str] = frozenset()) -> None:
        self.nonneg_names = nonneg_names | positive_names
        self.positive_names = positive_names
        self.size_names = size_names  # never taken for index variables, whatever their names
        # by AST id, holding the term: a dead term's id is reused by the next one z3 builds
        self._memo: dict[tuple[int, bool], tuple[z3.ExprRef, bool]] = {}

    @staticmethod
    def of_sizes(sizes: dict[str, z3.ArithRef], hyps: list[z3.BoolRef]) -> Signs:
        """Which size symbols the hypotheses bound below by 0 or 1 (one small linear query each)."""
        nonneg, positive = set(), set()
        if sizes:
            ctx = next(iter(sizes.values())).ctx
            s = z3.Solver(ctx=ctx)
            s.set("timeout", 500)
            s.add(*hyps)
            for name, v in sizes.items():
                if not z3.is_int(v):
                    continue
                if s.check(v < 1) == z3.unsat:
                    positive.add(name)
                elif s.check(v < 0) == z3.unsat:
                    nonneg.add(name)
        return Signs(nonneg, positive, set(sizes))

    def nonneg(self, e: z3.ExprRef) -> bool:
        return self._sign(e, False)

    def positive(self, e: z3.ExprRef) -> bool:
        return self._sign(e, True)

    def _sign(self, e: z3.ExprRef, strict: bool) -> bool:
        key = (e.get_id(), strict)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = (e, self._compute(e, strict))
        return hit[1]

    def _compute(self, e: z3.ExprRef, strict: bool) -> bool:
        if z3.is_int_value(e):
            v = e.as_long()
            return v > 0 if strict else v >= 0
        if z3.is_const(e) and e.decl().kind() == z3.Z3_OP_UNINTERPRETED:
            name = e.decl().name()
            if strict:
                return name in self.positive_names
            return name in self.nonneg_names or (name not in self.size_names and INDEX_VAR.fullmatch(name) is not None)
        if not z3.is_app(e):
            return False
        k, a = e.decl().kind(), e.children()
        if k == z3.Z3_OP_ADD:
            if not all(self.nonneg(x) for x in a):
                return False
            return not strict or any(self.positive(x) for x in a)
        if k == z3.Z3_OP_MUL:
            return all(self._sign(x, strict) for x in a)
        if k in (z3.Z3_OP_IDIV, z3.Z3_OP_MOD):
            return not strict and self.nonneg(a[0]) and self.positive(a[1])
        if k == z3.Z3_OP_ITE:
            return self._sign(a[1], strict) and self._sign(a[2], strict)
        return False


def euclidean(a: z3.ArithRef, b: z3.ArithRef, signs: Signs | None) -> bool:
    """C's (truncating) `a / b` and `a % b` equal SMT-LIB's `div` and `mod`: a ≥ 0 and b > 0 known."""
    return signs is not None and signs.positive(b) and signs.nonneg(a)
