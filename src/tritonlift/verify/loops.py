"""Loops over symbolic trip counts: loop-carried values as closed forms, from invariant patterns.

A loop `for it in range(lo, hi, step)` whose trip count K = max(0, ⌈(hi − lo)/step⌉) depends on
a size cannot be unrolled. The evaluator (`vcgen.Evaluator.st_For`) runs its body for a symbolic
iteration t (0 ≤ t < K, it = lo + t·step) with every loop-carried variable v replaced by a
placeholder: a read `%v#n[lanes]` of a pseudo-tensor, one value per lane of v's tile. The body's
new value g of each carried variable is then matched against the invariant patterns below; each
pattern gives the value of v at the start of iteration n (its invariant) as a closed form:

    sum         g = v + h          v(n) = v₀ + Σ_{u∈[0,n)} h(u)   (v₀ + n·h when h is constant)
    product     g = v · h          v(n) = v₀ · Π_{u∈[0,n)} h(u)
    running max g = max(v, h)      v(n) = max(v₀, max_{u∈[0,n)} h(u))   (also where(h > v, h, v))
    running min g = min(v, h)      v(n) = min(v₀, min_{u∈[0,n)} h(u))
    overwrite   g has no v         v(n) = where(n > 0, g(n − 1), v₀)

with h free of every placeholder. Initiation (v(0) = v₀: an empty reduction is its unit) and
preservation (v(n + 1) = g(v(n)): unfold the last iteration of the reduction) hold by the
definition of the reductions over [0, n): they are the recurrences that define Σ, Π, max and min
(`reductions.py` defines them exactly so), which is why the patterns demand the update to be
*literally* v ⊕ h with h independent of v. The exit value is v(K). What remains to prove is what
the value obligations then ask: that a reduction over iterations of reductions over a tile's
lanes is the reduction over the flat range, which the normalizer does by the `tiles_*` lemmas.

A carried variable whose update fits no pattern (the online-softmax pair, a Welford triple, an
argmax pair, ...) makes the loop unsupported, naming the variable: the bounded result stands.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from ..dsl import build
from ..dsl.term import Op, Term, const, free_vars, var, walk
from ..errors import Unsupported
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

    def at(self, n: Term, t: str, u: str) -> Lanes:
        """The value at the start of iteration n (n = K: after the loop)."""
        shape = broadcast_shapes(self.ph.init.shape, self.shape)
        v0 = broadcast_to(self.ph.init, shape).term
        h = self.h
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
    return None


def _sum_rest(term: Term, P: Term) -> Term | None:
    """h when term = P + h (summands through + and −) with h free of placeholders."""
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
    mine = [i for i, (t, s) in enumerate(parts) if t is P and s == 1]
    if len(mine) != 1:
        return None
    rest = [p for i, p in enumerate(parts) if i != mine[0]]
    if any(has_placeholder(t) for t, _ in rest):
        return None
    acc: Term = const(0)
    for t, s in rest:
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
