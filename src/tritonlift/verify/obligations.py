"""Proof obligations of a lane-symbolically evaluated kernel against a formula, and their queries.

For every program id p (0 ≤ p < grid) and every lane l of an access (0 ≤ l < extent), with the
sizes free under the spec's constraints (`SizeModel.hyps`), each obligation is one
quantifier-free query whose free constants are the sizes, p and l; unsat proves it:

- `in-bounds` (each load and store): mask → the decoded index lies in the tensor's box (so the
  offset addresses exactly that logical element);
- `value` (each store): mask → stored value = formula at the decoded index;
- `side condition` (each lemma rewrite in a store's value or formula, `normalize.py`): mask → the
  lemma's hypothesis (e.g. N ≤ BLOCK);
- `coverage` (each output tensor): for a fresh element index i in the box, a witness program and
  lane built from the store's index (i = p·B + l gives p = i div B, l = i mod B) satisfies the
  ranges and the mask and stores to i;
- `no-conflict` (each output tensor): not a query. Every masked-in store writes the formula's
  value at its decoded index, so two writes to one element write equal values.

Decoding a pointer offset into a logical index: split the offset polynomial by the tensor's
strides (offset = i·N + j gives (i, j) for strides (N, 1)); if that index is not provably in the
box (a flat offset into a 2-D tensor), a contiguous tensor falls back to i = off // N, j = off % N.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import z3

from ..dsl import build
from ..dsl.printer import to_text
from ..dsl.term import BINDERS, Op, Term, const, walk
from ..errors import SourceLoc, Unsupported
from ..frontend.launch import LaunchSpec
from . import termops as TO
from .encode import Encoder
from .normalize import Normalizer, SideCondition
from .query import Limits, Query, Status, dump
from .sizemodel import SizeModel, py_floordiv
from .theory import Z3Theory
from .vcgen import Access


@dataclass(frozen=True)
class Obligation:
    """One obligation and what the solver said. `status`: proved, failed (sat), unknown,
    derived (follows from other obligations, no query)."""

    name: str
    kind: str
    status: str
    seconds: float = 0.0
    answer: str = ""
    model: tuple[tuple[str, str], ...] = ()
    location: str = ""

    @property
    def proved(self) -> bool:
        return self.status in ("proved", "derived")

    def __str__(self) -> str:
        where = f" ({self.location})" if self.location else ""
        return f"{self.kind} {self.name}{where}: {self.status} [{self.seconds * 1000:.1f} ms] {self.answer}".rstrip()


@dataclass(frozen=True)
class Layout:
    shape: tuple[Term, ...]
    strides: tuple[Term, ...]
    contiguous: bool
    direction: str
    dtype: str


def layouts(spec: LaunchSpec, model: SizeModel) -> dict[str, Layout]:
    out = {}
    for name, d in spec.tensors.items():
        shape = tuple(model.term(e, f"{name}_n{k}") for k, e in enumerate(d.shape))
        contiguous = d.strides is None
        if d.strides is None:
            strides, acc = [], const(1)
            for n in reversed(shape):
                strides.append(acc)
                acc = build.mul(acc, n)
            strides = tuple(reversed(strides))
        else:
            strides = tuple(model.term(e, f"{name}_s{k}") for k, e in enumerate(d.strides))
        out[name] = Layout(shape, strides, contiguous, d.direction, d.dtype)
    return out


class World:
    """The solver side of one proof: theory, sizes, encoder, backend, and the obligations run."""

    def __init__(self, T: Z3Theory, model: SizeModel, enc: Encoder, lay: dict[str, Layout], backend,
                 limits: Limits, dump_dir: Path | None = None, prefix: str = "") -> None:
        self.T, self.model, self.enc, self.lay = T, model, enc, lay
        self.backend, self.limits, self.dump_dir, self.prefix = backend, limits, dump_dir, prefix
        self.grid: tuple[z3.ArithRef, ...] = ()
        self.done: list[Obligation] = []

    def pid_hyps(self) -> list[z3.BoolRef]:
        return [z3.And(0 <= self.enc.var(f"p{a}"), self.enc.var(f"p{a}") < g) for a, g in enumerate(self.grid)]

    def lane_hyps(self, shape: tuple[Term, ...]) -> list[z3.BoolRef]:
        return [z3.And(0 <= self.enc.var(f"l{k}"), self.enc.var(f"l{k}") < self.enc.int_(n)) for k, n in enumerate(shape)]

    def loop_hyps(self, loops: tuple[tuple[str, Term], ...]) -> list[z3.BoolRef]:
        """0 ≤ t < K for each enclosing loop's iteration variable t and trip count K."""
        return [z3.And(0 <= self.enc.var(t), self.enc.var(t) < self.enc.int_(k)) for t, k in loops]

    def context(self, shape: tuple[Term, ...], mask: Term, loops: tuple[tuple[str, Term], ...] = ()) -> list[z3.BoolRef]:
        return [*self.model.hyps, *self.pid_hyps(), *self.lane_hyps(shape), *self.loop_hyps(loops),
                self.enc.boolean(mask)]

    def check(self, kind: str, name: str, hyps: list, goal: z3.BoolRef, loc: SourceLoc | None = None,
              record: bool = True) -> Obligation:
        qname = f"{self.prefix}{kind}.{name}"
        t0 = time.perf_counter()
        q = Query.from_z3(qname, [*hyps, *self.data_ranges(), z3.Not(goal)], self.limits)
        if self.dump_dir is not None:
            dump(q, self.dump_dir)
        ans = self.backend.check(q)
        status = {Status.UNSAT: "proved", Status.SAT: "failed", Status.UNKNOWN: "unknown"}[ans.status]
        text = {"proved": "unsat", "failed": "sat: the solver found a model where it fails (math functions "
                "uninterpreted, so not yet a counterexample)",
                "unknown": f"unknown: {ans.reason}"}[status]
        ob = Obligation(name, kind, status, max(ans.seconds, time.perf_counter() - t0), f"{text} [{ans.solver}]",
                        ans.model, _loc(loc))
        if record:
            self.done.append(ob)
        return ob

    def data_ranges(self) -> list[z3.BoolRef]:
        """Declared value ranges of integer input tensors (`range = [lo, hi]`: a precondition on
        the data, e.g. class indices in [0, N)) for the tensors read so far, as axioms with the
        read as trigger."""
        out = []
        for (name, n), f in self.enc.reads.items():
            d = self.model.spec.tensors.get(name)
            if d is None or d.value_range is None:
                continue
            lo, hi = (self.model.int_(e.tree.body) for e in d.value_range)
            ks = [z3.Int(f"{name}.k{a}", self.T.ctx) for a in range(n)]
            body = z3.And(lo <= f(*ks), f(*ks) < hi)
            out.append(z3.ForAll(ks, body, patterns=[f(*ks)]) if ks else body)
        return out

    # -- decoding ----------------------------------------------------------------------------------
    def decode(self, tensor: str, offset: Term, mask: Term, shape: tuple[Term, ...],
               loc: SourceLoc | None, loops: tuple[tuple[str, Term], ...] = ()) -> tuple[tuple[Term, ...], str]:
        lay = self.lay.get(tensor)
        if lay is None:
            raise Unsupported(f"access to {tensor!r}, which the launch spec does not declare", loc)
        ctx = self.context(shape, mask, loops)
        cand = _split(offset, lay)
        if cand is not None:
            ob = self.check("in-bounds", f"{tensor}{_loc_tag(loc)}", ctx, self._in_box(cand, lay), loc, record=False)
            if ob.proved or not lay.contiguous:
                self.done.append(ob)
                return cand, "strides"
        if not lay.contiguous:
            raise Unsupported(f"cannot decode the offset {to_text(offset)} into {tensor}", loc)
        idx, rest = [], offset
        for k, (n, s) in enumerate(zip(lay.shape, lay.strides, strict=True)):
            q = build.floordiv(rest, s) if s is not const(1) else rest
            idx.append(q if k == 0 else build.mod(q, n))
        numel = const(1)
        for n in lay.shape:
            numel = build.mul(numel, n)
        off = self.enc.int_(offset)
        self.check("in-bounds", f"{tensor}{_loc_tag(loc)}", ctx, z3.And(0 <= off, off < self.enc.int_(numel)), loc)
        return tuple(idx), "div-mod"

    def _in_box(self, idx: tuple[Term, ...], lay: Layout) -> z3.BoolRef:
        parts = [z3.And(0 <= self.enc.int_(i), self.enc.int_(i) < self.enc.int_(n)) for i, n in zip(idx, lay.shape, strict=True)]
        return z3.And(*parts) if parts else z3.BoolVal(True, self.T.ctx)

    # -- stores ------------------------------------------------------------------------------------
    def value(self, s: Access, body: Term, index_vars: tuple[str, ...]) -> tuple[Obligation, list[str]]:
        """The value obligation of store `s` (after the side conditions of its rewrites); returns
        it and the lemmas the rewrites used."""
        f = TO.subst(TO.canonical(body), dict(zip(index_vars, s.index, strict=True)))
        ctx = self.context(s.shape, s.mask, s.loops)
        tag = f"{s.tensor}{_loc_tag(s.loc)}"
        seen: dict[SideCondition, Obligation] = {}

        def holds(sc: SideCondition) -> bool:
            if sc not in seen:
                hyps = list(ctx)
                for v, lo, hi in sc.binders:
                    x = self.enc.var(v)
                    hyps.append(z3.And(self.enc.int_(lo) <= x, x < self.enc.int_(hi)))
                seen[sc] = self.check("side-condition", f"{tag}.{sc.lemma}.{len(seen)}", hyps,
                                      self.enc.boolean(sc.hyp), s.loc, record=False)
            return seen[sc].proved

        norm = Normalizer(holds)
        value = s.value
        for c in _conjuncts(s.mask):  # the value matters only where the mask holds
            value = TO.replace(value, c, const(True))
        kv, fv = norm.run(value), norm.run(f)
        self.done += [seen[sc] for sc in dict.fromkeys(norm.side)]
        try:
            goal = self.enc.real(kv) == self.enc.real(fv)
        except Unsupported as e:  # e.g. a masked reduction whose rewrite did not apply keeps its -inf pads
            ob = Obligation(tag, "value", "unknown", 0.0, f"not encodable: {e.message}", (), _loc(s.loc))
        else:
            ob = self.check("value", tag, ctx, goal, s.loc, record=False)
        if not ob.proved:  # a rewrite that did not apply is the likelier reason
            self.done += [seen[sc] for sc in dict.fromkeys(norm.unresolved)]
            ob = replace(ob, answer=ob.answer + _unmatched(kv, fv))
        self.done.append(ob)
        return ob, sorted({sc.lemma for sc in norm.side})

    def coverage(self, tensor: str, stores: list[Access]) -> Obligation:
        """Every element of `tensor` is written by some store site, program and lane: for each
        site a witness program and lane built from its index, and one query that some site's
        witness lies in range, passes the mask and stores to the element (stores may split the
        tensor between them, as two halves of a row)."""
        lay = self.lay[tensor]
        ivars = [z3.Int(f"w.i{a}", self.T.ctx) for a in range(len(lay.shape))]
        box = [z3.And(0 <= i, i < self.enc.int_(n)) for i, n in zip(ivars, lay.shape, strict=True)]
        zero = z3.IntVal(0, self.T.ctx)
        goals = []
        for s in stores:
            w = self._witness(s, ivars, lay)
            if w is None:
                continue
            names = ([f"p{a}" for a in range(len(self.grid))] + [f"l{k}" for k in range(len(s.shape))] +
                     [t for t, _ in s.loops])
            pairs = [(self.enc.var(k), w.get(k, zero)) for k in names]
            facts = [*self.pid_hyps(), *self.lane_hyps(s.shape), *self.loop_hyps(s.loops), self.enc.boolean(s.mask)]
            facts += [self.enc.int_(d) == i for d, i in zip(s.index, ivars, strict=True)]
            goals.append(z3.And(*[z3.substitute(e, *pairs) if pairs else e for e in facts]))
        loc = stores[0].loc if stores else None
        if not goals:
            ob = Obligation(tensor, "coverage", "unknown", 0.0, "no store to this tensor, or no witness program "
                            "and lane could be built from the store indices", (), _loc(loc))
            self.done.append(ob)
            return ob
        return self.check("coverage", tensor, [*self.model.hyps, *box], z3.Or(*goals), loc)

    def _witness(self, s: Access, ivars: list, lay: Layout) -> dict[str, z3.ArithRef] | None:
        """Program ids and lanes, as z3 terms in the element index, that store to it."""
        if s.decoding == "div-mod":
            target = sum((i * self.enc.int_(st) for i, st in zip(ivars, lay.strides, strict=True)),
                         z3.IntVal(0, self.T.ctx))
            return _invert([(s.offset, target)], self.enc)
        return _invert(list(zip(s.index, ivars, strict=True)), self.enc)


def _split(offset: Term, lay: Layout) -> tuple[Term, ...] | None:
    """offset = Σ_a idx_a · stride_a by dividing its polynomial by each stride in turn (largest
    stride monomial first), the unit-stride axis taking the rest."""
    try:
        p = TO.poly(offset)
    except ValueError:
        return None
    rank = len(lay.shape)
    if rank == 0:
        return () if not p else None
    order = sorted(range(rank), key=lambda a: _stride_key(lay.strides[a]), reverse=True)
    idx: dict[int, Term] = {}
    unit = [a for a in range(rank) if lay.strides[a] is const(1)]
    for a in order:
        if a in unit:
            continue
        sp = TO.poly(lay.strides[a])
        r = TO.pdivide(p, sp)
        if r is None:
            return None
        q, p = r
        idx[a] = TO.pterm(q)
    if len(unit) == 1:
        idx[unit[0]] = TO.pterm(p)
    elif p:
        return None
    for a in range(rank):
        idx.setdefault(a, const(0))
    return tuple(idx[a] for a in range(rank))


def _stride_key(s: Term) -> tuple:
    p = TO.poly(s)
    if len(p) != 1:
        return (0, 0)
    (m, c), = p.items()
    return (len(m), abs(c))


def _invert(pairs: list[tuple[Term, z3.ArithRef]], enc: Encoder) -> dict[str, z3.ArithRef] | None:
    """Solve `term = target` for the program-id and lane variables, when each term is linear with
    at most two of them: `c·v + rest` gives v = (target − rest) div c; `c·u + v + rest` gives
    u = (target − rest) div c, v = (target − rest) mod c. Unmentioned variables are 0."""
    out: dict[str, z3.ArithRef] = {}
    for term, target in pairs:
        p = TO.poly(term)
        coef: dict[str, Term] = {}
        rest: dict = {}
        for m, c in p.items():
            vs = [a for a in m if a.op is Op.VAR]
            if not vs:
                rest[m] = c
                continue
            if len(vs) != 1 or m.count(vs[0]) != 1:
                return None
            v = vs[0].attrs[0]
            others = [a for a in m if a is not vs[0]]
            if v in coef or any(a.op is Op.VAR for a in others):
                return None
            coef[v] = TO.pterm({tuple(others): c})
        if any(v in out for v in coef):
            return None
        base = target - enc.int_(TO.pterm(rest))
        if len(coef) == 1:
            (v, c), = coef.items()
            out[v] = base if c is const(1) else py_floordiv(base, enc.int_(c))
        elif len(coef) == 2:
            inner = [v for v, c in coef.items() if c is const(1)]
            if len(inner) != 1:
                return None
            outer = next(v for v in coef if v != inner[0])
            c = enc.int_(coef[outer])
            out[outer] = py_floordiv(base, c)
            out[inner[0]] = base - c * py_floordiv(base, c)
        elif coef:
            return None
    return out


def _unmatched(kernel: Term, formula: Term) -> str:
    """Reductions on one side only: the solver cannot look inside recursive definitions, so a
    reduction of the kernel equals one of the formula only when they are the same term."""
    def binders(t: Term) -> set[Term]:
        return {n for n in walk(t) if n.op in BINDERS}

    k, f = binders(kernel), binders(formula)
    parts = []
    if k - f:
        parts.append("reductions only in the kernel: " + "; ".join(sorted(_short(t) for t in k - f)))
    if f - k:
        parts.append("only in the formula: " + "; ".join(sorted(_short(t) for t in f - k)))
    return (" (" + ", ".join(parts) + ")") if parts else ""


def _short(t: Term, n: int = 100) -> str:
    s = to_text(t)
    return s if len(s) <= n else s[: n - 3] + "..."


def _conjuncts(t: Term) -> list[Term]:
    if t.op is Op.AND:
        return [c for a in t.args for c in _conjuncts(a)]
    return [] if t.op is Op.CONST else [t]


def _loc(loc: SourceLoc | None) -> str:
    return str(loc) if loc is not None else ""


def _loc_tag(loc: SourceLoc | None) -> str:
    return f"@{loc.line}" if loc is not None and loc.line else ""
