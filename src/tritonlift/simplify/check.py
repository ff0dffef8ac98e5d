"""The last gate: the simplified formula equals the lifted one, checked exactly at sample sizes.

Both formulas are instantiated at each size (binders unrolled) and compared with the one equality
decider (equal/decide.py, all tiers: normal forms, definitions, the exp-shift canonical form, the
fraction form, then the solver with the range axioms of the math functions present). Output
indices are left symbolic first: the two ground terms then read independent variables
`x[i, 0]`, `x[i, j]`, ..., and equality for independent values implies equality for every concrete
index, so one comparison covers the whole output. When a binder's range depends on an output
index (a prefix sum), every element is compared instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from ..dsl.term import Term
from ..equal.canon import Fractions, ShiftCanon, expand_definitions, expand_tanh
from ..equal.decide import Decider
from ..equal.normal import Normalizer
from ..synth.instantiate import NotGround, instantiate

__all__ = ["EqualityCheck", "Fractions", "ShiftCanon", "expand_definitions", "expand_tanh"]


class EqualityCheck:
    def __init__(self, ranges: Mapping[str, tuple[int, int]] | None = None, positive: frozenset[str] = frozenset()) -> None:
        self.positive = positive
        self.decider = Decider(Normalizer(), canon=True, positive=positive)
        self.ranges = dict(ranges or {})

    def ground_equal(self, a: Term, b: Term) -> bool:
        return self.decider.equal(a, b, self.ranges or None)

    def output(self, original: Term, simplified: Term, index_vars: tuple[str, ...],
               sizes: Iterable[Mapping[str, int]], shapes: Iterable[tuple[int, ...] | None]) -> str | None:
        """None when equal at every size; else where they differ (or could not be compared)."""
        for size, shape in zip(sizes, shapes, strict=True):
            env = dict(size)
            where = ", ".join(f"{k}={v}" for k, v in size.items())
            try:
                if self.ground_equal(instantiate(original, env), instantiate(simplified, env)):
                    continue
            except NotGround:
                pass
            if shape is None:
                return f"not shown equal at {where} (output shape unknown, indices left symbolic)"
            for idx in (np.ndindex(shape) if shape else [()]):
                e = {**env, **dict(zip(index_vars, idx, strict=True))}
                try:
                    ok = self.ground_equal(instantiate(original, e), instantiate(simplified, e))
                except NotGround as err:
                    return f"cannot instantiate at {where}: {err}"
                if not ok:
                    return f"not shown equal at {where}, index {tuple(int(i) for i in idx)}"
        return None
