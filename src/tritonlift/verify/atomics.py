"""Atomics from many programs into one output: the final content as a reduction over programs.

`tl.atomic_add(ptr, v, mask)` (and `atomic_max`, `atomic_min`) from every program of a launch
leaves each element e of the tensor at

    out[e] = init(e) ⊕ ⨁_{p, l, t : mask(p, l, t) ∧ index(p, l, t) = e} v(p, l, t)

whatever the order the programs run in (⊕ is associative and commutative; real arithmetic, so
the order of float additions is not modelled, as everywhere in the prover). `init` is what the
tensor held before the launch: the spec's `init = c`, the constant an earlier launch stored to
every element, or (an `inout` tensor) its input value.

The sum over every program, lane and iteration is turned into one the normalizer can rewrite
by *index inversion*: the variables the index mentions (say the column block p1 and the lane l0
of `out + p1·B + l0`) are functions of e (`obligations.invert_index`: p1 = e // B, l0 = e % B);
the others (the row block p0 of a column sum, the split p1 of a split-K product, the lanes of a
vector atomic to one address) stay free. Sound because of the `atomic-index` obligation: every
(p, l, t) in range whose masked-in index is e has its determined variables at the inverse, so

    ⨁_{all} where(mask ∧ index = e, v, unit) = ⨁_{free} where(C ∧ mask, v, unit)[det := inv(e)]

with C = (inv(e) in range ∧ index(inv(e)) = e), the condition that e is reached at all. The
content is then a term over e and the inputs, proved equal to the formula like a store's value.
A tensor both stored and updated atomically in one launch, loaded while it is updated, or
updated by atomics of different kinds, is refused; so is one whose initial content is unknown.
"""

from __future__ import annotations

from typing import Any

from ..dsl import build
from ..dsl.term import Op, Term, const, free_vars, var
from ..dsl.term import undef as undef_term
from ..errors import Unsupported
from . import lanetile as L
from . import termops as TO
from .lanebuiltins import Access
from .lanetile import Lanes, as_lanes

KINDS = {"atomic_add": "sum", "atomic_max": "max", "atomic_min": "min"}
UNIT = {"sum": const(0.0), "max": const(float("-inf")), "min": const(float("inf"))}
REDUCE = {"sum": Op.SUM, "max": Op.MAXR, "min": Op.MINR}
JOIN = {"sum": build.add, "max": build.maximum, "min": build.minimum}


class AtomicBuiltins:
    """The prover's `tl.atomic_add/max/min` hooks: each records an `Access` of kind `atomic_<op>`
    (the decoded index, mask and value of every lane, like a store). The value the atomic
    returns (the element before the update) depends on the order programs run in: it is
    unspecified, and a kernel that uses it is not proved."""

    def _atomic(self, kind: str, pointer: Any, val: Any, mask: Any, kw: dict[str, Any]) -> Lanes:
        kw = {k: v for k, v in kw.items() if k not in ("sem", "scope")}  # ordering: no effect on the final sum
        if kw:
            raise Unsupported(f"tl.{kind} argument {sorted(kw)[0]!r}", self.loc)  # type: ignore[attr-defined]
        p = as_lanes(pointer)
        if p.ptr is None:
            raise TypeError(f"tl.{kind} needs a pointer")
        v = as_lanes(val)
        shape = self._access_shape(p, v, mask)  # type: ignore[attr-defined]
        p, v = L.broadcast_to(p, shape), L.broadcast_to(v, shape)
        if v.dtype != p.dtype:
            v = L.cast(v, p.dtype)
        m = L.broadcast_to(L.cast(as_lanes(mask), "int1"), shape).term if mask is not None else const(True)
        loops = tuple(self.loops)  # type: ignore[attr-defined]
        m = self._on_path(m)  # type: ignore[attr-defined]
        idx, how = self.decode(p.ptr, p.term, m, shape, self.loc, loops)  # type: ignore[attr-defined]
        self.accesses.append(Access(kind, p.ptr, p.term, idx, m, shape, v.term,  # type: ignore[attr-defined]
                                    self.loc, how, loops))  # type: ignore[attr-defined]
        return Lanes(undef_term(f"the old value returned by tl.{kind}"), shape, p.dtype)

    def tl_atomic_add(self, pointer: Any, val: Any, mask: Any = None, **kw: Any) -> Lanes:
        return self._atomic("atomic_add", pointer, val, mask, kw)

    def tl_atomic_max(self, pointer: Any, val: Any, mask: Any = None, **kw: Any) -> Lanes:
        return self._atomic("atomic_max", pointer, val, mask, kw)

    def tl_atomic_min(self, pointer: Any, val: Any, mask: Any = None, **kw: Any) -> Lanes:
        return self._atomic("atomic_min", pointer, val, mask, kw)


def is_atomic(a: Access) -> bool:
    return a.kind in KINDS


def check_launch(accesses: list[Access]) -> None:
    """Refuse what the content formula does not cover: a tensor that one launch both stores to
    and updates atomically, loads while updating it, or updates with atomics of two kinds."""
    kinds: dict[str, set[str]] = {}
    for a in accesses:
        if is_atomic(a):
            kinds.setdefault(a.tensor, set()).add(a.kind)
    for a in accesses:
        if a.tensor not in kinds:
            continue
        if a.kind == "store":
            raise Unsupported(f"a store to {a.tensor}, which the same launch updates with atomics", a.loc)
        if a.kind == "load":
            raise Unsupported(f"a load of {a.tensor} while the launch updates it with atomics (the value read "
                              f"depends on the order programs run in)", a.loc)
    for name, ks in kinds.items():
        if len(ks) > 1:
            raise Unsupported(f"atomics of different kinds ({', '.join(sorted(ks))}) into {name}")


def contributions(sites: list[Access], names: list[tuple[str, Term]], ivars: tuple[str, ...],
                  proved: Any, invert_index: Any) -> list[tuple[Term, Term]]:
    """For each site, (C, R): the condition C under which some program, lane and iteration of
    the site updates the element at index `ivars`, and the ⊕ of their values R (meaningful where
    C holds). `names`: the launch's program-id variables with their grid extents (axes of extent
    1 already replaced by 0). `proved(kind, hyp, goal, site)` discharges an obligation for every
    allowed size, program, lane and iteration of the site, and says whether it held.
    `invert_index` is `obligations.invert_index` (passed in: obligations imports this module's
    users)."""
    op = KINDS[sites[0].kind]
    e = tuple(var(v) for v in ivars)
    out = []
    for s in sites:
        inv = invert_index(s.index, e)
        if inv is None:
            raise Unsupported(f"the index of the atomic into {s.tensor} cannot be inverted (which programs and "
                              f"lanes update an element?)", s.loc)
        lanes = [(f"l{k}", n) for k, n in enumerate(s.shape)]
        ranges = [*lanes, *s.loops, *names]  # lanes innermost, then iterations, then programs
        known = {v for v, _ in ranges}
        if set(inv) - known:
            raise Unsupported(f"the index of the atomic into {s.tensor} depends on a value other than program "
                              f"ids, lanes and loop iterations", s.loc)
        det = dict(inv)
        same = build.logical_and(s.mask, _all_eq(s.index, e))
        if det and not proved("atomic-index", same, _all_eq(tuple(var(v) for v in det), tuple(det.values())), s):
            raise Unsupported(f"the atomic into {s.tensor}: the programs and lanes that update one element could not "
                              f"be shown to be the ones its index names (index inversion failed)", s.loc)
        in_range: Term = const(True)
        for v, n in ranges:
            if v in det:
                x = det[v]
                in_range = build.logical_and(in_range, build.logical_and(build.compare(Op.LE, const(0), x),
                                                                         build.compare(Op.LT, x, n)))
        hit = build.logical_and(in_range, _all_eq(tuple(TO.subst(i, det) for i in s.index), e))
        mask, value = TO.subst(s.mask, det), TO.subst(s.value, det)
        for i, x in zip(s.index, e, strict=True):  # where `hit` holds, the index at inv(e) is e itself
            at = TO.linear(TO.subst(i, det))
            if at is not x and free_vars(at) & set(ivars):  # a constant index is no pattern to replace
                value, mask = (TO.replace(TO.linear(t), at, x) for t in (value, mask))
        free = [(v, n) for v, n in ranges if v not in det]
        fv = {v for v, _ in free}
        outer = [c for c in _conjuncts(mask) if not free_vars(c) & fv]
        inner = [c for c in _conjuncts(mask) if free_vars(c) & fv]
        for c in outer:
            value = TO.replace(value, c, const(True))
        cond = _and_all([hit, *outer])
        body = build.where(_and_all(inner), value, UNIT[op]) if inner else value
        for v, n in free:
            body = build.binder(REDUCE[op], v, const(0), n, body)
        out.append((cond, body))
    return out


def final_content(op: str, init: Term, parts: list[tuple[Term, Term, bool]]) -> Term:
    """init ⊕ the contributions: `parts` are (C, R, C holds at every element); a contribution
    that reaches every element is R itself, else where(C, R, unit)."""
    acc = init
    for cond, body, always in parts:
        part = body if always else build.where(cond, body, UNIT[op])
        acc = part if _is_unit(op, acc) else JOIN[op](acc, part)
    return acc


def _is_unit(op: str, t: Term) -> bool:
    return t.op is Op.CONST and not isinstance(t.value, bool) and t.value == UNIT[op].value


def _all_eq(a: tuple[Term, ...], b: tuple[Term, ...]) -> Term:
    out: Term = const(True)
    for x, y in zip(a, b, strict=True):
        out = build.logical_and(out, build.compare(Op.EQ, x, y))
    return out


def _and_all(cs: list[Term]) -> Term:
    out: Term = const(True)
    for c in cs:
        out = build.logical_and(out, c)
    return out


def _conjuncts(t: Term) -> list[Term]:
    if t.op is Op.AND:
        return [c for a in t.args for c in _conjuncts(a)]
    return [] if t.op is Op.CONST and t.value is True else [t]


def element_access(tensor: str, ivars: tuple[str, ...], box: Term, value: Term, loc: Any) -> Access:
    """A store-like record of the tensor's final content, for the value obligation."""
    return Access("store", tensor, None, tuple(var(v) for v in ivars), box, (), value, loc, "atomic")


__all__ = ["AtomicBuiltins", "check_launch", "contributions", "element_access", "final_content", "is_atomic"]


def prove_content(world: Any, name: str, sites: list[Access], init: Term, grid: list[tuple[str, Term]],
                  stated: Any, invert_index: Any, obligation: Any) -> list[str]:
    """The obligations of a tensor that `sites` (one launch) update atomically: index
    inversion, then its content at every element against the formula `stated` (None: not
    stated, only the inversion is checked). Returns the lemmas the value's rewrites used.
    `obligation` builds an `obligations.Obligation` record."""
    lay = world.lay[name]
    ivars = tuple(f"e{a}" for a in range(len(lay.shape)))
    one = [(v, n) for v, n in grid if n is const(1)]
    names = [(v, n) for v, n in grid if n is not const(1)]
    zero = {v: const(0) for v, _ in one}
    sites = [Access(s.kind, s.tensor, s.offset, tuple(TO.subst(i, zero) for i in s.index), TO.subst(s.mask, zero),
                    s.shape, TO.subst(s.value, zero) if s.value is not None else None, s.loc, s.decoding, s.loops)
             for s in sites]

    def proved(kind: str, hyp: Term, goal: Term, s: Access) -> bool:
        hyps = world.context(s.shape, hyp, s.loops)
        return world.check(kind, f"{name}@{s.loc.line if s.loc else 0}", hyps, world.enc.boolean(goal), s.loc).proved

    parts = contributions(sites, names, ivars, proved, invert_index)
    box: Term = const(True)
    for v, n in zip(ivars, lay.shape, strict=True):
        box = build.logical_and(box, build.logical_and(build.compare(Op.LE, const(0), var(v)),
                                                       build.compare(Op.LT, var(v), n)))
    hyps = [*world.model.hyps, world.enc.boolean(box)]
    marked = []
    for cond, body in parts:  # does every element receive a contribution? (optional: else `where` stays)
        ob = world.check("atomic-reach", name, hyps, world.enc.boolean(cond), sites[0].loc, record=False)
        marked.append((cond, body, ob.proved))
    op = KINDS[sites[0].kind]
    value = final_content(op, init, marked)
    world.done.append(obligation(name, "coverage", "derived", 0.0, "updated by atomics: every element holds its "
                                 "initial value combined with every contribution", (), ""))
    if stated is None:
        return []
    ob, lemmas = world.value(element_access(name, ivars, box, value, sites[0].loc), stated.body, stated.index_vars)
    return lemmas


def initial(world: Any, name: str, op: str, earlier: list[Access] | None, ivars_n: int) -> Term:
    """What `name` holds before its atomic launch: the constant every element was stored by an
    earlier launch (its coverage proved), the spec's `init`, or an `inout` tensor's input value."""
    lay = world.lay[name]
    decl = world.model.spec.tensors[name]
    e = tuple(var(f"e{a}") for a in range(ivars_n))
    if earlier:
        vals = {s.value for s in earlier}
        v = next(iter(vals))
        if len(vals) != 1 or v is None or v.op is not Op.CONST:
            raise Unsupported(f"atomics into {name} after an earlier launch stored values other than one constant "
                              f"to it", earlier[0].loc)
        ob = world.coverage(name, earlier)
        if not ob.proved:
            raise Unsupported(f"atomics into {name}: the earlier launch that fills it could not be shown to write "
                              f"every element", earlier[0].loc)
        return const(float(v.value))
    if lay.direction == "inout":
        return Term.make(Op.READ, e, (name,))
    if decl.init is not None:
        return const(float(decl.init))
    raise Unsupported(f"tl.{'atomic_' + {'sum': 'add'}.get(op, op)} into {name}, whose initial content the launch "
                      f"spec does not give (an output is uninitialised memory: declare init = 0 for a zero-filled "
                      f"tensor, or zero it in an earlier launch)")
