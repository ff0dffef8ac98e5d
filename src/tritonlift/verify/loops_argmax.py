"""The (value, index) pair row: a running argmax/argmin across the iterations of a loop.

FlagGems' `max.dim` and `argmax` keep, per row, the best value so far and where it was:

    v = tl.full([BM], -inf)              i = tl.zeros([BM], tl.int64)
    for start in range(0, N, BN):
        m, k = tl.max(x_tile, axis=1, return_indices=True)     # first index inside the block
        take = m > v                                           # strict: an earlier block wins ties
        v = tl.where(take, m, v)
        i = tl.where(take, start + k, i)

v is a running max (`loops.py`, v(n) = max(v₀, max_{u<n} h(u))). The index i is matched here:
its update must be `where(c, j, i)` with c the strict comparison `h > v` of v's own update
(`h < v` for a running min) and j free of carried values. Its value at the start of iteration n
is then (lemma `max_pair_step`, proved over the extended reals: a block of masked lanes is −∞)

    i(n) = where(max_{u<n} h(u) > v₀, j(argmax_{u<n} h(u)), i₀)

A non-strict comparison (`>=`: the last index wins) is not this row and stays unsupported.

When h is a block's maximum, h(u) = max_{b<B} G(a + u·B + b), and j is that block's first index
into the flat range, j(u) = a + u·B + argmax_{b<B} G(a + u·B + b) (+ c free of u), the block
index and the index inside the block are the first index over the flat range (`argmax_tiles_flat`,
with `mul_rec` and `xtile_shift_max`; the tile width B ≥ 1 is proved per use):

    j(argmax_{u<n} h(u)) = c + argmax_{k∈[a, a+n·B)} G(k)

The row then states i(n) in that flat form, which the masked-tail lemmas turn into the
formula's `argmax_{k<N}`. With v₀ = −∞ the condition `max > −∞` cannot be written as a term (the
DSL folds comparisons with infinities), so the row requires the case it decides to be equal on
both sides: all blocks −∞ leaves i₀, and the flat argmax of an all −∞ range is its first index
a, so i₀ must be a + c, as in every kernel above (i₀ = 0, a = 0). Otherwise the row refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..dsl import build
from ..dsl.term import Op, Term, const, free_vars, var
from ..errors import SourceLoc, Unsupported
from . import loops as LP
from . import termops as TO
from .lanetile import Lanes, as_lanes, broadcast_shapes, broadcast_to
from .normalize import _offsets

STRICT = {"max": (Op.GT, Op.LT), "min": (Op.LT, Op.GT)}  # h ⋈ v, v ⋈' h
RED = {"max": (Op.MAXR, Op.ARGMAX), "min": (Op.MINR, Op.ARGMIN)}


@dataclass(frozen=True)
class PairRecurrence:
    """The index half of a (value, index) pair: `value` is the running max/min it follows, `h`
    the index's new value j (over the iteration variable), `flat` the flat closed form when j is
    a block's first index (a function of n)."""

    ph: LP.Placeholder
    value: LP.Recurrence
    h: Term
    shape: tuple[Term, ...]
    dtype: str
    flat: Callable[[Term], Term] | None = None
    lemmas: tuple[str, ...] = field(default=())
    kind: str = "pair"

    def at(self, n: Term, t: str, u: str) -> Lanes:
        shape = broadcast_shapes(self.ph.init.shape, self.shape)
        i0 = broadcast_to(self.ph.init, shape).term
        if self.flat is not None and self.value.ph.init.term.op is Op.CONST and \
                abs(self.value.ph.init.term.value) == float("inf"):
            return Lanes(self.flat(n), shape, self.dtype, None)
        op = self.value.kind
        red, arg = RED[op]
        hu = TO.subst(self.value.h, {t: var(u)})
        v0 = broadcast_to(self.value.ph.init, broadcast_shapes(self.value.ph.init.shape, self.value.shape)).term
        best = build.binder(red, u, const(0), n, hu)
        cond = build.compare(STRICT[op][0], best, v0)
        index = self.flat(n) if self.flat is not None else TO.subst(self.h, {t: build.binder(arg, u, const(0), n, hu)})
        return Lanes(build.where(cond, index, i0), shape, self.dtype, None)


def classify_pair(ph: LP.Placeholder, new: Any, closed: dict[str, tuple[LP.Placeholder, Any, Any]], t: str,
                  positive: Callable[[Term], bool], loc: SourceLoc | None = None) -> PairRecurrence | None:
    """v's update as the index of a (value, index) pair against one of the running maxima or
    minima in `closed` (name -> placeholder, recurrence, new value); None when it is not one.
    `positive(B)` proves a tile width B ≥ 1 for every allowed size. A pair whose closed form
    cannot be stated is refused (`Unsupported`) saying why."""
    try:
        g = as_lanes(new)
    except TypeError:
        return None
    if g.ptr is not None or ph.init.ptr is not None or g.term.op is not Op.WHERE:
        return None
    c, j, other = g.term.args
    if other is not ph.lanes.term or LP.has_placeholder(j) or c.op not in (Op.GT, Op.LT):
        return None
    for vph, vrec, _ in closed.values():
        if getattr(vrec, "kind", None) not in STRICT or vrec.ph.init.ptr is not None:
            continue
        h, P = vrec.h, vph.lanes.term
        first, second = STRICT[vrec.kind]
        if not ((c.op is first and c.args == (h, P)) or (c.op is second and c.args == (P, h))):
            continue
        v0 = vrec.ph.init.term
        infinite = v0.op is Op.CONST and isinstance(v0.value, float) and abs(v0.value) == float("inf")
        lemmas = (f"{vrec.kind}_pair_step", f"x{vrec.kind}_value")
        flat = _flat_index(vrec.kind, h, j, t, positive)
        if flat is not None:
            form, a_c = flat
            i0 = broadcast_to(ph.init, broadcast_shapes(ph.init.shape, g.shape)).term
            if infinite and TO.linear(i0) is not TO.linear(a_c):
                raise Unsupported(f"the loop-carried variable {ph.name!r} is the index of a running arg{vrec.kind} "
                                  f"starting from {ph.init.term}, not from the first index {a_c} of the range it "
                                  "scans: the prover cannot state its value while every block is masked", loc)
            lemmas += (f"arg{vrec.kind}_tiles_flat", f"arg{vrec.kind}_tiles_step", f"xtile_shift_{vrec.kind}",
                       f"x{vrec.kind}_split", "mul_rec")
            return PairRecurrence(ph, vrec, j, g.shape, g.dtype, form, lemmas)
        if infinite:  # the condition `max > −∞` has no term (see the module docstring)
            where = "per lane" if g.shape else "over single values"
            start = "-inf" if vrec.kind == "max" else "+inf"
            raise Unsupported(f"the loop-carried variable {ph.name!r} is the index of a running arg{vrec.kind} "
                              f"{where} whose values start from {start}: not covered yet (the prover states such "
                              f"pairs over whole blocks, `tl.{vrec.kind}(..., return_indices=True)` per block)", loc)
        return PairRecurrence(ph, vrec, j, g.shape, g.dtype, None, lemmas)
    return None


def _flat_index(op: str, h: Term, j: Term, t: str,
                positive: Callable[[Term], bool]) -> tuple[Callable[[Term], Term], Term] | None:
    """(n ↦ c + arg_{k∈[a, a+n·B)} G(k), a + c) when h = op_{b<B} G(a + t·B + b) and j = a + t·B +
    arg_{b<B} G(a + t·B + b) + c, c free of t (module docstring); None otherwise."""
    red, arg = RED[op]
    if h.op is not red or h.args[0] is not const(0):
        return None
    b, B, G = h.attrs[0], h.args[1], h.args[2]
    if t in free_vars(B):
        return None
    parts = LP._addends(j)
    mine = [i for i, (x, s) in enumerate(parts) if s > 0 and x.op is arg and x.args[0] is const(0) and x.args[1] is B
            and TO.subst(x.args[2], {x.attrs[0]: var(b)}) is G]
    if len(mine) != 1:
        return None
    rest = LP._signed_sum([p for i, p in enumerate(parts) if i != mine[0]])
    k = f"k{t[1:]}"  # bound names are a letter and digits: t3 gives k3
    for a in _offsets(G, t, b, B):
        body = _linear_in(TO.subst(G, {b: build.sub(build.sub(var(k), a), build.mul(var(t), B))}), k)
        if {t, b} & free_vars(body):
            continue
        c = TO.linear(build.sub(rest, build.add(a, build.mul(var(t), B))))
        if t in free_vars(c) or b in free_vars(c):
            continue
        if not positive(B):
            return None

        def form(n: Term, a: Term = a, body: Term = body, c: Term = c) -> Term:
            hi = TO.linear(build.add(a, build.mul(n, B)))
            return build.add(c, build.binder(arg, k, a, hi, body))

        return form, build.add(a, c)
    return None


def _linear_in(t: Term, k: str) -> Term:
    """`TO.linear` on the sub-terms that mention k only: the others (a row mask `r < M`) stay as
    the kernel wrote them, so that the store's mask still finds them (`World.value`)."""
    return TO.transform(t, lambda n: TO.linear(n) if n.op in (Op.READ, *TO.COMPARISONS) and k in free_vars(n)
                        else None)


__all__ = ["PairRecurrence", "classify_pair"]
