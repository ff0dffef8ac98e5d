"""Loops over symbolic trip counts: loop-carried values as closed forms, from invariant patterns.

A loop `for it in range(lo, hi, step)` whose trip count K = max(0, ⌈(hi − lo)/step⌉) depends on
a size cannot be unrolled. The evaluator (`vcgen.Evaluator.symbolic_for`) runs its body for a symbolic
iteration t (0 ≤ t < K, it = lo + t·step) with every loop-carried variable v replaced by a
placeholder: a read `%v#n[lanes]` of a pseudo-tensor, one value per lane of v's tile. The body's
new value g of each carried variable is then matched against the invariant patterns below; each
pattern gives the value of v at the start of iteration n (its invariant) as a closed form:

    sum         g = v + h          v(n) = v₀ + Σ_{u∈[0,n)} h(u)   (v₀ + n·h when h is constant)
    product     g = v · h          v(n) = v₀ · Π_{u∈[0,n)} h(u)
    running max g = max(v, h)      v(n) = max(v₀, max_{u∈[0,n)} h(u))   (also where(h > v, h, v))
    running min g = min(v, h)      v(n) = min(v₀, min_{u∈[0,n)} h(u))
    overwrite   g has no v         v(n) = where(n > 0, g(n − 1), v₀)
    guarded     g = where(c, v ⊕ h, v)    as v ⊕ where(c, h, unit of ⊕), c free of v (masked accumulators)

with h free of every placeholder. Initiation (v(0) = v₀: an empty reduction is its unit) and
preservation (v(n + 1) = g(v(n)): unfold the last iteration of the reduction) hold by the
definition of the reductions over [0, n): they are the recurrences that define Σ, Π, max and min
(`reductions.py` defines them exactly so), which is why the patterns demand the update to be
*literally* v ⊕ h with h independent of v. The exit value is v(K). What remains to prove is what
the value obligations then ask: that a reduction over iterations of reductions over a tile's
lanes is the reduction over the flat range, which the normalizer does by the `tiles_*` lemmas.

One row couples two variables, the online-softmax pair (`classify_rescaled`):

    rescaled    m' = max(m, h) (a running max, above) and
                g = v·E(m − m') + R(m')    v(n) = Σ_{u∈[0,n)} R(u)[m' := m(n)]   (v₀ = 0)

where E is exp (or exp2 of a constant multiple), and R(c) is, as a function of c, a linear
combination of E(β − c) (through +, −, constant factors, `where` on conditions free of c and Σ
over lanes). Preservation: R(c)·E(a − b) = R(b)... by linearity and E(β − a)·E(a − b) = E(β − b)
(the axiom exp_add; the lemmas sum_exp_rescale / sum_exp2_rescale for the sums), so
v(n)·E(m(n) − m(n+1)) + R(n)[m(n+1)] = v(n+1) whatever the maxima are; `tests/verify/test_loops.py`
checks the rescaling numerically on random rescalable terms.

The index of a running (value, index) pair is matched by `loops_argmax.py` (argmax/argmin across
blocks). A carried variable whose update fits no pattern (a Welford triple, ...) makes the loop
unsupported, naming the variable: the bounded result stands.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Any

from ..dsl import build
from ..dsl.term import Op, Term, const, free_vars, var, walk
from ..errors import Unsupported
from . import loops_softmax as LS
from . import termops as TO
from .lanetile import ONE, Lanes, as_lanes, broadcast_shapes, broadcast_to, lane

PREFIX = "%"  # pseudo-tensor names of placeholders; never a tensor of a launch spec


def assigned_names(body: list[ast.stmt]) -> set[str]:
    """Names a loop body assigns (at any depth of its statements, not inside nested functions)."""
    out: set[str] = set()

    def target(t: ast.expr) -> None:
        if isinstance(t, ast.Name):
            out.add(t.id)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                target(e)

    for st in body:
        for node in ast.walk(st):
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    target(t)
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                target(node.target)
            elif isinstance(node, ast.For):
                target(node.target)
    return out


@dataclass(frozen=True)
class Placeholder:
    name: str  # the carried variable
    key: str  # the pseudo-tensor
    init: Lanes
    axes: tuple[int, ...]  # the tile axes the placeholder's read is indexed by

    @property
    def lanes(self) -> Lanes:
        t = Term.make(Op.READ, tuple(lane(a) for a in self.axes), (self.key,))
        return Lanes(t, self.init.shape, self.init.dtype, self.init.ptr)


def placeholder(name: str, value: Any, n: int) -> Placeholder:
    try:
        init = as_lanes(value)
    except TypeError:
        raise Unsupported(f"the loop-carried variable {name!r} is not a number or a tile") from None
    axes = tuple(a for a, e in enumerate(init.shape) if e is not ONE)
    return Placeholder(name, f"{PREFIX}{name}#{n}", init, axes)


def has_placeholder(t: Term) -> bool:
    return any(n.op is Op.READ and n.attrs[0].startswith(PREFIX) for n in walk(t))


def reads_data(t: Term) -> bool:
    return any(n.op is Op.READ and not n.attrs[0].startswith(PREFIX) for n in walk(t))


@dataclass(frozen=True)
class Recurrence:
    """v's update classified: `kind` one of sum, prod, max, min, overwrite; `h` the term combined
    with v each iteration (for overwrite: the new value), over lanes and the iteration variable."""

    ph: Placeholder
    kind: str
    h: Term
    shape: tuple[Term, ...]
    dtype: str

    scale: Recurrence | None = None  # rescaled: the running max m whose new value is `SCALE` in h
    guarded: bool = False  # rescaled under `where(m' == −inf, v, ...)` (loops_softmax.py)

    def at(self, n: Term, t: str, u: str) -> Lanes:
        """The value at the start of iteration n (n = K: after the loop)."""
        shape = broadcast_shapes(self.ph.init.shape, self.shape)
        v0 = broadcast_to(self.ph.init, shape).term
        h = self.h
        if self.kind == "rescaled":
            assert self.scale is not None
            m_n = self.scale.at(n, t, "v" + u[1:]).term  # its own binder name
            body = TO.subst(TO.subst(h, {t: var(u)}), {SCALE: m_n})
            total = build.binder(Op.SUM, u, const(0), n, body)
            if self.guarded:
                total = LS.guarded_closed_form(m_n, total)
            return Lanes(total, shape, self.dtype, None)
        if self.kind == "overwrite":
            last = TO.subst(h, {t: build.sub(n, 1)})
            term = build.where(build.compare(Op.GT, n, 0), last, v0)
        elif self.kind == "sum" and t not in free_vars(h):
            term = build.add(v0, build.mul(n, h))
        else:
            op = {"sum": Op.SUM, "prod": Op.PROD, "max": Op.MAXR, "min": Op.MINR}[self.kind]
            red = build.binder(op, u, const(0), n, TO.subst(h, {t: var(u)}))
            if _is_unit(self.kind, v0):
                term = red
            else:
                term = build.apply({"sum": Op.ADD, "prod": Op.MUL, "max": Op.MAX, "min": Op.MIN}[self.kind], v0, red)
        return Lanes(term, shape, self.dtype, self.ph.init.ptr)


def _is_unit(kind: str, t: Term) -> bool:
    if t.op is not Op.CONST or isinstance(t.value, bool):
        return False
    return {"sum": t.value == 0, "prod": t.value == 1, "max": t.value == float("-inf"),
            "min": t.value == float("inf")}[kind]


def classify(ph: Placeholder, new: Any) -> Recurrence | None:
    """The pattern of `new` (v's value at the end of the body) in terms of v's placeholder; None
    when none fits."""
    try:
        g = as_lanes(new)
    except TypeError:
        return None
    if (g.ptr is None) != (ph.init.ptr is None) or (g.ptr is not None and g.ptr != ph.init.ptr):
        return None
    P = ph.lanes.term
    term = g.term
    if not has_placeholder(term):
        return Recurrence(ph, "overwrite", term, g.shape, g.dtype)
    h = _sum_rest(term, P)
    if h is not None:
        return Recurrence(ph, "sum", h, g.shape, g.dtype)
    if term.op in (Op.MUL, Op.MAX, Op.MIN) and P in term.args:
        rest = [a for a in term.args if a is not P]
        if len(rest) == 1 and not has_placeholder(rest[0]):
            kind = {Op.MUL: "prod", Op.MAX: "max", Op.MIN: "min"}[term.op]
            return Recurrence(ph, kind, rest[0], g.shape, g.dtype)
    if term.op is Op.WHERE:
        c, a, b = term.args
        kind = _select(c, a, b, P)
        if kind is not None:
            return Recurrence(ph, kind, a, g.shape, g.dtype)
        guarded = _guarded(ph, c, a, b, g)
        if guarded is not None:
            return guarded
    return None


UNIT = {"sum": const(0), "prod": const(1), "max": const(float("-inf")), "min": const(float("inf"))}


def _guarded(ph: Placeholder, c: Term, a: Term, b: Term, g: Lanes) -> Recurrence | None:
    """where(c, v ⊕ h, v) is v ⊕ where(c, h, unit), and where(c, v, v ⊕ h) is v ⊕ where(c, unit, h)
    (exact: the unit of ⊕ leaves v unchanged): inductor's masked accumulators
    `_tmp = tl.where(rmask & xmask, _tmp + x, _tmp)`, with c free of v."""
    P = ph.lanes.term
    if has_placeholder(c) or (a is not P and b is not P) or (a is P and b is P):
        return None
    taken, keep_first = (a, True) if b is P else (b, False)
    inner = classify(ph, Lanes(taken, g.shape, g.dtype, g.ptr))
    if inner is None or inner.kind not in UNIT or inner.kind == "overwrite":
        return None
    unit = UNIT[inner.kind]
    h = build.where(c, inner.h, unit) if keep_first else build.where(c, unit, inner.h)
    return Recurrence(ph, inner.kind, h, g.shape, g.dtype)


def _sum_rest(term: Term, P: Term) -> Term | None:
    """h when term = P + h (summands through + and −) with h free of placeholders."""
    parts = _addends(term)
    mine = [i for i, (t, s) in enumerate(parts) if t is P and s == 1]
    if len(mine) != 1:
        return None
    rest = [p for i, p in enumerate(parts) if i != mine[0]]
    if any(has_placeholder(t) for t, _ in rest):
        return None
    return _signed_sum(rest)


def _signed_sum(parts: list[tuple[Term, int]]) -> Term:
    acc: Term = const(0)
    for t, s in parts:
        acc = build.add(acc, t) if s > 0 else build.sub(acc, t)
    return acc


def _select(c: Term, a: Term, b: Term, P: Term) -> str | None:
    """where(c, a, P) is max(P, a) when c is a > P (or P < a), min when c is a < P; the other
    comparison operators (≥, ≤) agree with these on ties, where both choices are equal."""
    if b is not P or has_placeholder(a) or c.op not in (Op.LT, Op.LE, Op.GT, Op.GE):
        return None
    x, y = c.args
    if (x is a and y is P and c.op in (Op.GT, Op.GE)) or (x is P and y is a and c.op in (Op.LT, Op.LE)):
        return "max"
    if (x is a and y is P and c.op in (Op.LT, Op.LE)) or (x is P and y is a and c.op in (Op.GT, Op.GE)):
        return "min"
    return None


SCALE = "q9"  # the running max's new value inside a rescaled sum's update


def classify_rescaled(ph: Placeholder, new: Any, scales: dict[str, tuple[Placeholder, Recurrence, Any]]) -> Recurrence | None:
    """v's update as the rescaled sum of an online softmax (module docstring), against one of the
    running maxima in `scales` (name -> placeholder, its max recurrence, its new value); None
    when no such row fits."""
    try:
        g = as_lanes(new)
    except TypeError:
        return None
    v0 = ph.init.term
    if g.ptr is not None or v0.op is not Op.CONST or v0.value != 0:
        return None
    for mph, mrec, mnew in scales.values():
        if mrec.kind != "max":
            continue
        try:
            m_new = as_lanes(mnew).term
        except TypeError:
            continue
        inner = LS.split_guard(g.term, m_new, ph.lanes.term)
        term = TO.replace(g.term if inner is None else inner, m_new, var(SCALE))
        parts = _addends(term)
        P, Pm = ph.lanes.term, mph.lanes.term
        head = [i for i, (x, sign) in enumerate(parts) if sign > 0 and x.op is Op.MUL and P in x.args]
        if len(head) != 1:
            continue
        factor = next((a for a in parts[head[0]][0].args if a is not P), None)
        form = _exp_form(factor, Pm) if factor is not None else None
        rest = [x for i, x in enumerate(parts) if i != head[0]]
        if form is None or any(has_placeholder(x) for x, _ in rest):
            continue
        if not all(_rescalable(x, form) for x, _ in rest):
            continue
        R = _signed_sum(rest)
        if inner is not None and not LS.vanishes_with(R, mrec.h, SCALE):
            continue
        return Recurrence(ph, "rescaled", R, g.shape, g.dtype, mrec, inner is not None)
    return None


def rescale_lemma(rec: Recurrence) -> str:
    """The lemma a rescaled sum's preservation rests on (its exponential)."""
    return "sum_exp2_rescale" if any(n.op is Op.EXP2 for n in walk(rec.h)) else "sum_exp_rescale"


def _addends(term: Term) -> list[tuple[Term, int]]:
    """The summands of term through + and −, with their signs."""
    parts: list[tuple[Term, int]] = []

    def go(t: Term, sign: int) -> None:
        if t.op is Op.ADD:
            go(t.args[0], sign)
            go(t.args[1], sign)
        elif t.op is Op.SUB:
            go(t.args[0], sign)
            go(t.args[1], -sign)
        else:
            parts.append((t, sign))

    go(term, 1)
    return parts


def _exp_form(t: Term, base: Term) -> tuple[Op, Term] | None:
    """(E, k) when t is exp(base − c) (k = 1) or exp2((base − c)·k) with k a constant, c = SCALE."""
    c = var(SCALE)
    if t.op is Op.EXP and t.args[0].op is Op.SUB and t.args[0].args == (base, c):
        return Op.EXP, const(1)
    if t.op is Op.EXP2 and t.args[0].op is Op.MUL:
        a, b = t.args[0].args
        d, k = (a, b) if b.op is Op.CONST else (b, a)
        if k.op is Op.CONST and d.op is Op.SUB and d.args == (base, c):
            return Op.EXP2, k
    if t.op is Op.EXP2 and t.args[0].op is Op.SUB and t.args[0].args == (base, c):
        return Op.EXP2, const(1)
    return None


def _is_zero(t: Term) -> bool:
    """t is 0 by its structure (a constant 0, a sum of zeros, a product with a zero factor)."""
    if t.op is Op.CONST:
        return not isinstance(t.value, bool) and t.value == 0
    if t.op in (Op.ADD, Op.SUB, Op.NEG):
        return all(_is_zero(a) for a in t.args)
    if t.op is Op.MUL:  # 0·t = 0 for finite t; an infinite constant factor is not finite
        return any(_is_zero(a) for a in t.args) and not any(
            a.op is Op.CONST and isinstance(a.value, float) and math.isinf(a.value) for a in t.args)
    if t.op is Op.WHERE:
        return _is_zero(t.args[1]) and _is_zero(t.args[2])
    if t.op is Op.SUM:
        return _is_zero(t.args[2])
    return False


def _rescalable(t: Term, form: tuple[Op, Term]) -> bool:
    """t, as a function of c = SCALE, is a linear combination of E(β − c) in the scaling `form`
    (a term that is 0 by its structure is the empty combination)."""
    c = SCALE
    if _is_zero(t):
        return True
    if c not in free_vars(t):
        return False
    if t.op in (Op.ADD, Op.SUB):
        return all(_rescalable(a, form) for a in t.args)
    if t.op is Op.NEG:
        return _rescalable(t.args[0], form)
    if t.op is Op.MUL:
        a, b = t.args
        return (c not in free_vars(a) and _rescalable(b, form)) or (c not in free_vars(b) and _rescalable(a, form))
    if t.op is Op.DIV:
        return c not in free_vars(t.args[1]) and _rescalable(t.args[0], form)
    if t.op is Op.WHERE:
        g, a, b = t.args
        return c not in free_vars(g) and all(_rescalable(x, form) for x in (a, b))
    if t.op is Op.SUM:
        return c not in free_vars(t.args[0]) | free_vars(t.args[1]) and _rescalable(t.args[2], form)
    if t.op is form[0]:
        x = t.args[0]
        d = x
        if form[0] is Op.EXP2 and form[1] is not const(1):
            if x.op is not Op.MUL or form[1] not in x.args:
                return False
            d = next(a for a in x.args if a is not form[1]) if x.args[0] is not x.args[1] else x.args[0]
        return d.op is Op.SUB and d.args[1] is var(c) and c not in free_vars(d.args[0])
    return False


def resolve(t: Term, closed: dict[str, tuple[Placeholder, Lanes]]) -> Term:
    """Replace each placeholder read by its closed form at the read's lanes."""

    def leaf(n: Term) -> Term | None:
        if n.op is Op.READ and n.attrs[0] in closed:
            ph, val = closed[n.attrs[0]]
            return TO.subst(val.term, {f"l{a}": i for a, i in zip(ph.axes, n.args, strict=True)})
        return None

    return TO.transform(t, leaf)


__all__ = ["Placeholder", "Recurrence", "assigned_names", "classify", "has_placeholder", "placeholder",
           "reads_data", "resolve"]
