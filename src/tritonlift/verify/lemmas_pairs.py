"""Lemmas of the (value, index) pair rows (`loops_argmax.py`): argmax/argmin across iterations.

The bodies here are extended reals (`fx : Int → XReal`): a block's maximum over masked lanes is
−∞ when every lane of it is masked, so the rows must hold for −∞ (and +∞) values too. The
functions, all folds on the upper end like those of `reductions.py`:

    xext(lo, hi)   max (min) of fx over [lo, hi), −∞ (+∞) when empty
    xarg(lo, hi)   the first k of [lo, hi) holding it (strictly better replaces), lo when empty
    xtile(s, n)    max (min) of fx(s + b) over b ∈ [0, n)     (a tile as `tl.arange` indexes it)
    xtarg(s, n)    the first b ∈ [0, n) holding it
    xouter(lo, hi, B)  the first u ∈ [lo, hi) whose tile at st(u) has the largest (smallest)
                   extreme: `ARGMAX_u MAXR_b fx(a + u·B + b)`, the loop's block index, with the
                   tile starts st(u) = a + mulb(u, B) (mulb: u·B as a recursion, `mul_rec`)

The lemmas (each proved by induction in tests/verify/test_lemmas.py, each listed hypothesis
shown needed):

    <op>_pair_step     the closed form of the pair row satisfies the loop's update
    x<op>_value        fx(xarg(lo, hi)) = xext(lo, hi), lo ≤ xarg < hi   (lo < hi)
    x<op>_split        xarg over [lo, hi) from the two halves at mid (first index wins ties)
    xtile_shift_<op>   xtile(s, n) = xext(s, s + n), s + xtarg(s, n) = xarg(s, s + n)
    arg<op>_tiles_flat the block index and the index inside it are the flat first index:
                       st(U) + xtarg(st(U), B) = xarg(st(lo), st(hi)), U = xouter(lo, hi, B)
"""

from __future__ import annotations

import z3

from .induction import Induction, Lemma, Setup
from .reductions import Reductions

OPS = ("max", "min")


def _fx(R: Reductions):
    f = getattr(R, "_fx", None)
    if f is None:
        f = R._fx = z3.Function("fx", R.T.Int, R.T.XReal)  # type: ignore[attr-defined]
    return f


def better(R: Reductions, op: str, a, b) -> z3.BoolRef:
    """a strictly above b (max) or below b (min) in the extended reals."""
    T = R.T
    if op == "min":
        a, b = b, a
    return z3.Or(z3.And(z3.Not(T.is_neginf(a)), T.is_neginf(b)),
                 z3.And(T.is_posinf(a), z3.Not(T.is_posinf(b))),
                 z3.And(T.is_fin(a), T.is_fin(b), T.val(a) > T.val(b)))


def _unit(R: Reductions, op: str):
    return R.T.NEG_INF if op == "max" else R.T.POS_INF


def _join(R: Reductions, op: str, a, b):
    return R.T.xmax(a, b) if op == "max" else R.T.xmin(a, b)


def xext(R: Reductions, op: str):
    fx = _fx(R)
    return R._fold(f"x{op}_fx", (), "XReal", _unit(R, op), lambda acc, k: _join(R, op, acc, fx(k)))


def xarg(R: Reductions, op: str):
    fx = _fx(R)
    return R._rec(f"xarg{op}_fx", (("lo", "Int"), ("hi", "Int")), "Int", lambda F, lo, hi: z3.If(
        hi <= lo + 1, lo, z3.If(better(R, op, fx(hi - 1), fx(F(lo, hi - 1))), hi - 1, F(lo, hi - 1))))


def xtile(R: Reductions, op: str):
    fx = _fx(R)
    return R._rec(f"xtile{op}_fx", (("s", "Int"), ("n", "Int")), "XReal", lambda F, s, n: z3.If(
        n <= 0, _unit(R, op), _join(R, op, F(s, n - 1), fx(s + n - 1))))


def xtarg(R: Reductions, op: str):
    fx = _fx(R)
    return R._rec(f"xtarg{op}_fx", (("s", "Int"), ("n", "Int")), "Int", lambda F, s, n: z3.If(
        n <= 1, 0, z3.If(better(R, op, fx(s + n - 1), fx(s + F(s, n - 1))), n - 1, F(s, n - 1))))


def mulb(R: Reductions):
    """mulb(u, B) = u·B for u ≥ 0, by recursion on u (0 below): a product z3 sees as a definition,
    not as nonlinear arithmetic (next to recursive functions it gives up on that: measured)."""
    return R._rec("mulb", (("u", "Int"), ("B", "Int")), "Int", lambda F, u, B: z3.If(u <= 0, 0, F(u - 1, B) + B))


def _st(R: Reductions):
    """st(u) = a + u·B, a tile's start in a loop from a with step B."""
    a, B = R.T.var("a", "Int"), R.T.var("B", "Int")
    m = mulb(R)
    return lambda u: a + m(u, B)


def xouter(R: Reductions, op: str):
    """xouter(lo, hi, B): the first u ∈ [lo, hi) whose tile of width B at st(u) has the best
    extreme; st(u) = a + u·B, a loop's tile starts."""
    tile, st = xtile(R, op), _st(R)
    return R._rec(f"xouter{op}_fx", (("lo", "Int"), ("hi", "Int"), ("B", "Int")), "Int",
                  lambda F, lo, hi, B: z3.If(hi <= lo + 1, lo, z3.If(
                      better(R, op, tile(st(hi - 1), B), tile(st(F(lo, hi - 1, B)), B)), hi - 1, F(lo, hi - 1, B))))


def _ints(R: Reductions, *names: str):
    return [R.T.var(n, "Int") for n in names]


def _value(op: str):
    def setup(R: Reductions) -> Setup:
        lo, hi = _ints(R, "lo", "hi")
        A, M, fx = xarg(R, op), xext(R, op), _fx(R)

        def P(n):
            return z3.And(fx(A(lo, n)) == M(lo, n), lo <= A(lo, n), A(lo, n) < n)

        return Setup((lo, hi), P(hi), (("lo < hi", lo < hi),), ((A(lo, hi),),), Induction(lo + 1, P, (hi,)))

    return setup


def _split(op: str):
    def setup(R: Reductions) -> Setup:
        lo, mid, hi = _ints(R, "lo", "mid", "hi")
        A, fx = xarg(R, op), _fx(R)

        def P(n):
            return A(lo, n) == z3.If(better(R, op, fx(A(mid, n)), fx(A(lo, mid))), A(mid, n), A(lo, mid))

        return Setup((lo, mid, hi), P(hi), (("lo < mid", lo < mid), ("mid < hi", mid < hi)),
                     ((A(lo, mid), A(mid, hi)),), Induction(mid + 1, P, (hi,)))

    return setup


def _pair_step(op: str):
    """I(n) = where(better(xext(0, n), v0), j(xarg(0, n)), i0), V(n) = join(v0, xext(0, n)):
    I(n + 1) = where(better(fx(n), V(n)), j(n), I(n)) for n ≥ 0."""

    def setup(R: Reductions) -> Setup:
        T = R.T
        (n,) = _ints(R, "n")
        v0, i0 = T.var("v0", "XReal"), T.var("i0")
        A, M, fx, j = xarg(R, op), xext(R, op), _fx(R), R.g

        def I(m):  # noqa: E743
            return z3.If(better(R, op, M(0, m), v0), j(A(0, m)), i0)

        claim = I(n + 1) == z3.If(better(R, op, fx(n), _join(R, op, v0, M(0, n))), j(n), I(n))
        used = (LEMMAS_BY_NAME[f"x{op}_value"].axiom(R),)
        return Setup((n, v0, i0), claim, (("0 ≤ n", n >= 0),), (), None, used)

    return setup


def _tile_shift(op: str):
    def setup(R: Reductions) -> Setup:
        s, n = _ints(R, "s", "n")
        tile, targ, M, A = xtile(R, op), xtarg(R, op), xext(R, op), xarg(R, op)

        def P(m):
            return z3.And(tile(s, m) == M(s, s + m), s + targ(s, m) == A(s, s + m))

        return Setup((s, n), P(n), (), ((targ(s, n),),), Induction(R.T.int(0), P, (n,)))

    return setup


def _value_eq(R: Reductions, op: str, lo, hi) -> z3.BoolRef:
    """The first conjunct of x<op>_value at (lo, hi), a consequence of it: its range conjuncts put
    the recursive index into arithmetic, and z3 then unfolds without end (measured: unknown)."""
    return z3.Implies(lo < hi, _fx(R)(xarg(R, op)(lo, hi)) == xext(R, op)(lo, hi))


def _step_parts(R: Reductions, op: str, fns: dict, lo, n, u0, uN, B):
    """(named hypotheses, claim) of one step of arg<op>_tiles_flat, over the functions `fns`
    (A = xarg, M = xext, tile, targ; fx and st are shared): u0 = U(lo, n), uN = U(lo, n + 1)."""
    A, M, tile, targ, fx, st = fns["A"], fns["M"], fns["tile"], fns["targ"], _fx(R), _st(R)
    s0, s1, sl, sN, E = st(u0), st(n), st(lo), st(uN), st(n + 1)
    hyps = (
        ("invariant at n", z3.And(s0 + targ(s0, B) == A(sl, s1), sl < s1, fx(A(sl, s1)) == tile(s0, B))),
        ("U unfolded", uN == z3.If(better(R, op, tile(s1, B), tile(s0, B)), n, u0)),
        ("next start", E == s1 + B),
        ("1 ≤ B", B >= 1),
        *((f"tile shift at {w}", z3.And(tile(x, B) == M(x, x + B), x + targ(x, B) == A(x, x + B),
                                        z3.Implies(x < x + B, fx(A(x, x + B)) == M(x, x + B))))
          for w, x in (("s0", s0), ("s1", s1))),
        ("split at s1", z3.Implies(z3.And(sl < s1, s1 < s1 + B), A(sl, s1 + B) == z3.If(
            better(R, op, fx(A(s1, s1 + B)), fx(A(sl, s1))), A(s1, s1 + B), A(sl, s1)))),
    )
    claim = z3.And(sN + targ(sN, B) == A(sl, E), sl < E, fx(A(sl, E)) == tile(sN, B))
    return hyps, claim


def _opaque(R: Reductions, op: str) -> dict:
    T = R.T
    return {"A": z3.Function(f"A{op}.o", T.Int, T.Int, T.Int), "M": z3.Function(f"M{op}.o", T.Int, T.Int, T.XReal),
            "tile": z3.Function(f"tile{op}.o", T.Int, T.Int, T.XReal),
            "targ": z3.Function(f"targ{op}.o", T.Int, T.Int, T.Int)}


def _tiles_step(op: str):
    """The step of arg<op>_tiles_flat for *any* functions satisfying the instances it is given:
    pure congruence and linear arithmetic, no recursive definition in the query (with them, z3
    unfolds instead of closing the chain: measured, a timeout)."""

    def setup(R: Reductions) -> Setup:
        lo, n, u0, uN, a, B = _ints(R, "lo", "n", "u0", "uN", "a", "B")
        hyps, claim = _step_parts(R, op, _opaque(R, op), lo, n, u0, uN, B)
        return Setup((lo, n, u0, uN, a, B), claim, hyps)

    return setup


def _mul(R: Reductions) -> Setup:
    u, B = _ints(R, "u", "B")
    m = mulb(R)
    return Setup((u, B), m(u, B) == u * B, (("0 ≤ u", u >= 0),), ((m(u, B),),),
                 Induction(R.T.int(0), lambda k: m(k, B) == k * B, (u,)))


def _tiles_flat(op: str):
    """Tile starts are st(u) = a + mulb(u, B): a + u·B without the product (`mul_rec` equates
    them), which next to recursive functions leaves z3 with nonlinear arithmetic (measured)."""

    def setup(R: Reductions) -> Setup:
        lo, hi, a, B = _ints(R, "lo", "hi", "a", "B")
        U, targ, A, tile, st = xouter(R, op), xtarg(R, op), xarg(R, op), xtile(R, op), _st(R)
        fns = {"A": A, "M": xext(R, op), "tile": tile, "targ": targ}
        m = mulb(R)

        def next_start(u):  # one unfolding of mulb's definition (u + 1 ≥ 1)
            return z3.Implies(u >= 0, m(u + 1, B) == m(u, B) + B)

        def P(n):
            s = st(U(lo, n, B))
            return z3.And(s + targ(s, B) == A(st(lo), st(n)), st(lo) < st(n), _fx(R)(A(st(lo), st(n))) == tile(s, B))

        def hints(n):
            # the step lemma's instance at (n, U(lo, n), U(lo, n + 1)) and the facts it asks for:
            # one unfolding of U, the tile shifts and values at the new tile and the best one, the split
            u = U(lo, n, B)
            s0, s1 = st(u), st(n)
            lem = LEMMAS_BY_NAME
            named, claim = _step_parts(R, op, fns, lo, n, u, U(lo, n + 1, B), B)
            return (next_start(n), U(lo, n + 1, B) == z3.If(better(R, op, tile(s1, B), tile(s0, B)), n, u),
                    lem[f"xtile_shift_{op}"].instance(R, s0, B), lem[f"xtile_shift_{op}"].instance(R, s1, B),
                    _value_eq(R, op, s0, s0 + B), _value_eq(R, op, s1, s1 + B),
                    lem[f"x{op}_split"].instance(R, st(lo), s1, s1 + B),
                    z3.Implies(z3.And(*[h for _, h in named]), claim))

        base = (LEMMAS_BY_NAME[f"xtile_shift_{op}"].instance(R, st(lo), B), U(lo, lo + 1, B) == lo, next_start(lo),
                _value_eq(R, op, st(lo), st(lo) + B))
        claim = st(U(lo, hi, B)) + targ(st(U(lo, hi, B)), B) == A(st(lo), st(hi))
        return Setup((lo, hi, a, B), claim, (("0 ≤ lo", lo >= 0), ("lo < hi", lo < hi), ("1 ≤ B", B >= 1)),
                     (), Induction(lo + 1, P, (hi,), hints), (), base)

    return setup


_SYM = {"max": "max", "min": "min"}
LEMMAS: tuple[Lemma, ...] = (
    Lemma("mul_rec", "0 ≤ u → mulb(u, B) = u·B  (mulb(u, B) = 0 for u ≤ 0, mulb(u − 1, B) + B above: the "
          "product as a recursion, which the tile lemmas use instead of the nonlinear product)",
          "induction on u from 0", _mul, (), "mulb(u, B)", ("0 ≤ u",)),
)
for _op in OPS:
    _s = _SYM[_op]
    LEMMAS += (
        Lemma(f"x{_op}_value", f"lo < hi → fx(arg{_s}_{{[lo,hi)}} fx) = {_s}_{{[lo,hi)}} fx ∧ lo ≤ arg{_s} < hi  "
              "(fx over the extended reals: a block of masked lanes is ±∞)",
              "induction on hi from lo + 1", _value(_op), (), f"arg{_s}_{{[lo,hi)}} fx", ("lo < hi",)),
        Lemma(f"x{_op}_split", f"lo < mid < hi → arg{_s}_{{[lo,hi)}} fx = (j2 if fx(j2) strictly {'above' if _op == 'max' else 'below'} "
              f"fx(j1) else j1), j1 = arg{_s}_{{[lo,mid)}} fx, j2 = arg{_s}_{{[mid,hi)}} fx  (first index wins ties)",
              "induction on hi from mid + 1", _split(_op), (),
              f"{{arg{_s}_{{[lo,mid)}} fx, arg{_s}_{{[mid,hi)}} fx}}", ("lo < mid",)),
        Lemma(f"{_op}_pair_step", f"0 ≤ n → I(n + 1) = where(fx(n) {'>' if _op == 'max' else '<'} V(n), j(n), I(n)) for "
              f"V(n) = {_s}(v0, {_s}_{{[0,n)}} fx), I(n) = where({_s}_{{[0,n)}} fx {'>' if _op == 'max' else '<'} v0, "
              f"j(arg{_s}_{{[0,n)}} fx), i0)  (a running (value, index) pair with a strict update keeps the "
              "first index of the extreme)", f"direct, from the definitions and x{_op}_value",
              _pair_step(_op), (f"x{_op}_value",), "none: the row's closed form", ("0 ≤ n",)),
        Lemma(f"xtile_shift_{_op}", f"1 ≤ n → {_s}_{{b∈[0,n)}} fx(s + b) = {_s}_{{[s,s+n)}} fx ∧ "
              f"s + arg{_s}_{{b∈[0,n)}} fx(s + b) = arg{_s}_{{[s,s+n)}} fx  (for n ≤ 0 both sides are empty)",
              "induction on n from 0", _tile_shift(_op), (), f"arg{_s}_{{b∈[0,n)}} fx(s + b)"),
        Lemma(f"arg{_op}_tiles_step", f"one step of arg{_op}_tiles_flat, for any functions A, M, tile, targ "
              "satisfying the instances it names (the invariant at n, U unfolded once, the tile shifts and values "
              "at the new and the best tile, the split at st(n))", "direct: congruence and linear arithmetic",
              _tiles_step(_op), (), f"none: instantiated by arg{_op}_tiles_flat's step",
              ("invariant at n", "U unfolded")),
        Lemma(f"arg{_op}_tiles_flat", f"0 ≤ lo < hi ∧ 1 ≤ B → st(U) + arg{_s}_{{b∈[0,B)}} "
              f"fx(st(U) + b) = arg{_s}_{{[st(lo), st(hi))}} fx with U = arg{_s}_{{u∈[lo,hi)}} {_s}_{{b∈[0,B)}} "
              f"fx(st(u) + b), st(u) = a + u·B  (a loop over tiles of width B; "
              "(the block holding the first extreme, strict across blocks, and the first index inside it is "
              "the first index over the flat range)",
              "induction on hi from lo + 1; the step's hints are ground instances of the value, split and "
              "tile-shift lemmas at the new tile and at the current best one",
              _tiles_flat(_op), (f"x{_op}_value", f"x{_op}_split", f"xtile_shift_{_op}", f"arg{_op}_tiles_step"),
              "none: a rewrite of the pair row (loops_argmax.py)", ("lo < hi",)),
    )

LEMMAS_BY_NAME: dict[str, Lemma] = {lem.name: lem for lem in LEMMAS}
