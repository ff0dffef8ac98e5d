"""Scans in the prover: `tl.cumsum`/`tl.cumprod`, `tl.cummax`-style `tl.associative_scan` with a
jit combine function, and their carries across the blocks of a loop.

Lane l of an inclusive scan along an axis is the reduction over [0, l + 1) of the lane body
(`op_{b∈[0,l+1)} x(b)`), for a combine function that is +, ·, max or min of its two arguments
(found by running it on two opaque scalars, as `tl.reduce` is). A scan over a block of a loop
with a carry (`carry = max(carry, tl.max(x))`; `y = max(tl.associative_scan(x, 0, max_fn), carry)`)
needs no row of its own: the carry is a running max (`loops.py`), and the normalizer joins the
carry's flat range [0, s) with the block's prefix [s, s + l + 1) by the split lemmas, as it does
for cumsum. The block's prefix reads lanes b ≤ l of a masked tile; under the store's mask l < N
every one of them is in range, so the pads never count (`max_masked_head`, `min_masked_head`,
`sum_masked_head`, `prod_masked_head`). Reverse scans, tuple scans ((value, index) pairs) and other combine
functions are refused by name.
"""

from __future__ import annotations

from typing import Any

import z3

from ..dsl import build
from ..dsl.term import Op, Term, const, free_vars, var, walk
from ..errors import Unsupported
from . import lanetile as L
from . import termops as TO
from .induction import Induction, Lemma, Setup
from .lanetile import Lanes, as_lanes
from .reductions import Reductions
from .termops import subst

SCAN_OPS = {"sum": Op.SUM, "prod": Op.PROD, "max": Op.MAXR, "min": Op.MINR}
COMBINE = {Op.ADD: "sum", Op.MUL: "prod", Op.MAX: "max", Op.MIN: "min"}


class LaneScans:
    """The prover's scan hooks (a mixin of `vcgen.Evaluator`, before `LaneBuiltins`)."""

    loc: Any

    def scan(self, op: str, t: Any, axis: int, reverse: bool) -> Lanes:
        """Inclusive prefix: lane l of the axis is op over [0, l + 1) of the lane body."""
        if reverse or op not in SCAN_OPS:
            raise Unsupported(f"{'reverse ' if reverse else ''}{op} scans are not modelled by the prover", self.loc)
        x = as_lanes(t)
        if x.ptr is not None:
            raise TypeError("scan of a pointer tile")
        a = axis + x.rank if axis < 0 else axis
        if not 0 <= a < x.rank:
            raise TypeError(f"scan axis {axis} of a rank-{x.rank} tile")
        b = self._fresh()  # type: ignore[attr-defined]
        body = subst(x.term, {f"l{a}": var(b)})
        return Lanes(build.binder(SCAN_OPS[op], b, 0, build.add(L.lane(a), 1), body), x.shape, x.dtype)

    def tl_associative_scan(self, input: Any, axis: Any, combine_fn: Any, reverse: bool = False) -> Lanes:
        if isinstance(input, (tuple, list)):
            raise Unsupported("tl.associative_scan over a tuple of tiles is not modelled by the prover", self.loc)
        x = as_lanes(input)
        op = self.combine_op(combine_fn, x.dtype)
        if op is None:
            raise Unsupported("tl.associative_scan with a combine function other than +, ·, max or min", self.loc)
        from .lanebuiltins import static_int

        a = static_int(axis)
        if a is None:
            raise TypeError("the scan axis must be a compile-time integer")
        return self.scan(op, x, a, bool(reverse))

    def combine_op(self, combine_fn: Any, dtype: str) -> str | None:
        """sum, prod, max or min when `combine_fn(a, b)` is that operation of its two arguments."""
        a = Lanes(Term.make(Op.READ, (), ("%combine.a",)), (), dtype)
        b = Lanes(Term.make(Op.READ, (), ("%combine.b",)), (), dtype)
        r = self.call_function(combine_fn, [a, b], {})  # type: ignore[attr-defined]
        t = as_lanes(r).term if isinstance(r, (Lanes, int, float)) else None
        if t is None:
            return None
        if t.op in COMBINE and set(t.args) == {a.term, b.term}:
            return COMBINE[t.op]
        if t.op is Op.WHERE and t.args[0].op in (Op.GT, Op.LT, Op.GE, Op.LE) and \
                set(t.args[0].args) == {a.term, b.term} and {t.args[1], t.args[2]} == {a.term, b.term}:
            bigger = (t.args[0].op in (Op.GT, Op.GE)) == (t.args[0].args[0] is t.args[1])
            return "max" if bigger else "min"
        return None


# -- the carry joined with the block's prefix ------------------------------------------------------

def unshift(t: Term, red: Op) -> tuple[Term, Term] | None:
    """`red_{b∈[0,n)} f(s + b)` (a block's prefix, read at offset s) as `red_{k∈[s,s+n)} f(k)`, with
    the hypothesis 0 ≤ n of `tile_shift_<op>` read backwards; None when t has no offset s ≠ 0.
    The normalizer then joins it with a carry `red_{[0,s)} f` by the split lemma."""
    if t.op is not red or t.args[0] is not const(0):
        return None
    b, n, body = t.attrs[0], t.args[1], t.args[2]
    for s in _offsets(body, b):
        if s is const(0):
            continue
        cand = TO.linear(TO.subst(body, {b: build.sub(var("q7"), s)}))  # a name no binder has (q: not a normalizer name)
        if b in free_vars(cand):
            continue
        name = f"y{TO.height(cand)}"  # the normalizer's canonical name
        cand = TO.subst(cand, {"q7": var(name)})
        return build.binder(red, name, s, TO.linear(build.add(s, n)), cand), build.compare(Op.LE, const(0), n)
    return None


def _offsets(body: Term, b: str) -> list[Term]:
    """s for each index-like sub-term (tensor index, comparison side) that is s + b."""
    out: list[Term] = []
    for n in walk(body):
        if n.op is not Op.READ and n.op not in TO.COMPARISONS:
            continue
        for e in n.args:
            if b not in free_vars(e):
                continue
            try:
                p = TO.padd(TO.poly(e), {(var(b),): TO.Fraction(-1)})
            except ValueError:
                continue
            if any(b in free_vars(x) for m in p for x in m):
                continue
            s = TO.pterm(p)
            if s not in out:
                out.append(s)
    return out


# -- lemmas: a mask that holds on the whole prefix -------------------------------------------------

def _masked_head(op: str):
    """hi ≤ N → op_{k∈[lo,hi)} where(k < N, f(k), unit) = op_{[lo,hi)} f: induction on n ≥ lo of
    n ≤ N → the claim on [lo, n)."""

    def setup(R: Reductions) -> Setup:
        lo, hi, N = (R.T.var(n, "Int") for n in ("lo", "hi", "N"))
        M, F = getattr(R, f"{op}_masked"), getattr(R, op)

        def P(n):
            return z3.Implies(n <= N, M(lo, n, N) == F(lo, n))

        return Setup((lo, hi, N), M(lo, hi, N) == F(lo, hi), (("hi ≤ N", hi <= N),), ((M(lo, hi, N),),),
                     Induction(lo, P, (hi,)))

    return setup


LEMMAS: tuple[Lemma, ...] = tuple(
    Lemma(f"{op}_masked_head", f"hi ≤ N → {sym}_{{k∈[lo,hi)}} where(k < N, f(k), {unit}) = {sym}_{{[lo,hi)}} f  (a mask "
          "that holds on the whole range, as in a running max or product up to a lane < N)",
          "induction on n ≥ lo of n ≤ N → the claim on [lo, n)", _masked_head(op), uses,
          f"the masked {sym}", ("hi ≤ N",))
    for op, sym, unit, uses in (("max", "max", "−∞", ("max_ext",)), ("min", "min", "+∞", ("min_ext",)),
                                ("prod", "Π", "1", ())))
