"""Lemmas of the per-lane online softmax's cross-lane combine (`normalize_softmax.py`).

The combine `Σ_b z_b · exp(m_b − M)` of per-lane rescaled sums z_b = Σ_u exp(X(u, b) − m_b) is
rewritten lane by lane into Σ_u exp(X(u, b) − M) (then swapped and flattened like any per-lane
accumulator). For a lane whose running max m_b is finite that is `sum_exp_rescale`. A lane that
has seen only padding (every X(u, b) = −∞, m_b = −∞) is guarded by the kernel to z_b = 0, and
its rewritten sum is 0 too, because every addend is exp(−∞ − M) = 0: `sum_exp_all_padding`.
The body X(k) = where(g(k), f(k), −∞) is a masked real f: the padding is where g is false.
"""

from __future__ import annotations

import z3

from .induction import Induction, Lemma, Setup
from .reductions import Reductions


def _masked_max(R: Reductions):
    """max_{k∈[lo,hi)} where(g(k) > 0, f(k), −∞)"""
    T = R.T
    return R._fold("max_guard_f", (), "XReal", T.NEG_INF,
                   lambda acc, k: T.xmax(acc, z3.If(R.g(k) > 0, T.fin(R.f(k)), T.NEG_INF)))


def _masked_sum_exp(R: Reductions):
    """Σ_{k∈[lo,hi)} where(g(k) > 0, exp(f(k) − M), 0)"""
    T = R.T
    return R._fold("sum_guard_exp_f", (("M", "Real"),), "Real", T.real(0),
                   lambda acc, k, M: acc + z3.If(R.g(k) > 0, R.exp(R.f(k) - M), T.real(0)))


def _all_padding(R: Reductions) -> Setup:
    lo, hi = (R.T.var(n, "Int") for n in ("lo", "hi"))
    M = R.T.var("M", "Real")
    mx, sm = _masked_max(R), _masked_sum_exp(R)

    def P(n):
        return z3.Implies(mx(lo, n) == R.T.NEG_INF, sm(lo, n, M) == 0)

    return Setup((lo, hi, M), sm(lo, hi, M) == 0, (("max is −∞", mx(lo, hi) == R.T.NEG_INF),),
                 ((sm(lo, hi, M),),), Induction(lo, P, (hi,)))


SOFTMAX_LEMMAS: tuple[Lemma, ...] = (
    Lemma("sum_exp_all_padding", "max_{k∈[lo,hi)} where(g(k), f(k), −∞) = −∞ → "
          "Σ_{k∈[lo,hi)} exp(where(g(k), f(k), −∞) − M) = 0  (a lane that saw only padding adds nothing)",
          "induction on hi from lo: a max of −∞ means every element is padding (max_ext), and "
          "exp(−∞ − M) = 0", _all_padding, ("max_ext", "exp_neg_inf"), "the masked sum",
          ("max is −∞",)),
)

__all__ = ["SOFTMAX_LEMMAS"]
