"""In-place kernels: every load of an `inout` tensor reads the value it had before the launch.

A formula states an `inout` tensor's final contents in terms of its *initial* contents: in
`q[i, j] = q[i, j]·c − q[i, j + D/2]·s` the reads on the right are of q before the launch. The
lane-symbolic evaluator models a load of q as that same read `q[idx]` (`lanebuiltins.tl_load`),
so the value obligations compare the kernel with the formula on the assumption that no load of q
sees a store of the same launch. That assumption is this module's obligation, *read-before-write*:
for every load L and every store S of one inout tensor X,

    L at (program p, lanes l, iterations t) and S at (p', l', t') touch the same element of X
    (masks on, everything in range)  ⟹  p = p'  and  S happens after L in that program.

Why this suffices, without a memory model or any lemma: the value a load returns is the
initial one unless some store to that element happened before it. Stores by the same program
are ordered by its execution; a store by *another* program is unordered with the load (programs
run concurrently, in any interleaving), so the obligation refuses any cross-program overlap, and
within the program it asks the store to come after the load. Then every load reads the initial
contents, the evaluator's `q[idx]` means what the formula's `q[idx]` means, and the value
obligations (mask → stored value = formula value) and coverage finish the proof as for an `out`
tensor. Overwriting an element twice is already covered: every store writes the formula's value.

"S after L" within one program: the accesses list is one evaluation of the kernel in program
order (constant loops unrolled; a loop over a symbolic trip count evaluated once, its body's
accesses carrying the iteration variable in `Access.loops`). Let C be the loops both accesses are
in (the common prefix of their `loops`), with iterations t_C of the load and t'_C of the store.
The store is later when t'_C >lex t_C, or t'_C = t_C and the store site comes later in program
order (inside one iteration of C, the inner loops and statements run in source order, each inner
loop finishing before the next statement). A load and store in the same iteration with the load
first is the usual `x = load(p); store(p, f(x))`.

That reading trusts that one name in `loops` is one loop *instance*. If the evaluator reused an
iteration variable's name for two sequential loops (or for an inner loop in each unrolled
iteration of a constant loop), a "shared" loop would really be two loops, the earlier one
finishing first, and the lexicographic rule would be wrong for a store site earlier in program
order overlapping a later load site at a later iteration. So unless the caller vouches that
names are fresh per loop entered (`fresh_loops=True`), the rule is the one sound under both
readings: the store site must come later in program order *and* t'_C ≥lex t_C; a store site
earlier than the load site may not overlap it at all.

Several launches run one after the other, so a launch's load sees every store of the launches
before it: a load of an inout tensor an earlier launch wrote is not a read of its initial value,
and is left unknown (`stored_before`).

"Same element": equal pointer offsets into the tensor, i.e. equal addresses, which is what
aliasing means even for explicit strides that overlap (a stride 0). For a contiguous tensor the
`in-bounds` obligations put both decoded indices in the box, where equal offsets are exactly
equal indices. An access without an offset (an element-wise launch) compares logical indices,
through Σ index·stride where the layout has explicit strides.

The second copy (p', l', t') renames the variables inside z3 (`z3.substitute`), which does not
reach into the bodies of reductions (recursive functions over global constants). A mask whose
reductions mention a renamed variable is dropped from the store's copy (a weaker hypothesis: the
overlap set only grows, so that is sound); an index with such a reduction makes the obligation
unknown.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

import z3

from ..dsl.term import BINDERS, Term, free_vars, walk
from ..errors import SourceLoc, Unsupported
from .obligations import Obligation, World
from .vcgen import Access

MAX_PAIRS = 512  # load/store pairs of one tensor checked; beyond, the obligation is left unknown


def read_before_write(world: World, accesses: list[Access], stored_before: Collection[str] = (),
                      fresh_loops: bool = False) -> list[Obligation]:
    """Check read-before-write for every load of an `inout` tensor against every store to it, in
    one launch (`accesses` in program order); records the obligations in `world.done` and returns
    them. `stored_before`: tensors an earlier launch of the same spec wrote, whose loads here see
    those writes (each such load is an unknown obligation). `fresh_loops`: the evaluator names
    every loop it enters with a new iteration variable (see the module text)."""
    out: list[Obligation] = []
    inout = {a.tensor for a in accesses if world.lay[a.tensor].direction == "inout"}
    for x in sorted(inout):
        sites = [(k, a) for k, a in enumerate(accesses) if a.tensor == x]
        loads = [(k, a) for k, a in sites if a.kind == "load"]
        stores = [(k, a) for k, a in sites if a.kind == "store"]
        if x in stored_before and loads:
            out.append(_unknown(world, f"{x}{_tag(loads[0][1].loc)}", "an earlier launch writes this tensor, so "
                                "this load reads the new values, not the ones from before the launches",
                                loads[0][1].loc))
            continue
        if len(loads) * len(stores) > MAX_PAIRS:
            out.append(_unknown(world, x, f"{len(loads)} loads × {len(stores)} stores: more than {MAX_PAIRS} pairs",
                                loads[0][1].loc))
            continue
        names: dict[str, int] = {}
        for kl, ld in loads:
            for ks, st in stores:
                name = f"{x}{_tag(ld.loc)}{_tag(st.loc, 'w')}"
                names[name] = names.get(name, 0) + 1  # unrolled loops repeat a pair of lines
                if names[name] > 1:
                    name += f".{names[name] - 1}"
                out.append(_pair(world, name, ld, kl, st, ks, fresh_loops))
    return out


def _pair(world: World, name: str, ld: Access, kl: int, st: Access, ks: int, fresh_loops: bool) -> Obligation:
    """One load (position `kl` in program order) against one store (position `ks`)."""
    enc = world.enc
    grid = [f"p{a}" for a in range(len(world.grid))]
    renamed = [*grid, *(f"l{k}" for k in range(len(st.shape))), *(t for t, _ in st.loops)]
    terms = (*st.index, *((st.offset,) if st.offset is not None else ()), *(k for _, k in st.loops))
    if any(_captures(t, renamed) for t in terms):
        return _unknown(world, name, "the store's index or trip count has a reduction over a program id, lane "
                        "or iteration", st.loc)
    try:
        pairs = [(enc.var(v), z3.Int(f"rw.{v}", world.T.ctx)) for v in renamed]

        def prime(e: z3.ExprRef) -> z3.ExprRef:
            return z3.substitute(e, *pairs) if pairs else e

        hyps = [*world.model.hyps, *world.pid_hyps(), *world.lane_hyps(ld.shape), *world.loop_hyps(ld.loops),
                enc.boolean(ld.mask)]
        theirs = [*world.pid_hyps(), *world.lane_hyps(st.shape), *world.loop_hyps(st.loops)]
        if not _captures(st.mask, renamed):
            theirs.append(enc.boolean(st.mask))
        hyps += [prime(h) for h in theirs]
        hyps.append(_same_element(world, ld, st, prime))
        same_program = [enc.var(p) == prime(enc.var(p)) for p in grid]
        goal = z3.And(*same_program, _after(world, ld, kl, st, ks, prime, fresh_loops))
    except Unsupported as e:
        return _unknown(world, name, f"not encodable: {e.message}", ld.loc)
    ob = world.check("read-before-write", name, hyps, goal, ld.loc, record=False)
    if ob.status == "failed":  # index arithmetic only: the model is a real pair of accesses (unless a gather)
        solver = ob.answer.rsplit(" [", 1)[-1]
        ob = replace(ob, answer="sat: the store can touch an element the load reads, from another program or "
                     f"before the load (load at {_at(ob, renamed, '')}; store at {_at(ob, renamed, 'rw.')}; "
                     f"{_at(ob, list(world.model.spec.sizes), '')}) [{solver}")
    world.done.append(ob)
    return ob


def _at(ob: Obligation, names: list[str], prefix: str) -> str:
    model = dict(ob.model)
    return ", ".join(f"{v}={model[prefix + v]}" for v in names if prefix + v in model) or "any"


def _same_element(world: World, ld: Access, st: Access, prime) -> z3.BoolRef:
    enc, lay = world.enc, world.lay[ld.tensor]
    if ld.offset is not None and st.offset is not None:
        return enc.int_(ld.offset) == prime(enc.int_(st.offset))
    mine = [enc.int_(i) for i in ld.index]
    theirs = [prime(enc.int_(i)) for i in st.index]
    if lay.contiguous:
        return z3.And(*[a == b for a, b in zip(mine, theirs, strict=True)]) if mine else z3.BoolVal(True, world.T.ctx)
    strides = [enc.int_(s) for s in lay.strides]
    zero = z3.IntVal(0, world.T.ctx)
    return sum((a * s for a, s in zip(mine, strides, strict=True)), zero) == \
        sum((b * s for b, s in zip(theirs, strides, strict=True)), zero)


def _after(world: World, ld: Access, kl: int, st: Access, ks: int, prime, fresh_loops: bool) -> z3.BoolRef:
    """The store (iterations primed) happens after the load in one program; see the module text."""
    ctx = world.T.ctx
    common = 0
    while common < min(len(ld.loops), len(st.loops)) and ld.loops[common] == st.loops[common]:
        common += 1
    t = [world.enc.var(v) for v, _ in ld.loops[:common]]
    t2 = [prime(v) for v in t]
    equal = z3.And(*[a == b for a, b in zip(t2, t, strict=True)]) if t else z3.BoolVal(True, ctx)
    later = z3.Or(*[z3.And(*[t2[j] == t[j] for j in range(k)], t2[k] > t[k]) for k in range(len(t))]) \
        if t else z3.BoolVal(False, ctx)
    if fresh_loops:
        return z3.Or(later, equal) if kl < ks else later
    return z3.Or(later, equal) if kl < ks else z3.BoolVal(False, ctx)


def _captures(t: Term, names) -> bool:
    """A reduction in `t` whose body mentions one of `names` (which z3.substitute cannot rename)."""
    names = set(names)
    return any(n.op in BINDERS and (free_vars(n.args[2]) - {n.attrs[0]}) & names for n in walk(t))


def _unknown(world: World, name: str, why: str, loc: SourceLoc | None) -> Obligation:
    ob = Obligation(name, "read-before-write", "unknown", 0.0, why, (), _loc(loc))
    world.done.append(ob)
    return ob


def _loc(loc: SourceLoc | None) -> str:
    return str(loc) if loc is not None else ""


def _tag(loc: SourceLoc | None, prefix: str = "@") -> str:
    return f"{prefix}{loc.line}" if loc is not None and loc.line else ""


__all__ = ["read_before_write"]
