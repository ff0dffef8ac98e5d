"""The lemma library: facts about reductions that need induction, each proved by the solver.

Each entry is proved by base + step + conclusion queries (induction.py); its proof is a test
(tests/verify/test_lemmas.py), which also checks that dropping a hypothesis listed in
`refuted_without` makes the claim false. VC generation then asserts `Lemma.axiom(R)` (quantified,
with the listed triggers) or `Lemma.instance(R, ...)` (ground), with R built over the kernel's
reduction body: lemmas are proved for an uninterpreted body f, so they hold for every body.

Notation: Σ_{[lo,hi)} is a sum over lo ≤ k < hi (empty ranges give 0, −∞ for max, +∞ for min);
`tile(s, n)` = Σ_{t∈[0,n)} f(s + t), a tile at offset s as `tl.arange` indexes it.
"""

from __future__ import annotations

import z3

from ..dsl.term import Op
from .axioms import BY_NAME as AXIOM
from .induction import Induction, Lemma, Setup
from .reductions import Reductions


def _ints(R: Reductions, *names: str):
    return [R.T.var(n, "Int") for n in names]


def _join(R: Reductions, op: str):
    return {"+": lambda x, y: x + y, "*": lambda x, y: x * y, "max": R.T.xmax, "min": R.T.xmin}[op]


def _split(fold: str, op: str, extra: tuple[tuple[str, str], ...] = ()):
    """F(lo, hi) = F(lo, mid) ⊕ F(mid, hi) for lo ≤ mid ≤ hi; induction on hi from mid."""

    def setup(R: Reductions) -> Setup:
        F, join = getattr(R, fold), _join(R, op)
        lo, mid, hi = _ints(R, "lo", "mid", "hi")
        ex = [R.T.var(n, s) for n, s in extra]

        def P(n):
            return F(lo, n, *ex) == join(F(lo, mid, *ex), F(mid, n, *ex))

        return Setup((lo, mid, hi, *ex), P(hi), (("lo ≤ mid", lo <= mid), ("mid ≤ hi", mid <= hi)),
                     ((F(lo, mid, *ex), F(mid, hi, *ex)),), Induction(mid, P, (hi,)))

    return setup


def _masked_tail(masked: str, plain: str):
    """M(lo, hi, N) = F(lo, N) for N ≤ hi, from P(n): M(lo, n, N) = F(lo, min(n, N))."""

    def setup(R: Reductions) -> Setup:
        M, F = getattr(R, masked), getattr(R, plain)
        lo, hi, N = _ints(R, "lo", "hi", "N")

        def P(n):
            return M(lo, n, N) == F(lo, z3.If(n <= N, n, N))

        return Setup((lo, hi, N), M(lo, hi, N) == F(lo, N), (("N ≤ hi", N <= hi),),
                     ((M(lo, hi, N),),), Induction(lo, P, (hi,)))

    return setup


def _same_range(lhs, rhs, extra: tuple[tuple[str, str], ...] = (), hints=None, triggers=None):
    """lhs(R, lo, hi, *x) = rhs(R, lo, hi, *x) on every range; induction on hi from lo. The
    trigger of the axiom form is the left-hand side unless `triggers` says otherwise."""

    def setup(R: Reductions) -> Setup:
        lo, hi = _ints(R, "lo", "hi")
        ex = [R.T.var(n, s) for n, s in extra]

        def P(n):
            return lhs(R, lo, n, *ex) == rhs(R, lo, n, *ex)

        h = (lambda n: hints(R, n, *ex)) if hints else None
        pats = triggers(R, lo, hi, *ex) if triggers else ((lhs(R, lo, hi, *ex),),)
        return Setup((lo, hi, *ex), P(hi), (), pats, Induction(lo, P, (hi,), h))

    return setup


def _rescaled(R: Reductions, lo, hi, p, d):
    return R.sum_exp(lo, hi, p) * R.exp(d)


def _shifted(R: Reductions, lo, hi, p, d):
    return R.sum_exp(lo, hi, p - d)


def _exp_add_hint(R: Reductions, n, p, d):
    # The step adds element n: exp(f(n) − p)·exp(d) = exp(f(n) − p + d), one instance of exp_add.
    name = "exp_add" if R.exp.name() == "f_exp_1" else "exp2_add"
    return (AXIOM[name].instance(R.T, R.f(n) - p, d),)


def _sum_shift(R: Reductions) -> Setup:
    s, n = _ints(R, "s", "n")
    return Setup((s, n), R.tile(s, n) == R.sum(s, s + n), (), ((R.tile(s, n),),),
                 Induction(R.T.int(0), lambda m: R.tile(s, m) == R.sum(s, s + m), (n,)))


def _tiles(R: Reductions) -> Setup:
    t, B = _ints(R, "T", "B")
    used = (LEMMA["sum_split"].axiom(R), LEMMA["sum_shift"].axiom(R))
    return Setup((t, B), R.tiles(t, B) == R.sum(0, t * B), (("0 ≤ B", B >= 0),), ((R.tiles(t, B),),),
                 Induction(R.T.int(0), lambda n: R.tiles(n, B) == R.sum(0, n * B), (t,)), used)


def _tile_step(R: Reductions) -> Setup:
    s, B, N = _ints(R, "s", "B", "N")

    def P(n):
        return R.sum(0, s) + R.tile_masked(s, n, N) == R.sum(0, z3.If(s + n <= N, s + n, N))

    return Setup((s, B, N), P(B), (("0 ≤ s", s >= 0), ("s ≤ N", s <= N), ("0 ≤ B", B >= 0)),
                 ((R.sum(0, s), R.tile_masked(s, B, N)),), Induction(R.T.int(0), P, (B,)))


def _scan_carry(R: Reductions) -> Setup:
    s, n = _ints(R, "s", "n")
    used = (LEMMA["sum_split"].axiom(R), LEMMA["sum_shift"].axiom(R))
    return Setup((s, n), R.sum(0, s) + R.tile(s, n) == R.sum(0, s + n), (("0 ≤ s", s >= 0), ("0 ≤ n", n >= 0)),
                 ((R.sum(0, s), R.tile(s, n)),), None, used)


def _online_softmax(R: Reductions) -> Setup:
    # The loop-carried values are constants tied down by hypotheses, as in a preservation VC;
    # written as nested terms instead, z3's preprocessing rewrites exp(val(m) − val(m')) so that
    # the rescale trigger no longer matches (measured: timeout instead of 15 ms).
    T = R.T
    i, L = _ints(R, "i", "L")
    m, m2, s = T.var("m", "XReal"), T.var("m'", "XReal"), T.var("s")
    p, q = T.val(m), T.val(m2)
    s2 = s * R.exp(p - q) + R.sum_exp(i, i + L, q)
    claim = z3.And(m2 == R.max(0, i + L), s2 == R.sum_exp(0, i + L, q))
    hyps = (("0 ≤ i", i >= 0), ("0 ≤ L", L >= 0), ("m = max_{[0,i)} f", m == R.max(0, i)),
            ("s = Σ_{[0,i)} exp(f − m)", s == R.sum_exp(0, i, p)),
            ("m' = max(m, max_{[i,i+L)} f)", m2 == T.xmax(m, R.max(i, i + L))))
    used = tuple(LEMMA[n].axiom(R) for n in ("max_split", "sum_exp_split", "sum_exp_rescale"))
    return Setup((i, L, m, m2, s), claim, hyps, (), None, used)


def _arg_masked_tail(masked: str, plain: str, value: str):
    """A(lo, hi, N) = argext(lo, N) for N ≤ hi, from P(n) for n > lo: the masked arg-extreme over
    [lo, n) is the plain one over [lo, min(n, N)); the step needs that one to lie in its range
    (the `value` lemma)."""

    def setup(R: Reductions) -> Setup:
        M, F = getattr(R, masked), getattr(R, plain)
        lo, hi, N = _ints(R, "lo", "hi", "N")

        def P(n):
            return M(lo, n, N) == F(lo, z3.If(n <= N, n, N))

        return Setup((lo, hi, N), M(lo, hi, N) == F(lo, N), (("N ≤ hi", N <= hi),),
                     ((M(lo, hi, N),),), Induction(lo + 1, P, (hi,)), (LEMMA[value].axiom(R),))

    return setup


def _padded_tail(padded: str, plain: str, bound):
    """Pad lanes holding a constant c that no real lane beats: P(n) for n > lo says the padded
    extreme over [lo, n) is the plain one over [lo, min(n, N)), joined with c once n > N."""

    def setup(R: Reductions) -> Setup:
        M, F, T = getattr(R, padded), getattr(R, plain), R.T
        lo, hi, N = _ints(R, "lo", "hi", "N")
        c, k = T.var("c"), T.var("k", "Int")
        join = T.xmax if plain == "max" else T.xmin

        def P(n):
            return M(lo, n, N, c) == z3.If(n <= N, F(lo, n), join(F(lo, N), T.fin(c)))

        everywhere = z3.ForAll([k], z3.Implies(z3.And(lo <= k, k < N), bound(R.f(k), c)), patterns=[R.f(k)])
        # the join with c is c's absorption: max(F, c) = F when F ≥ c, proved as its own query
        # would need induction again; instead the step keeps it and the conclusion drops it
        # through the second lemma below.
        return Setup((lo, hi, N, c), M(lo, hi, N, c) == F(lo, N),
                     (("lo < N", lo < N), ("N ≤ hi", N <= hi), ("f bounded by c on [lo, N)", everywhere)),
                     ((M(lo, hi, N, c),),), Induction(lo + 1, P, (hi,)), (LEMMA[f"{plain}_bounded"].axiom(R),))

    return setup


def _bounded(plain: str, bound):
    """The extreme of f over a non-empty range is bounded by c when every f(k) is."""

    def setup(R: Reductions) -> Setup:
        F, T = getattr(R, plain), R.T
        lo, hi = _ints(R, "lo", "hi")
        c, k = T.var("c"), T.var("k", "Int")
        join = T.xmax if plain == "max" else T.xmin

        def P(n):
            return join(F(lo, n), T.fin(c)) == F(lo, n)

        everywhere = z3.ForAll([k], z3.Implies(z3.And(lo <= k, k < hi), bound(R.f(k), c)), patterns=[R.f(k)])
        return Setup((lo, hi, c), P(hi), (("lo < hi", lo < hi), ("f bounded by c on [lo, hi)", everywhere)),
                     ((F(lo, hi), T.fin(c)),),
                     Induction(lo + 1, lambda n: z3.Implies(n <= hi, P(n)), (hi,)))

    return setup


def _joined(joined: str, plain: str):
    """A value c joined into every element of a non-empty max/min is joined once outside it:
    P(n) for n > lo says the joined extreme over [lo, n) is c joined with the plain one."""

    def setup(R: Reductions) -> Setup:
        J, F, T = getattr(R, joined), getattr(R, plain), R.T
        lo, hi = _ints(R, "lo", "hi")
        c = T.var("c", "XReal")
        join = T.xmax if plain == "max" else T.xmin

        def P(n):
            return J(lo, n, c) == join(c, F(lo, n))

        return Setup((lo, hi, c), P(hi), (("lo < hi", lo < hi),), ((J(lo, hi, c),),), Induction(lo + 1, P, (hi,)))

    return setup


def _join_padded(padded: str, plain: str):
    """Pad lanes holding the value c that is joined with the whole extreme anyway: P(n) for
    n ≥ lo says c joined with the padded extreme over [lo, n) is c joined with the plain one
    over [lo, min(n, N)). No bound on f is needed (the pads are absorbed by the outer join)."""

    def setup(R: Reductions) -> Setup:
        M, F, T = getattr(R, padded), getattr(R, plain), R.T
        lo, hi, N = _ints(R, "lo", "hi", "N")
        c = T.var("c")
        join = T.xmax if plain == "max" else T.xmin

        def P(n):
            return join(T.fin(c), M(lo, n, N, c)) == join(T.fin(c), F(lo, z3.If(n <= N, n, N)))

        claim = join(T.fin(c), M(lo, hi, N, c)) == join(T.fin(c), F(lo, N))
        return Setup((lo, hi, N, c), claim, (("N ≤ hi", N <= hi),), ((T.fin(c), M(lo, hi, N, c)),),
                     Induction(lo, P, (hi,)))

    return setup


def _sum_masked_head(R: Reductions) -> Setup:
    lo, hi, N = _ints(R, "lo", "hi", "N")

    def P(n):
        return z3.Implies(n <= N, R.sum_masked(lo, n, N) == R.sum(lo, n))

    return Setup((lo, hi, N), R.sum_masked(lo, hi, N) == R.sum(lo, hi), (("hi ≤ N", hi <= N),),
                 ((R.sum_masked(lo, hi, N),),), Induction(lo, P, (hi,)))


def _argmax_split(R: Reductions) -> Setup:
    lo, mid, hi = _ints(R, "lo", "mid", "hi")
    A, f = R.argmax, R.f

    def P(n):
        return A(lo, n) == z3.If(f(A(mid, n)) > f(A(lo, mid)), A(mid, n), A(lo, mid))

    return Setup((lo, mid, hi), P(hi), (("lo < mid", lo < mid), ("mid < hi", mid < hi)),
                 ((A(lo, mid), A(mid, hi)),), Induction(mid + 1, P, (hi,)))


def _argmax_value(R: Reductions) -> Setup:
    lo, hi = _ints(R, "lo", "hi")
    A = R.argmax

    def P(n):
        return z3.And(R.T.fin(R.f(A(lo, n))) == R.max(lo, n), lo <= A(lo, n), A(lo, n) < n)

    return Setup((lo, hi), P(hi), (("lo < hi", lo < hi),), ((A(lo, hi),),), Induction(lo + 1, P, (hi,)))


def _argmin_value(R: Reductions) -> Setup:
    lo, hi = _ints(R, "lo", "hi")
    A = R.argmin

    def P(n):
        return z3.And(R.T.fin(R.f(A(lo, n))) == R.min(lo, n), lo <= A(lo, n), A(lo, n) < n)

    return Setup((lo, hi), P(hi), (("lo < hi", lo < hi),), ((A(lo, hi),),), Induction(lo + 1, P, (hi,)))


def _tile_shift(op: str):
    """tile_of(s, n) = flat(s, s + n) for n ≥ 0: induction on n from 0."""

    def setup(R: Reductions) -> Setup:
        s, n = _ints(R, "s", "n")
        tile, F = R.tile_of(op), R.flat(op)
        return Setup((s, n), tile(s, n) == F(s, s + n), (("0 ≤ n", n >= 0),), ((tile(s, n),),),
                     Induction(R.T.int(0), lambda m: tile(s, m) == F(s, s + m), (n,)))

    return setup


def _tiles_flat(op: str):
    """tile_rows(lo, hi, a, B) = flat(a + lo·B, a + hi·B): induction on hi from lo; the step adds
    the tile at a + hi·B, re-indexed by tile_shift and joined by the split lemma."""

    def setup(R: Reductions) -> Setup:
        lo, hi, a, B = _ints(R, "lo", "hi", "a", "B")
        G, F = R.tile_rows(op), R.flat(op)

        def P(n):
            return G(lo, n, a, B) == F(a + lo * B, a + n * B)

        def hints(n):
            # ground instances of the two lemmas at the step's tile (quantified forms plus the
            # products n·B sent z3 into a 5 s timeout; these instances prove it in milliseconds)
            s0, s1 = a + n * B, a + n * B + B
            return (LEMMA[f"{op}_split"].instance(R, a + lo * B, s0, s1),
                    LEMMA[f"tile_shift_{op}"].instance(R, s0, B), a + (n + 1) * B == s1)

        return Setup((lo, hi, a, B), P(hi), (("lo ≤ hi", lo <= hi), ("0 ≤ B", B >= 0)),
                     ((G(lo, hi, a, B),),), Induction(lo, P, (hi,), hints))

    return setup


def _swap_empty(op: str):
    """cols(lo1, hi1, lo2, hi2) = unit when hi1 ≤ lo1: every inner reduction is empty."""

    def setup(R: Reductions) -> Setup:
        lo1, hi1, lo2, hi2 = _ints(R, "lo1", "hi1", "lo2", "hi2")
        C, unit = R.cols(op), R.monoid(op)[0]

        def P(n):
            return C(lo1, hi1, lo2, n) == unit

        return Setup((lo1, hi1, lo2, hi2), P(hi2), (("hi1 ≤ lo1", hi1 <= lo1),), ((C(lo1, hi1, lo2, hi2),),),
                     Induction(lo2, P, (hi2,)))

    return setup


def _swap_step(op: str):
    """cols over [lo1, n+1) is cols over [lo1, n) joined with the row at a = n: induction on hi2."""

    def setup(R: Reductions) -> Setup:
        lo1, n, lo2, hi2 = _ints(R, "lo1", "n", "lo2", "hi2")
        C, row, join = R.cols(op), R.row_of(op), R.monoid(op)[1]

        def P(m):
            return C(lo1, n + 1, lo2, m) == join(C(lo1, n, lo2, m), row(n, lo2, m))

        return Setup((lo1, n, lo2, hi2), P(hi2), (("lo1 ≤ n", lo1 <= n),), ((C(lo1, n, lo2, hi2),),),
                     Induction(lo2, P, (hi2,)))

    return setup


def _swap(op: str):
    """rows = cols: induction on hi1 from lo1, the step by one instance of {op}_swap_step."""

    def setup(R: Reductions) -> Setup:
        lo1, hi1, lo2, hi2 = _ints(R, "lo1", "hi1", "lo2", "hi2")
        rows, cols = R.rows(op), R.cols(op)

        def P(n):
            return rows(lo1, n, lo2, hi2) == cols(lo1, n, lo2, hi2)

        def hints(n):
            return (LEMMA[f"{op}_swap_step"].instance(R, lo1, n, lo2, hi2),)

        used = (LEMMA[f"{op}_swap_empty"].axiom(R),)
        return Setup((lo1, hi1, lo2, hi2), P(hi1), (), ((rows(lo1, hi1, lo2, hi2),),),
                     Induction(lo1, P, (hi1,), hints), used)

    return setup


def _dot(R: Reductions, k):
    return R.fa(k) * R.fb(k)


_SPLIT_TEXT = "induction on hi from mid; the step unfolds both sides at hi"
_MASK_TEXT = "induction on n ≥ lo of M(lo, n, N) = F(lo, min(n, N)), used at n = hi"

LEMMAS: tuple[Lemma, ...] = (
    Lemma("sum_split", "lo ≤ mid ≤ hi → Σ_{[lo,hi)} f = Σ_{[lo,mid)} f + Σ_{[mid,hi)} f",
          _SPLIT_TEXT, _split("sum", "+"), trigger_text="{Σ_{[lo,mid)} f, Σ_{[mid,hi)} f}",
          refuted_without=("lo ≤ mid", "mid ≤ hi")),
    Lemma("sum_shift", "tile(s, n) = Σ_{[s,s+n)} f  (re-indexing a tile at offset s)",
          "induction on n from 0", _sum_shift, trigger_text="tile(s, n)"),
    Lemma("sum_masked_tail", "N ≤ hi → Σ_{k∈[lo,hi)} where(k < N, f(k), 0) = Σ_{[lo,N)} f",
          _MASK_TEXT, _masked_tail("sum_masked", "sum"), trigger_text="the masked sum",
          refuted_without=("N ≤ hi",)),
    Lemma("sum_masked_head", "hi ≤ N → Σ_{k∈[lo,hi)} where(k < N, f(k), 0) = Σ_{[lo,hi)} f  (a mask that "
          "holds on the whole range, as in a prefix sum up to a lane < N)",
          "induction on n ≥ lo of n ≤ N → the claim on [lo, n)", _sum_masked_head, trigger_text="the masked sum",
          refuted_without=("hi ≤ N",)),
    Lemma("sum_linear", "Σ_{[lo,hi)} (f + g) = Σ_{[lo,hi)} f + Σ_{[lo,hi)} g", "induction on hi from lo",
          _same_range(lambda R, lo, hi: R.sum_f_plus_g(lo, hi), lambda R, lo, hi: R.sum(lo, hi) + R.sum_g(lo, hi)),
          trigger_text="Σ (f + g)"),
    Lemma("sum_scale", "Σ_{[lo,hi)} c·f = c·Σ_{[lo,hi)} f  (c independent of k)", "induction on hi from lo",
          _same_range(lambda R, lo, hi, c: R.sum_scaled(lo, hi, c), lambda R, lo, hi, c: c * R.sum(lo, hi),
                      (("c", "Real"),)), trigger_text="Σ c·f"),
    Lemma("tiles_sum", "0 ≤ B → Σ_{i∈[0,T)} tile(i·B, B) = Σ_{[0,T·B)} f  (whole tiles of width B)",
          "induction on T from 0; the step uses sum_shift and sum_split through their triggers",
          _tiles, ("sum_split", "sum_shift"), "Σ over tiles", ("0 ≤ B",)),
    Lemma("tile_step", "0 ≤ s ≤ N ∧ 0 ≤ B → Σ_{[0,s)} f + Σ_{t∈[0,B)} where(s+t < N, f(s+t), 0) = "
          "Σ_{[0,min(s+B,N))} f  (one masked tile of `for s in range(0, N, B)`)",
          "induction on the tile width from 0", _tile_step, trigger_text="{Σ_{[0,s)} f, masked tile}",
          refuted_without=("0 ≤ s", "s ≤ N", "0 ≤ B")),
    Lemma("dot_tile_step", "tile_step for the body a(k)·b(k): accumulating a dot product over masked tiles",
          "tile_step's proof with the body a·b", _tile_step, trigger_text="{Σ_{[0,s)} a·b, masked tile}",
          refuted_without=("s ≤ N",), body=_dot),
    Lemma("scan_carry", "0 ≤ s ∧ 0 ≤ n → Σ_{[0,s)} f + tile(s, n) = Σ_{[0,s+n)} f  (a scan's carry plus "
          "the tile's inclusive prefix)", "direct, from sum_shift and sum_split through their triggers",
          _scan_carry, ("sum_split", "sum_shift"), "{Σ_{[0,s)} f, tile(s, n)}", ("0 ≤ s", "0 ≤ n")),
    Lemma("prod_split", "lo ≤ mid ≤ hi → Π_{[lo,hi)} f = Π_{[lo,mid)} f · Π_{[mid,hi)} f", _SPLIT_TEXT,
          _split("prod", "*"), trigger_text="{Π_{[lo,mid)} f, Π_{[mid,hi)} f}", refuted_without=("lo ≤ mid", "mid ≤ hi")),
    Lemma("prod_masked_tail", "N ≤ hi → Π_{k∈[lo,hi)} where(k < N, f(k), 1) = Π_{[lo,N)} f",
          _MASK_TEXT, _masked_tail("prod_masked", "prod"), trigger_text="the masked product",
          refuted_without=("N ≤ hi",)),
    Lemma("max_split", "lo ≤ mid ≤ hi → max_{[lo,hi)} f = max(max_{[lo,mid)} f, max_{[mid,hi)} f)",
          _SPLIT_TEXT, _split("max", "max"), ("max_ext",), "{max_{[lo,mid)} f, max_{[mid,hi)} f}",
          ("lo ≤ mid", "mid ≤ hi")),
    Lemma("min_split", "lo ≤ mid ≤ hi → min_{[lo,hi)} f = min(min_{[lo,mid)} f, min_{[mid,hi)} f)",
          _SPLIT_TEXT, _split("min", "min"), ("min_ext",), "{min_{[lo,mid)} f, min_{[mid,hi)} f}",
          ("lo ≤ mid",)),
    Lemma("max_masked_tail", "N ≤ hi → max_{k∈[lo,hi)} where(k < N, f(k), −∞) = max_{[lo,N)} f",
          _MASK_TEXT, _masked_tail("max_masked", "max"), ("max_ext",), "the masked max", ("N ≤ hi",)),
    Lemma("min_masked_tail", "N ≤ hi → min_{k∈[lo,hi)} where(k < N, f(k), +∞) = min_{[lo,N)} f",
          _MASK_TEXT, _masked_tail("min_masked", "min"), ("min_ext",), "the masked min", ("N ≤ hi",)),
    Lemma("sum_exp_split", "sum_split for Σ_{[lo,hi)} exp(f(k) − c)", _SPLIT_TEXT,
          _split("sum_exp", "+", (("c", "Real"),)), trigger_text="{Σ_{[lo,mid)} exp(f − c), Σ_{[mid,hi)} exp(f − c)}",
          refuted_without=("lo ≤ mid",)),
    Lemma("sum_exp_rescale", "Σ_{[lo,hi)} exp(f(k) − p) · exp(d) = Σ_{[lo,hi)} exp(f(k) − (p − d))  "
          "(with d = p − q: rescaling a sum from max p to max q)",
          "induction on hi from lo; the step uses the one instance of exp_add at the new element",
          _same_range(_rescaled, _shifted, (("p", "Real"), ("d", "Real")), _exp_add_hint,
                      lambda R, lo, hi, p, d: ((R.sum_exp(lo, hi, p), R.exp(d)),)),
          ("exp_add",), "{Σ_{[lo,hi)} exp(f − p), exp(d)}: plain variables (a trigger on the product "
          "timed out in online_softmax_step)"),
    Lemma("sum_exp2_rescale", "sum_exp_rescale with exp2 (kernels that scale by log2 e and use exp2)",
          "as sum_exp_rescale, with exp2_add",
          _same_range(_rescaled, _shifted, (("p", "Real"), ("d", "Real")), _exp_add_hint,
                      lambda R, lo, hi, p, d: ((R.sum_exp(lo, hi, p), R.exp(d)),)),
          ("exp2_add",), "{Σ_{[lo,hi)} exp2(f − p), exp2(d)}", exp=Op.EXP2),
    Lemma("online_softmax_step", "0 ≤ i ∧ 0 ≤ L ∧ m = max_{[0,i)} f ∧ s = Σ_{[0,i)} exp(f − m) ∧ "
          "m' = max(m, max_{[i,i+L)} f) → m' = max_{[0,i+L)} f ∧ "
          "s·exp(m − m') + Σ_{[i,i+L)} exp(f − m') = Σ_{[0,i+L)} exp(f − m')",
          "direct, from max_split, sum_exp_split and sum_exp_rescale through their triggers (m = −∞ "
          "when i = 0 is harmless: s = 0 then)", _online_softmax,
          ("max_split", "sum_exp_split", "sum_exp_rescale", "max_ext"),
          "none: a template that VC generation instantiates", ("0 ≤ L",)),
    Lemma("argmax_split", "lo < mid < hi → argmax_{[lo,hi)} f = (j2 if f(j2) > f(j1) else j1) with "
          "j1 = argmax_{[lo,mid)} f, j2 = argmax_{[mid,hi)} f  (first index wins ties)",
          "induction on hi from mid + 1", _argmax_split, trigger_text="{argmax_{[lo,mid)} f, argmax_{[mid,hi)} f}",
          refuted_without=("lo < mid",)),
    Lemma("argmax_value", "lo < hi → f(argmax_{[lo,hi)} f) = max_{[lo,hi)} f ∧ lo ≤ argmax_{[lo,hi)} f < hi",
          "induction on hi from lo + 1", _argmax_value, ("max_ext",), "argmax_{[lo,hi)} f", ("lo < hi",)),
    Lemma("argmin_value", "lo < hi → f(argmin_{[lo,hi)} f) = min_{[lo,hi)} f ∧ lo ≤ argmin_{[lo,hi)} f < hi",
          "induction on hi from lo + 1", _argmin_value, ("min_ext",), "argmin_{[lo,hi)} f", ("lo < hi",)),
    Lemma("max_bounded", "lo < hi ∧ (∀k∈[lo,hi). f(k) ≥ c) → max(max_{[lo,hi)} f, c) = max_{[lo,hi)} f",
          "induction on n > lo", _bounded("max", lambda x, c: x >= c), ("max_ext",),
          "{max_{[lo,hi)} f, c}", ("f bounded by c on [lo, hi)",)),
    Lemma("min_bounded", "lo < hi ∧ (∀k∈[lo,hi). f(k) ≤ c) → min(min_{[lo,hi)} f, c) = min_{[lo,hi)} f",
          "induction on n > lo", _bounded("min", lambda x, c: x <= c), ("min_ext",),
          "{min_{[lo,hi)} f, c}", ("f bounded by c on [lo, hi)",)),
    Lemma("max_join_out", "lo < hi → max_{k∈[lo,hi)} max(c, f(k)) = max(c, max_{[lo,hi)} f)  (a per-lane running "
          "max started at c instead of −∞, reduced over its lanes after the loop: c is joined once)",
          "induction on n > lo", _joined("max_joined", "max"), ("max_ext",), "the joined max", ("lo < hi",)),
    Lemma("min_join_out", "lo < hi → min_{k∈[lo,hi)} min(c, f(k)) = min(c, min_{[lo,hi)} f)",
          "as max_join_out", _joined("min_joined", "min"), ("min_ext",), "the joined min", ("lo < hi",)),
    Lemma("max_join_padded", "N ≤ hi → max(c, max_{k∈[lo,hi)} where(k < N, f(k), c)) = max(c, max_{[lo,N)} f)  "
          "(pad lanes holding the value the whole max is joined with: a running max started at 0 over "
          "lanes loaded with other=0)", "induction on n ≥ lo, as max_masked_tail",
          _join_padded("max_padded", "max"), ("max_ext",), "{c, the padded max}", ("N ≤ hi",)),
    Lemma("min_join_padded", "N ≤ hi → min(c, min_{k∈[lo,hi)} where(k < N, f(k), c)) = min(c, min_{[lo,N)} f)",
          "as max_join_padded", _join_padded("min_padded", "min"), ("min_ext",), "{c, the padded min}",
          ("N ≤ hi",)),
    Lemma("max_padded_tail", "lo < N ≤ hi ∧ (∀k∈[lo,N). f(k) ≥ c) → max_{k∈[lo,hi)} where(k < N, f(k), c) = "
          "max_{[lo,N)} f  (pad lanes holding a value no real lane is below, e.g. 0 under abs)",
          "induction on n > lo of: the padded max over [lo, n) is the max over [lo, min(n, N)), joined with c "
          "once n > N; the conclusion drops c by max_bounded", _padded_tail("max_padded", "max", lambda x, c: x >= c),
          ("max_ext", "max_bounded"), "the padded max", ("lo < N", "f bounded by c on [lo, N)")),
    Lemma("min_padded_tail", "lo < N ≤ hi ∧ (∀k∈[lo,N). f(k) ≤ c) → min_{k∈[lo,hi)} where(k < N, f(k), c) = "
          "min_{[lo,N)} f", "as max_padded_tail, with min_bounded",
          _padded_tail("min_padded", "min", lambda x, c: x <= c), ("min_ext", "min_bounded"), "the padded min",
          ("lo < N", "f bounded by c on [lo, N)")),
    Lemma("argmax_masked_tail", "N ≤ hi → argmax_{k∈[lo,hi)} where(k < N, f(k), −∞) = argmax_{[lo,N)} f  "
          "(first index of the maximum; a −∞ lane never wins)",
          "induction on n > lo of: the masked argmax over [lo, n) is the argmax over [lo, min(n, N)), "
          "which lies in that range when it is not empty", _arg_masked_tail("argmax_masked", "argmax", "argmax_value"),
          ("max_ext", "argmax_value"), "the masked argmax", ("N ≤ hi",)),
    Lemma("argmin_masked_tail", "N ≤ hi → argmin_{k∈[lo,hi)} where(k < N, f(k), +∞) = argmin_{[lo,N)} f",
          "as argmax_masked_tail", _arg_masked_tail("argmin_masked", "argmin", "argmin_value"),
          ("min_ext", "argmin_value"),
          "the masked argmin", ("N ≤ hi",)),
)

_OPS = {"sum": ("Σ", ()), "prod": ("Π", ()), "max": ("max", ("max_ext",)), "min": ("min", ("min_ext",))}

LEMMAS += tuple(
    Lemma(f"tile_shift_{op}", f"0 ≤ n → {sym}_{{b∈[0,n)}} f(s + b) = {sym}_{{[s,s+n)}} f  (re-indexing a tile at offset s)",
          "induction on n from 0", _tile_shift(op), ext, f"{sym}_{{b∈[0,n)}} f(s + b)")
    for op, (sym, ext) in _OPS.items())
LEMMAS += tuple(
    Lemma(f"tiles_flat_{op}", f"lo ≤ hi ∧ 0 ≤ B → {sym}_{{u∈[lo,hi)}} {sym}_{{b∈[0,B)}} f(a + u·B + b) = "
          f"{sym}_{{[a+lo·B, a+hi·B)}} f  (a loop over tiles of width B, or a launch over partial results, "
          "is one reduction over the flat range)",
          "induction on hi from lo; the step re-indexes the new tile (tile_shift) and joins it (split); "
          "its one hint is the ring identity a + (n+1)·B = a + n·B + B",
          _tiles_flat(op), (f"{op}_split", f"tile_shift_{op}", *ext), "the nested reduction")
    for op, (sym, ext) in _OPS.items())

# Π is left out: its step is nonlinear ((x·y)·(z·w) regrouped over recursive terms) and z3 times out
# on it (measured, 10 s); per-lane product accumulators are rare.
for op, (sym, ext) in ((k, v) for k, v in _OPS.items() if k != "prod"):
    LEMMAS += (
        Lemma(f"{op}_swap_empty", f"hi1 ≤ lo1 → {sym}_{{b∈[lo2,hi2)}} {sym}_{{a∈[lo1,hi1)}} h(a, b) = "
              f"{sym} of nothing", "induction on hi2 from lo2", _swap_empty(op), ext, "the nested reduction",
              ("hi1 ≤ lo1",)),
        Lemma(f"{op}_swap_step", f"lo1 ≤ n → {sym}_{{b∈[lo2,hi2)}} {sym}_{{a∈[lo1,n+1)}} h(a, b) = "
              f"{sym}_{{b∈[lo2,hi2)}} {sym}_{{a∈[lo1,n)}} h(a, b) ⊕ {sym}_{{b∈[lo2,hi2)}} h(n, b)",
              "induction on hi2 from lo2; the step regroups ⊕ (associative, commutative)", _swap_step(op), ext,
              "the nested reduction", ("lo1 ≤ n",)),
        Lemma(f"{op}_swap", f"{sym}_{{a∈[lo1,hi1)}} {sym}_{{b∈[lo2,hi2)}} h(a, b) = "
              f"{sym}_{{b∈[lo2,hi2)}} {sym}_{{a∈[lo1,hi1)}} h(a, b)  (bounds independent of a and b: "
              "a per-lane accumulator reduced over its lanes after a loop is the loop over lane reductions)",
              f"induction on hi1 from lo1; base by {op}_swap_empty, step by one instance of {op}_swap_step",
              _swap(op), (f"{op}_swap_empty", f"{op}_swap_step", *ext), "the nested reduction"),
    )

from .lemmas_pairs import LEMMAS as _PAIRS  # noqa: E402  (the (value, index) pair rows: loops_argmax.py)
from .lemmas_softmax import SOFTMAX_LEMMAS  # noqa: E402  (rows registered from their own modules)
from .loops_scan import LEMMAS as _SCANS  # noqa: E402  (scans: loops_scan.py)

LEMMAS += _PAIRS + _SCANS + SOFTMAX_LEMMAS
LEMMA: dict[str, Lemma] = {lem.name: lem for lem in LEMMAS}


def lemmas_text() -> str:
    """The library as plain text: what VC generation may cite without re-proving it."""
    out = ["Lemmas (proved by induction in tests/verify/test_lemmas.py; cited by VCs without re-proof):"]
    for lem in LEMMAS:
        out.append(f"  {lem.name}: {lem.statement}")
        out.append(f"      proof: {lem.method}" + (f"; uses {', '.join(lem.uses)}" if lem.uses else ""))
    return "\n".join(out) + "\n"
