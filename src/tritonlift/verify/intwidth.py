"""Fixed-width integers (issue 11, point 4): every integer intermediate stays in its dtype's range.

The prover's terms are mathematical integers. Triton's are not: `pid * stride` is an int32 and
wraps at 2**31, `a - b` on uint32 wraps below 0, a store into int8 keeps the low 8 bits. Wherever
no value leaves its dtype's range the two semantics agree, so the proof of the other obligations
holds exactly for the sizes (and inputs) at which every integer intermediate fits. This module
records those intermediates while the kernel is evaluated (`IntWidthHooks`, mixed into the
evaluator) and turns each into an `int-range` obligation (`obligations`).

Which intermediates: the results of integer `+ - * // %`, negation and `abs`, integer casts
(`.to(tl.int16)`; a float cast to an integer), the implicit cast of a store into an integer
tensor of another dtype, and integer `tl.sum` reductions. Where an intermediate is checked: under
the mask of each access whose address or stored value contains it (a wrapped address in a
masked-off lane is never dereferenced); in every lane when it appears in a mask or nowhere in an
access (a mask computed from a wrapped value is itself wrong).

Typing follows Triton: `program_id` and `arange` are int32, an integer argument or constexpr is
int32 when its value fits and int64 otherwise (so an operation on a value derived from a size
symbol that is >= 2**31 is an int64 operation: the goal is "fits int32, or some size symbol it
mentions is past int32 and it fits int64").

The answer per intermediate, in order:
1. in range for every allowed size and input: nothing to report;
2. in range whenever every tensor holds at most 2**30 elements ("ordinary sizes"): PROVED for the
   sizes where it stays in range (a `covers` entry), no finding: the usual int32 index
   arithmetic of a kernel launched on tensors that int32 can address;
3. index arithmetic only (no data) that leaves its range at ordinary sizes: the same `covers`
   entry plus a finding with the sizes where it overflows (`row * stride` without `.to(tl.int64)`);
4. data that can leave the range (uint32 `a - b`, a count times 10**7, an int8 accumulator): a
   failed obligation and a finding; the result is not PROVED.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import Any

import z3

from ..dsl.term import BINDERS, Op, Term, const, walk
from ..errors import SourceLoc, Unsupported
from ..result import Finding, FindingKind
from ..symex.tritonrules import MAX_NUMEL
from .lanetile import Lanes

INT_RANGE: dict[str, tuple[int, int]] = {
    "int8": (-(2**7), 2**7 - 1), "int16": (-(2**15), 2**15 - 1), "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1), "uint8": (0, 2**8 - 1), "uint16": (0, 2**16 - 1),
    "uint32": (0, 2**32 - 1), "uint64": (0, 2**64 - 1),
}
ORDINARY_ELEMENTS = 2**30  # "ordinary sizes": every tensor's storage holds at most this many elements
ARITH = (Op.ADD, Op.SUB, Op.MUL, Op.FLOORDIV, Op.MOD)


@dataclass(frozen=True)
class IntSite:
    """One integer intermediate: its term (over lanes, program ids, loop iterations and sizes),
    its Triton dtype, the source text and location, the lanes it is computed for, the enclosing
    loops over symbolic trip counts and the path predicate of a symbolic branch."""

    term: Term
    dtype: str
    what: str
    loc: SourceLoc | None
    shape: tuple[Term, ...]
    loops: tuple[tuple[str, Term], ...]
    active: Term | bool
    kind: str  # arith | cast | store | sum


class IntWidthHooks:
    """Mixed into the prover's evaluator before the value domain: records integer intermediates
    (`int_sites`). The source text is that of the innermost expression being evaluated."""

    int_sites: list[IntSite]
    loc: SourceLoc | None
    loops: list[tuple[str, Term]]
    active: Term | bool

    def _site(self, r: Any, kind: str, dtype: str | None = None) -> None:
        if not isinstance(r, Lanes) or r.ptr is not None:
            return
        dt = dtype or r.dtype
        if dt not in INT_RANGE or (r.term.op is Op.CONST and not isinstance(r.term.value, float)
                                   and INT_RANGE[dt][0] <= r.term.value <= INT_RANGE[dt][1]):
            return
        what, loc = getattr(self, "_expr", None) or ("", self.loc)
        if not hasattr(self, "int_sites"):
            self.int_sites = []
        self.int_sites.append(IntSite(r.term, dt, what, loc, r.shape, tuple(self.loops), self.active, kind))

    def _eval_located(self, node: ast.AST, frame: Any, run: Any) -> Any:
        saved = getattr(self, "_expr", None)
        self._expr = (ast.unparse(node), frame.module.loc(node))
        try:
            return run()
        finally:
            self._expr = saved

    def eval_BinOp(self, node: ast.BinOp, frame: Any) -> Any:
        return self._eval_located(node, frame, lambda: super(IntWidthHooks, self).eval_BinOp(node, frame))  # type: ignore[misc]

    def eval_UnaryOp(self, node: ast.UnaryOp, frame: Any) -> Any:
        return self._eval_located(node, frame, lambda: super(IntWidthHooks, self).eval_UnaryOp(node, frame))  # type: ignore[misc]

    def eval_Call(self, node: ast.Call, frame: Any) -> Any:
        return self._eval_located(node, frame, lambda: super(IntWidthHooks, self).eval_Call(node, frame))  # type: ignore[misc]

    def exec_AugAssign(self, st: ast.AugAssign, frame: Any) -> None:
        self._eval_located(st, frame, lambda: super(IntWidthHooks, self).exec_AugAssign(st, frame))  # type: ignore[misc]

    def binary(self, op: Op, a: Any, b: Any) -> Any:
        r = super().binary(op, a, b)  # type: ignore[misc]
        if op in ARITH:
            self._site(r, "arith")
        return r

    def unary(self, op: Op, a: Any) -> Any:
        r = super().unary(op, a)  # type: ignore[misc]
        if op in (Op.NEG, Op.ABS):
            self._site(r, "arith")
        return r

    def cast(self, v: Any, dtype: str) -> Any:
        r = super().cast(v, dtype)  # type: ignore[misc]
        src = v.dtype if isinstance(v, Lanes) else None
        if dtype in INT_RANGE and src != dtype and src != "int1" and not _widening(src, dtype):
            self._site(r, "cast")
        return r

    def tl_store(self, pointer: Any, value: Any, mask: Any = None, **kw: Any) -> None:
        p, v = pointer, value
        if isinstance(p, Lanes) and isinstance(v, Lanes) and p.ptr is not None and p.dtype in INT_RANGE \
                and v.ptr is None and v.dtype != p.dtype and v.dtype != "int1" and not _widening(v.dtype, p.dtype):
            self._site(v, "store", p.dtype)
        super().tl_store(pointer, value, mask, **kw)  # type: ignore[misc]

    def reduce_axis(self, op: Op, t: Lanes, axis: int, keep: bool) -> Lanes:
        r = super().reduce_axis(op, t, axis, keep)  # type: ignore[misc]
        if op in (Op.SUM, Op.PROD):
            self._site(r, "sum")
        return r


def _widening(src: str | None, dst: str) -> bool:
    """Every value of `src` is a value of `dst` (int8 to int32, uint16 to int32)."""
    return src in INT_RANGE and dst in INT_RANGE and INT_RANGE[dst][0] <= INT_RANGE[src][0] \
        and INT_RANGE[src][1] <= INT_RANGE[dst][1]


# -- obligations ----------------------------------------------------------------------------------

def _subterms(t: Term | None) -> set[Term]:
    return set(walk(t)) if t is not None else set()


def _has_data(t: Term) -> bool:
    return any(n.op in (Op.READ, Op.UNDEF, Op.CALL) or n.op in BINDERS for n in walk(t))


def dtype_axioms(world: Any) -> list[z3.BoolRef]:
    """A value read from an integer tensor lies in its dtype's range (any memory of that dtype);
    and the launch is one Triton accepts: its tiles hold at most 2**20 elements (past that no
    integer is computed; `launchrules` reports such sizes or excludes them from the claim)."""
    out = launchable(world)
    for (name, n), f in world.enc.reads.items():
        d = world.model.spec.tensors.get(name)
        if d is None or d.dtype not in INT_RANGE:
            continue
        lo, hi = INT_RANGE[d.dtype]
        ks = [z3.Int(f"{name}.r{a}", world.T.ctx) for a in range(n)]
        body = z3.And(lo <= f(*ks), f(*ks) <= hi)
        out.append(z3.ForAll(ks, body, patterns=[f(*ks)]) if ks else body)
    return out


def launchable(world: Any) -> list[z3.BoolRef]:
    """Every tile the prover recorded (`launchrules.LaunchRuleHooks`) with a size-dependent extent
    holds at most 2**20 elements: where one does not, Triton refuses the launch (`launchrules`
    reports that or restricts what the proof covers), so no integer is computed there."""
    out = []
    seen: set[tuple[Term, ...]] = set()
    for e in getattr(world, "extents", []):
        if e.shape in seen or not e.shape or all(d.op is Op.CONST for d in e.shape):
            continue
        seen.add(e.shape)
        dims = [world.enc.int_(d) for d in e.shape]
        out.append((z3.Product(*dims) if len(dims) > 1 else dims[0]) <= MAX_NUMEL)
    return out


def ordinary(world: Any) -> list[z3.BoolRef]:
    """Every tensor's storage (1 + Σ (extent − 1)·stride) holds at most ORDINARY_ELEMENTS."""
    out = []
    for lay in world.lay.values():
        if not lay.shape:
            continue
        last = z3.Sum([(world.enc.int_(n) - 1) * world.enc.int_(s) for n, s in zip(lay.shape, lay.strides, strict=True)])
        out.append(last + 1 <= ORDINARY_ELEMENTS)
    return out


def ordinary_implied(world: Any) -> bool:
    """The spec's constraints alone keep every tensor within the ordinary sizes (the same for every
    autotune configuration: ordinary() involves tensor shapes only, so it is asked once)."""
    key = ("ordinary implied",)
    if key not in world.memo:
        world.memo[key] = world.check("int-range", "ordinary sizes implied", list(world.model.hyps),
                                      z3.And(*ordinary(world)), None, record=False).proved
    return world.memo[key]


def ordinary_text(world: Any) -> str:
    """The `covers` entry of case 2, in the spec's words: each tensor's element count."""
    from ..dsl.printer import to_text

    parts = []
    for name, lay in world.lay.items():
        if lay.shape:
            parts.append(f"{name}: {' · '.join(to_text(n) for n in lay.shape)}" if lay.contiguous else
                         f"{name}: its storage")
    return "integer index arithmetic within its dtypes: every tensor holds at most 2**30 elements (" + \
        "; ".join(parts) + ")"


def _abstract(world: Any, t: Term, facts: list[z3.BoolRef]) -> Term:
    """`t` with every outermost reduction replaced by a fresh integer bounded by an interval:
    Σ over [lo, hi) of a body in [a, b] lies in [n·a, n·b] for n = max(hi − lo, 0) (the solver
    cannot look inside a reduction's recursive definition). A reduction whose body has no
    interval stays as it is."""
    from ..dsl.term import sym
    from .termops import transform

    def leaf(n: Term) -> Term | None:
        if n.op in (Op.ARGMAX, Op.ARGMIN):  # an index of [lo, hi): its body (maybe -inf pads) does not matter
            name = f"INTW{len(world.model.syms)}"
            v = world.model.syms[name] = z3.Int(name, world.T.ctx)
            a, b = world.enc.int_(n.args[0]), world.enc.int_(n.args[1])
            facts.append(z3.And(a <= v, z3.Or(v < b, v == a)))
            return sym(name, "int")
        if n.op is not Op.SUM:
            return None
        lo, hi, body = n.args
        b = _bounds(world, body)
        if b is None:
            return None
        name = f"INTW{len(world.model.syms)}"
        v = world.model.syms[name] = z3.Int(name, world.T.ctx)
        k = world.enc.int_(hi) - world.enc.int_(lo)
        count = z3.If(k > 0, k, 0)
        facts.append(z3.And(count * b[0] <= v, v <= count * b[1]))
        return sym(name, "int")

    return transform(t, leaf)


def _bounds(world: Any, t: Term) -> tuple[Any, Any] | None:
    """An interval [a, b] (z3 integers) containing every value of the integer term `t`, for any
    value of the variables of enclosing reductions; None when none is found."""
    op = t.op
    if op is Op.CONST:
        v = t.value
        return (int(v), int(v)) if isinstance(v, (bool, int)) or float(v).is_integer() else None
    if op in (Op.LT, Op.LE, Op.GT, Op.GE, Op.EQ, Op.NE, Op.AND, Op.OR, Op.NOT):
        return (0, 1)
    if op is Op.READ:
        d = world.model.spec.tensors.get(t.attrs[0])
        return INT_RANGE.get(d.dtype) if d is not None else None
    if op is Op.SYM and t.attrs[1] != "real":
        s = world.model.syms.get(t.attrs[0])
        return (s, s) if s is not None and z3.is_int(s) else None
    parts = [_bounds(world, a) for a in t.args[1:]] if op is Op.WHERE else [_bounds(world, a) for a in t.args]
    if any(p is None for p in parts) or not parts:
        return None
    if op is Op.WHERE or op in (Op.MIN, Op.MAX):
        (a0, a1), (b0, b1) = parts
        return (_min(a0, b0), _max(a1, b1))
    if op is Op.ADD:
        return (parts[0][0] + parts[1][0], parts[0][1] + parts[1][1])
    if op is Op.SUB:
        return (parts[0][0] - parts[1][1], parts[0][1] - parts[1][0])
    if op is Op.NEG:
        return (-parts[0][1], -parts[0][0])
    if op is Op.MUL:
        (a0, a1), (b0, b1) = parts
        if isinstance(b0, int) and b0 == b1:
            (a0, a1), (b0, b1) = (b0, b1), (a0, a1)
        if isinstance(a0, int) and a0 == a1:
            return (a0 * b0, a0 * b1) if a0 >= 0 else (a0 * b1, a0 * b0)
    return None


def _min(a: Any, b: Any) -> Any:
    return min(a, b) if isinstance(a, int) and isinstance(b, int) else z3.If(a <= b, a, b)


def _max(a: Any, b: Any) -> Any:
    return max(a, b) if isinstance(a, int) and isinstance(b, int) else z3.If(a >= b, a, b)


def _goal(world: Any, site: IntSite, facts: list[z3.BoolRef]) -> z3.BoolRef:
    lo, hi = INT_RANGE[site.dtype]
    term = _abstract(world, site.term, facts) if _has_binder(site.term) else site.term
    x = world.enc.int_(term) if not _has_binder(term) else world.enc.real(term)
    fits = z3.And(lo <= x, x <= hi)
    if site.dtype != "int32" or site.kind in ("cast", "store"):
        return fits
    # a value derived from a size symbol past int32 is computed in int64 (Triton types the argument by value)
    big = [z3.Or(s >= 2**31, s < -(2**31)) for s in _size_syms(world, site.term)]
    if not big:
        return fits
    lo64, hi64 = INT_RANGE["int64"]
    return z3.Or(fits, z3.And(z3.Or(*big), lo64 <= x, x <= hi64))


def _has_binder(t: Term) -> bool:
    return any(n.op in BINDERS for n in walk(t))


def _size_syms(world: Any, t: Term) -> list[z3.ArithRef]:
    out = []
    for n in walk(t):
        if n.op is Op.SYM and n.attrs[1] != "real":
            s = world.model.syms.get(n.attrs[0])
            if s is not None and z3.is_int(s) and s not in out:
                out.append(s)
    return out


def _contexts(world: Any, site: IntSite, accesses: list[Any], seen: dict) -> list[tuple[Any, list, bool]]:
    """Where `site` must fit, as (key, hypotheses, traced): under the mask of each access whose
    address or value contains it, and in every lane if a mask contains it or no access does.
    `traced` says the value reaches an address, a mask or a stored value (a loop's closed form
    may hide an intermediate, e.g. a pointer increment: then it is checked everywhere, and the
    overflow of index arithmetic restricts what the proof covers without being reported as a
    finding; data computed in a loop counts as traced)."""
    out: list[tuple[Any, list, bool]] = []
    in_masks = False
    for a in accesses:
        key = id(a)
        if key not in seen:
            seen[key] = (_subterms(a.offset) | _subterms(a.value) | {i for x in a.index for i in _subterms(x)},
                         _subterms(a.mask), world.context(a.shape, a.mask, a.loops))
        used, in_mask, ctx = seen[key]
        if site.term in in_mask:
            in_masks = True
        elif site.term in used:
            later = _increment_of(site.term, a)
            out.append(((key, later), ctx + [world.enc.var(t) >= 1 for t in later], True))
    if in_masks or not out:
        active = const(True) if site.active is True else site.active
        key = ("all", site.shape, site.loops, active)
        if key not in seen:
            seen[key] = world.context(site.shape, active, site.loops)
        # data computed inside a loop reaches the loop's result through its closed form: traced
        out.insert(0, (key, seen[key], in_masks or _has_data(site.term)))
    return out


def _increment_of(term: Term, a: Any) -> tuple[str, ...]:
    """The loop variables t when `term` occurs in access `a` only as a factor t·term of a loop's
    closed form (a pointer increment `p += BLOCK * stride`: the increment computed in iteration t
    is first used in iteration t + 1, so it matters only for t ≥ 1); else ()."""
    loops = {t for t, _ in a.loops}
    if not loops:
        return ()
    found: set[str] = set()
    roots = [x for x in (a.offset, a.value, *a.index) if x is not None]
    for root in roots:
        for n in walk(root):
            if term not in n.args:
                continue
            if n.op is not Op.MUL:
                return ()
            ts = {v.attrs[0] for x in n.args if x is not term for v in walk(x) if v.op is Op.VAR} & loops
            if not ts:
                return ()
            found |= ts
    return tuple(sorted(found))


def obligations(world: Any, sites: list[IntSite], accesses: list[Any]) -> None:
    """`int-range` obligations, appended to `world.done`. One query states every intermediate in
    range at ordinary sizes, each under its own context (a conjunction of implications); when it
    fails, bisection finds the intermediates that fail (those that failed in an earlier autotune
    configuration are checked on their own first), and each of them is judged (`_judge`)."""
    from ..result import Obligation

    done: set[tuple[Term, str]] = set()
    seen: dict = {}
    members: list[tuple[list, IntSite, z3.BoolRef, list, bool]] = []
    for site in sites:
        if (site.term, site.dtype) in done:
            continue
        done.add((site.term, site.dtype))
        facts: list[z3.BoolRef] = []  # bounds of the reductions abstracted away
        try:
            goal = _goal(world, site, facts)
        except Unsupported as e:
            world.done.append(Obligation(_name(site), "int-range", "unknown", 0.0, f"not encodable: {e.message}", (),
                                         str(site.loc or "")))  # not shown either way: no finding
            continue
        members += [(ctx, site, goal, facts, traced) for _, ctx, traced in _contexts(world, site, accesses, seen)]
    if not members:
        return
    implied = ordinary_implied(world)
    hyps = [*world.model.hyps, *ordinary(world)]
    axioms = dtype_axioms(world)
    suspects = world.memo.setdefault(("int-range suspects",), set())
    rest = [m for m in members if (m[1].what, str(m[1].loc)) not in suspects]
    failing = [m for m in members if (m[1].what, str(m[1].loc)) in suspects]
    ok: list[Any] = []
    slow: list = []  # members of joint queries the solver gave up on (nonlinear swizzles)
    if rest:
        failing += _bisect(world, hyps, axioms, rest, ok, slow)
    for m in slow:
        ctx, site, g, fs, traced = m
        if _has_data(site.term):
            failing.append(m)
            continue
        # index arithmetic the solver cannot bound in time: the claim covers the sizes where it
        # fits, once the smallest sizes lifting runs are shown to be among them (not vacuous)
        world.done.append(_covered(world, site, [*ctx, *fs], g, axioms))
    for m in failing:
        ctx, site, g, fs, traced = m
        ob = world.check("int-range", _name(site), [*ctx, *fs, *hyps[len(world.model.hyps):]], g, site.loc,
                         record=False, extra=axioms)
        if ob.proved:
            ok.append(ob)
            continue
        suspects.add((site.what, str(site.loc)))
        world.done.append(_judge(world, site, _name(site), [*ctx, *fs], g, ob, traced))
    for ob in ok[:1]:  # one record stands for the joint queries
        world.done.append(ob if implied else
                          replace(ob, answer="unsat for tensors of at most 2**30 elements", covers=ordinary_text(world)))


def _joint(part: list) -> z3.BoolRef:
    return z3.And(*[z3.Implies(z3.And(*ctx, *fs), g) for ctx, _, g, fs, _ in part])


def _bisect(world: Any, hyps: list, axioms: list, part: list, ok: list, slow: list) -> list:
    """The members of `part` that are not in range, found by halving; proved queries go to `ok`,
    the members of a query the solver gives up on to `slow` (halving would only repeat it)."""
    ob = world.check("int-range", f"{len(part)} intermediates", hyps, _joint(part), part[0][1].loc, record=False,
                     extra=axioms)
    if ob.proved:
        ok.append(ob)
        return []
    if ob.status == "unknown":  # halving would repeat the timeout for every part
        slow += part
        return []
    if len(part) == 1:
        return part
    half = len(part) // 2
    return _bisect(world, hyps, axioms, part[:half], ok, slow) + _bisect(world, hyps, axioms, part[half:], ok, slow)


def _covered(world: Any, site: IntSite, ctx: list, goal: z3.BoolRef, axioms: list) -> Any:
    """The claim restricted to the sizes where `site` fits, checked non-vacuous at the smallest
    sizes lifting runs; unknown if even that is not shown."""
    from ..result import Obligation

    cover = f"`{site.what or site.kind}` ({site.loc}) stays within {site.dtype}"
    base = _base_sizes(world)
    pin = [world.model.sizes[n] == v for n, v in base.items() if n in world.model.sizes]
    small = world.check("int-range", _name(site), [*ctx, *pin], goal, site.loc, record=False, extra=axioms)
    if small.proved:
        return replace(small, answer=f"not decided in time for every size: the claim covers the sizes where {cover}",
                       covers=cover)
    return Obligation(_name(site), "int-range", "unknown", small.seconds, f"not shown even at {base}: {small.answer}",
                      (), str(site.loc or ""))


def _name(site: IntSite) -> str:
    return f"{site.what or site.kind}@{site.loc.line if site.loc else 0}"


def _judge(world: Any, site: IntSite, name: str, ctx: list, goal: z3.BoolRef, first: Any, traced: bool = True) -> Any:
    """Cases 2 to 4 of the module docstring for an intermediate not in range everywhere."""
    axioms = dtype_axioms(world)
    ob = first  # the query at ordinary sizes (obligations asks it before judging)
    data = _has_data(site.term)
    cover = f"`{site.what or site.kind}` ({site.loc}) stays within {site.dtype}" + (" for every input" if data else "")
    if ob.proved:
        return replace(ob, status="proved", answer=f"unsat only for the sizes where {cover} (every tensor of "
                       f"at most 2**30 elements suffices)", covers=ordinary_text(world))
    # the sizes the proof then covers must include some allowed size: the smallest one lifting runs
    base = _base_sizes(world)
    pin = [world.model.sizes[n] == v for n, v in base.items() if n in world.model.sizes]
    small = world.check("int-range", name, [*ctx, *pin], goal, site.loc, record=False, extra=axioms) if base else None
    key = ("smallest", site.what, str(site.loc))
    if key not in world.memo:
        world.memo[key] = smallest(world, [*ctx, *axioms], goal) if traced and not data else ""
    at = world.memo[key] or _sizes(world, ob.model or first.model)
    if small is None or not small.proved:
        how = "can wrap around" if (small or ob).status == "failed" else "is not shown to stay"
        sizes = _sizes(world, small.model) if small is not None and small.model else at
        failed = (small or ob).status == "failed"  # a model: the overflow is real (a finding); unknown: not shown
        return replace(small or ob, status="failed" if small is not None and small.status == "failed" else ob.status,
                       finding=_finding(site, f"{how} in {site.dtype}" + (" (for some inputs)" if sizes else ""), sizes)
                       if failed else None)
    # a reduction bounded by an interval (`_abstract`) may overflow later than its bound says
    verb = "may overflow" if _has_binder(site.term) else "overflows"
    where = f" at {at}" if at else " at some sizes"
    what = f"{verb} {site.dtype}" + (" for some inputs" if data else "") + ("" if at else where)
    finding = _finding(site, what, at) if traced else None
    return replace(ob, status="proved", answer=f"holds only for the sizes where {cover}"
                   + ("" if traced else f" (it overflows{where}; no address, mask or stored value is seen to use it)"),
                   covers=cover, finding=finding)


def _base_sizes(world: Any) -> dict[str, int]:
    """The first sizes lifting executes (small values satisfying the constraints), which the
    prover puts in the memo (`prove._prove_config`; the size policy lives in the pipeline)."""
    return world.memo.get(("base sizes",), {})


def smallest(world: Any, hyps: list, goal: z3.BoolRef) -> str:
    """The sizes with the least sum at which `goal` fails, when z3's optimiser finds them quickly."""
    names = list(world.model.sizes)
    if not names:
        return ""
    opt = z3.Optimize(ctx=world.T.ctx)
    opt.set(timeout=1000)
    opt.add(*hyps, *world.data_ranges(), z3.Not(goal))
    opt.minimize(z3.Sum(*world.model.sizes.values()))
    try:
        if opt.check() != z3.sat:
            return ""
        m = opt.model()
    except z3.Z3Exception:
        return ""
    return ", ".join(f"{n}={m.eval(world.model.sizes[n], model_completion=True)}" for n in names)


def _sizes(world: Any, model: tuple[tuple[str, str], ...]) -> str:
    vals = dict(model)
    return ", ".join(f"{n}={vals[n]}" for n in world.model.spec.sizes if n in vals)


def _finding(site: IntSite, what: str, sizes: str) -> Finding:
    """An overflow finding: the expression, what happens, the sizes (`N=3, M=2` text) where."""
    if site.dtype.startswith("uint"):  # defined modular arithmetic (Philox counters rely on it): the formula's
        # integer reading is what is wrong there, not the kernel; a note, and the obligation stays unproved
        return Finding(FindingKind.NOTE, f"`{site.what or site.kind}` {what} (unsigned arithmetic wraps modulo "
                       f"2**{site.dtype[4:]}; the formula reads it as an integer)", site.loc, (), sizes_of(sizes))
    return Finding(FindingKind.OVERFLOW, f"`{site.what or site.kind}` {what}", site.loc, (), sizes_of(sizes))


def sizes_of(text: str) -> dict[str, int]:
    """`N=3, M=2` as a dict."""
    at = {}
    for part in text.split(", ") if text else ():
        name, _, value = part.partition("=")
        if value.lstrip("-").isdigit():
            at[name] = int(value)
    return at


def findings(obligations: Any) -> tuple[Finding, ...]:
    """The findings of a verdict's obligations (overflows, launches Triton rejects), one per
    expression (autotune configurations overflow at different sizes: the first is kept)."""
    seen: dict[tuple, Finding] = {}
    for o in obligations:
        if o.finding is not None:
            seen.setdefault((o.finding.location, o.finding.message.split("` ")[0]), o.finding)
    return tuple(seen.values())


__all__ = ["INT_RANGE", "IntSite", "IntWidthHooks", "obligations"]
