"""Moved: ground-term equality by the solver is the last tier of the one decider
(equal/decide.py), lowered by smt/lower.py and asked through the solver backend. These names stay
for old imports."""

from __future__ import annotations

from ..dsl.term import Term
from ..equal.decide import Decider
from ..smt.lower import GroundLowering as Encoder
from ..verify.query import Limits

__all__ = ["Encoder", "smt_equal", "smt_model"]


def smt_equal(a: Term, b: Term, timeout_ms: int = 2000, ranges: dict[str, tuple[int, int]] | None = None) -> bool:
    """True only when the solver proves `a = b` for every value of the reads and symbols
    (integer data in its declared range [lo, hi))."""
    return Decider(canon=False, limits=Limits(seconds=timeout_ms / 1000)).solver_equal(a, b, ranges)


def smt_model(a: Term, b: Term, timeout_ms: int = 2000, ranges: dict[str, tuple[int, int]] | None = None,
              integral: frozenset[str] = frozenset()) -> dict[Term, float] | None:
    """Decider.model: a candidate input where `a != b` (validate it numerically)."""
    return Decider(canon=False, limits=Limits(seconds=timeout_ms / 1000)).model(a, b, ranges, integral)
