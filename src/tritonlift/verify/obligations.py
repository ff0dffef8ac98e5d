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
from ..dsl.term import BINDERS, Op, Term, const, var, walk
from ..errors import SourceLoc, Unsupported
from ..frontend.launch import LaunchSpec
from ..result import Obligation
from . import termops as TO
from .encode import Encoder
from .lemmas import LEMMA
from .normalize import Normalizer, SideCondition
from .query import Limits, Query, Status, dump
from .sizemodel import SizeModel
from .theory import Z3Theory
from .vcgen import Access


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
        self._decoded: dict[tuple, tuple[tuple[Term, ...], str]] = {}
        self._facts: dict[tuple, bool] = {}
        self.lemmas: list[str] = []  # lemmas loop invariants rested on (vcgen.Evaluator.lemmas)

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

    def fact(self, kind: str, claim: Term, loops: tuple[tuple[str, Term], ...], loc: SourceLoc | None) -> bool:
        """`claim` for every allowed size, program and iteration of the enclosing loops; recorded once."""
        key = (kind, claim, loops)
        if key not in self._facts:
            hyps = [*self.model.hyps, *self.pid_hyps(), *self.loop_hyps(loops)]
            self._facts[key] = self.check(kind, f"{claim}", hyps, self.enc.boolean(claim), loc).proved
        return self._facts[key]

    def injective(self, name: str) -> Obligation:
        """Distinct elements of a written tensor have distinct addresses at every allowed size:
        an explicit stride (a pitch `S` without `S >= N`, `min(N, 64)`) may make rows overlap,
        and then programs writing different elements race on one address."""
        lay = self.lay[name]
        i = [self.T.var(f"{name}.i{k}", "Int") for k in range(len(lay.shape))]
        j = [self.T.var(f"{name}.j{k}", "Int") for k in range(len(lay.shape))]
        hyps = list(self.model.hyps)
        for a, b, n in zip(i, j, lay.shape, strict=True):
            hyps += [0 <= a, a < self.enc.int_(n), 0 <= b, b < self.enc.int_(n)]
        hyps.append(z3.Or(*[a != b for a, b in zip(i, j, strict=True)]) if i else z3.BoolVal(False, self.T.ctx))
        addr = [z3.Sum([x * self.enc.int_(s) for x, s in zip(v, lay.strides, strict=True)]) if v else 0 for v in (i, j)]
        return self.check("layout", f"{name} (distinct elements at distinct addresses)", hyps, addr[0] != addr[1])

    def check(self, kind: str, name: str, hyps: list, goal: z3.BoolRef, loc: SourceLoc | None = None,
              record: bool = True) -> Obligation:
        """Ask whether `hyps` imply `goal`. A conjunction is first asked whole of the first
        solver; when that is unknown, one conjunct at a time (it holds exactly when each does:
        the negated conjunction is a disjunction the solver must case-split over all at once,
        measured 10x slower for mm's in-bounds box), and when a conjunct stays unknown, whole of
        the other solvers (one conjunct alone can be harder than the whole: jsd's read-before-
        write, 0.1 s whole, unknown after 20 s alone). Never less than asking it whole."""
        t0 = time.perf_counter()
        parts = _conjuncts_z3(goal)
        qname = f"{self.prefix}{kind}.{name}"
        whole = self._query(qname, hyps, goal)
        if len(parts) == 1:
            answers = [self.backend.check(whole)]
        else:
            first, rest = _first_and_rest(self.backend)
            answers = [first.check(whole)]
            if answers[-1].status is Status.UNKNOWN:
                split = []
                for k, g in enumerate(parts):
                    split.append(self.backend.check(self._query(f"{qname}.{k}", hyps, g)))
                    if split[-1].status is not Status.UNSAT:
                        break
                answers += split
                if split[-1].status is Status.UNKNOWN and rest is not None:
                    answers.append(rest.check(whole))
        ans = answers[-1]
        status = {Status.UNSAT: "proved", Status.SAT: "failed", Status.UNKNOWN: "unknown"}[ans.status]
        text = {"proved": "unsat", "failed": "sat: the solver found a model where it fails (math functions "
                f"uninterpreted, so not yet a counterexample){self._sizes_of(ans.model)}",
                "unknown": "unknown: " + "; ".join(dict.fromkeys(a.reason for a in answers if a.reason))}[status]
        solvers = "+".join(dict.fromkeys(a.solver for a in answers))
        ob = Obligation(name, kind, status, max(sum(a.seconds for a in answers), time.perf_counter() - t0),
                        f"{text} [{solvers}]", ans.model, _loc(loc))
        if record:
            self.done.append(ob)
        return ob

    def _query(self, qname: str, hyps: list, goal: z3.BoolRef) -> Query:
        q = Query.from_z3(qname, [*hyps, *self.data_ranges(), z3.Not(goal)], self.limits)
        if self.dump_dir is not None:
            dump(q, self.dump_dir)
        return q

    def _sizes_of(self, model: tuple[tuple[str, str], ...]) -> str:
        """The sizes of a solver model, as ` (at N=5, offset=4294967296)`: where to look."""
        vals = dict(model)
        shown = [f"{n}={vals[n]}" for n in self.model.sizes if n in vals][:6]
        return f" (at {', '.join(shown)})" if shown else ""

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
        key = (tensor, offset, mask, shape, loops)
        if key not in self._decoded:  # a loop body is evaluated more than once (vcgen.Evaluator.symbolic_for)
            self._decoded[key] = self._decode(tensor, offset, mask, shape, loc, loops)
        return self._decoded[key]

    def _decode(self, tensor: str, offset: Term, mask: Term, shape: tuple[Term, ...],
                loc: SourceLoc | None, loops: tuple[tuple[str, Term], ...]) -> tuple[tuple[Term, ...], str]:
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
            carried = _carry(cand, lay)  # contiguous: an axis may run past its extent into the next
            if carried is not None:
                ob = self.check("in-bounds", f"{tensor}{_loc_tag(loc)}", ctx, self._in_box(carried, lay), loc,
                                record=False)
                if ob.proved:
                    self.done.append(ob)
                    return carried, "strides"
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
        if kv is fv:  # the same term (e.g. a composed temp's content against its own store)
            ob = Obligation(tag, "value", "derived", 0.0, "the stored term is the formula's term", (), _loc(s.loc))
            self.done.append(ob)
            return ob, sorted({sc.lemma for sc in norm.side if sc.lemma in LEMMA})
        try:
            goal = self.enc.real(kv) == self.enc.real(fv)
        except Unsupported as e:  # e.g. a masked reduction whose rewrite did not apply keeps its -inf pads
            ob = Obligation(tag, "value", "unknown", 0.0, f"not encodable: {e.message}", (), _loc(s.loc))
        else:
            ob = self.check("value", tag, ctx, goal, s.loc, record=False)
        if not ob.proved:  # a rewrite that did not apply is the likelier reason: listed after the value
            ob = replace(ob, answer=ob.answer + _unmatched(kv, fv))
            self.done.append(ob)
            self.done += [seen[sc] for sc in dict.fromkeys(norm.unresolved)]
        else:
            self.done.append(ob)
        return ob, sorted({sc.lemma for sc in norm.side if sc.lemma in LEMMA})  # not arithmetic facts

    def coverage(self, tensor: str, stores: list[Access]) -> Obligation:
        """Every element of `tensor` is written by some store site, program and lane: for each
        site a witness program and lane built from its index, and one query that some site's
        witness lies in range, passes the mask and stores to the element (stores may split the
        tensor between them, as two halves of a row)."""
        lay = self.lay[tensor]
        ivars = [z3.Int(f"w{a}", self.T.ctx) for a in range(len(lay.shape))]
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
        if goals:
            ob = self.check("coverage", tensor, [*self.model.hyps, *box], z3.Or(*goals), loc, record=False)
            if ob.proved or len(stores) != 1:
                self.done.append(ob)
                return ob
        if len(stores) == 1:
            # No witness, or it failed (a swizzled program order): ask for one existentially.
            s = stores[0]
            names = ([f"p{a}" for a in range(len(self.grid))] + [f"l{k}" for k in range(len(s.shape))] +
                     [t for t, _ in s.loops])
            facts = [*self.pid_hyps(), *self.lane_hyps(s.shape), *self.loop_hyps(s.loops), self.enc.boolean(s.mask)]
            facts += [self.enc.int_(d) == i for d, i in zip(s.index, ivars, strict=True)]
            goal = z3.Exists([self.enc.var(n) for n in names], z3.And(*facts))
            return self.check("coverage", tensor, [*self.model.hyps, *box], goal, loc)
        if not goals:
            ob = Obligation(tensor, "coverage", "unknown", 0.0, "no store to this tensor, or no witness program "
                            "and lane could be built from the store indices", (), _loc(loc))
            self.done.append(ob)
            return ob
        return self.check("coverage", tensor, [*self.model.hyps, *box], z3.Or(*goals), loc)  # several sites

    def _witness(self, s: Access, ivars: list, lay: Layout) -> dict[str, z3.ArithRef] | None:
        """Program ids, lanes and iterations, as z3 terms in the element index, that store to it."""
        targets = tuple(var(str(i)) for i in ivars)
        if s.decoding == "div-mod":
            flat = const(0)
            for t, st in zip(targets, lay.strides, strict=True):
                flat = build.add(flat, build.mul(t, st))
            w = invert_index((s.offset,), (flat,))
        else:
            w = invert_index(s.index, targets)
        if w is None:
            return None
        try:
            return {k: self.enc.int_(v) for k, v in w.items()}
        except Unsupported:
            return None


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


def _carry(idx: tuple[Term, ...], lay: Layout) -> tuple[Term, ...] | None:
    """For a contiguous tensor, (…, a, b, …) with b possibly ≥ its extent n as (…, a + b div n,
    b mod n, …): a row index p over B·S tokens into [B, S, …] becomes (p div S, p mod S). Only
    axes whose index mentions a program id or loop variable are carried (lanes stay in range);
    the caller proves the result in the box."""
    out = list(idx)
    changed = False
    for a in range(len(out) - 1, 0, -1):
        if out[a].op is Op.CONST or not any(n.op is Op.VAR and n.attrs[0][0] in "pt" for n in walk(out[a])):
            continue
        n = lay.shape[a]
        out[a - 1] = build.add(out[a - 1], build.floordiv(out[a], n))
        out[a] = build.mod(out[a], n)
        changed = True
    return tuple(out) if changed else None


def _stride_key(s: Term) -> tuple:
    p = TO.poly(s)
    if len(p) != 1:
        return (0, 0)
    (m, c), = p.items()
    return (len(m), abs(c))


def invert_index(index: tuple[Term, ...], targets: tuple[Term, ...]) -> dict[str, Term] | None:
    """Program ids, lanes and loop iterations, as terms in the element index `targets`, at which
    an access with decoded `index` touches that element; None when no inversion is found.

    Each index component must be linear in the variables it mentions, no variable in two
    components. One variable: v = (target − rest) div c. Several: their coefficients must form
    a chain 1 | c₂ | c₃ ... (mixed radix, as i = (p + t·G)·B + l in a grid-stride loop): the
    innermost is the remainder mod c₂, each middle one (x div cᵢ) mod (cᵢ₊₁/cᵢ), the outermost
    x div c_last. The result is only a candidate: coverage asks the solver that it lies in range,
    passes the mask and stores to the element."""
    out: dict[str, Term] = {}
    pairs = list(zip(index, targets, strict=True))
    k = 0
    while k + 1 < len(pairs):  # (x div n, x mod n) at (i, j) is x = i·n + j
        (q, ti), (r, tj) = pairs[k], pairs[k + 1]
        if q.op is Op.FLOORDIV and r.op is Op.MOD and q.args == r.args:
            pairs[k:k + 2] = [(q.args[0], build.add(build.mul(ti, q.args[1]), tj))]
        k += 1
    for term, target in pairs:
        try:
            p = TO.poly(term)
        except ValueError:
            return None
        coef: dict[str, TO.Poly] = {}
        rest: TO.Poly = {}
        for m, c in p.items():
            vs = [a for a in m if a.op is Op.VAR]
            if not vs:
                rest[m] = c
                continue
            if len(vs) != 1 or m.count(vs[0]) != 1:
                return None
            v = vs[0].attrs[0]
            if v in coef or v in out:
                return None
            coef[v] = {tuple(a for a in m if a is not vs[0]): c}
        if any(v in out for v in coef):
            return None
        try:
            base = build.sub(target, TO.pterm(rest))
            if not coef:
                continue
            order = sorted(coef, key=lambda v: _stride_key(TO.pterm(coef[v])))
            if len(order) > 1 and coef[order[0]] != {(): 1}:
                return None
            for i, v in enumerate(order):
                c = TO.pterm(coef[v])
                q = base if c is const(1) else build.floordiv(base, c)
                if i + 1 < len(order):
                    r = TO.pdivide(coef[order[i + 1]], coef[v])
                    if r is None or r[1]:
                        return None
                    q = build.mod(q, TO.pterm(r[0]))
                out[v] = q
        except ValueError:
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


def _first_and_rest(backend):
    """A portfolio's first member and the others (as a portfolio), or the backend and None."""
    from .solver import Portfolio

    if isinstance(backend, Portfolio) and len(backend.members) > 1:
        return backend.members[0], Portfolio(*backend.members[1:])
    return backend, None


def _conjuncts_z3(goal: z3.BoolRef) -> list[z3.BoolRef]:
    """The conjuncts of `goal`, nested conjunctions flattened, `true` left out (at least one)."""
    out: list[z3.BoolRef] = []
    todo = [goal]
    while todo:
        g = todo.pop()
        if z3.is_and(g):
            todo.extend(reversed(g.children()))
        elif not z3.is_true(g):
            out.append(g)
    return out or [goal]


def _conjuncts(t: Term) -> list[Term]:
    if t.op is Op.AND:
        return [c for a in t.args for c in _conjuncts(a)]
    return [] if t.op is Op.CONST else [t]


def _loc(loc: SourceLoc | None) -> str:
    return str(loc) if loc is not None else ""


def _loc_tag(loc: SourceLoc | None) -> str:
    return f"@{loc.line}" if loc is not None and loc.line else ""
