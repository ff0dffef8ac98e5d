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
from dataclasses import dataclass
from typing import Any

import z3

from ..dsl.term import BINDERS, Op, Term, const, walk
from ..errors import SourceLoc, Unsupported
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
    """A value read from an integer tensor lies in its dtype's range (any memory of that dtype)."""
    out = []
    for (name, n), f in world.enc.reads.items():
        d = world.model.spec.tensors.get(name)
        if d is None or d.dtype not in INT_RANGE:
            continue
        lo, hi = INT_RANGE[d.dtype]
        ks = [z3.Int(f"{name}.r{a}", world.T.ctx) for a in range(n)]
        body = z3.And(lo <= f(*ks), f(*ks) <= hi)
        out.append(z3.ForAll(ks, body, patterns=[f(*ks)]) if ks else body)
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


def _goal(world: Any, site: IntSite) -> z3.BoolRef:
    lo, hi = INT_RANGE[site.dtype]
    x = world.enc.int_(site.term) if not _has_binder(site.term) else world.enc.real(site.term)
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


def _contexts(world: Any, site: IntSite, accesses: list[Any], seen: dict) -> list[list[z3.BoolRef]]:
    """Where `site` must fit: under the mask of each access whose address or value contains it,
    and in every lane if a mask contains it or no access does."""
    ctxs: list[list[z3.BoolRef]] = []
    everywhere = True
    for a in accesses:
        key = id(a)
        if key not in seen:
            seen[key] = (_subterms(a.offset) | _subterms(a.value) | {i for x in a.index for i in _subterms(x)},
                         _subterms(a.mask))
        used, in_mask = seen[key]
        if site.term in in_mask:
            continue
        if site.term in used:
            everywhere = False
            ctxs.append(world.context(a.shape, a.mask, a.loops))
    if everywhere or any(site.term in seen[id(a)][1] for a in accesses):
        active = const(True) if site.active is True else site.active
        ctxs.insert(0, world.context(site.shape, active, site.loops))
    return ctxs


def obligations(world: Any, sites: list[IntSite], accesses: list[Any]) -> None:
    """One `int-range` obligation per distinct intermediate, appended to `world.done`."""
    from .obligations import Obligation

    done: set[tuple[Term, str]] = set()
    seen: dict = {}
    for site in sites:
        if (site.term, site.dtype) in done:
            continue
        done.add((site.term, site.dtype))
        name = f"{site.what or site.kind}@{site.loc.line if site.loc else 0}"
        try:
            goal = _goal(world, site)
        except Unsupported as e:
            world.done.append(Obligation(name, "int-range", "unknown", 0.0, f"not encodable: {e.message}", (),
                                         str(site.loc or ""), finding=_finding(site, f"is not shown to stay in {site.dtype}",
                                                                 f" ({e.message})")))
            continue
        worst = None
        for ctx in _contexts(world, site, accesses, seen):
            ob = world.check("int-range", name, ctx, goal, site.loc, record=False, extra=dtype_axioms(world))
            if ob.proved:
                continue
            worst = _judge(world, site, name, ctx, goal, ob)
            if not worst.proved:
                break
        if worst is not None:
            world.done.append(worst)


def _judge(world: Any, site: IntSite, name: str, ctx: list, goal: z3.BoolRef, first: Any) -> Any:
    from dataclasses import replace

    axioms = dtype_axioms(world)
    ob = world.check("int-range", name, [*ctx, *ordinary(world)], goal, site.loc, record=False, extra=axioms)
    cover = f"`{site.what or site.kind}` ({site.loc}) stays within {site.dtype}"
    if ob.proved:
        return replace(ob, status="proved", answer=f"unsat only for the sizes where {cover} (every tensor of "
                       f"at most 2**30 elements suffices)", covers=ordinary_text(world))
    sizes = _sizes(world, ob.model or first.model)
    if not _has_data(site.term):
        where = f" at {sizes}" if sizes else " at some sizes"
        return replace(ob, status="proved", answer=f"holds only for the sizes where {cover}", covers=cover,
                       finding=_finding(site, f"overflows {site.dtype}{where}", ""))
    how = "can wrap around" if ob.status == "failed" else "is not shown to stay"
    return replace(ob, finding=_finding(site, f"{how} in {site.dtype}", f" (e.g. at {sizes})" if sizes else ""))


def _sizes(world: Any, model: tuple[tuple[str, str], ...]) -> str:
    vals = dict(model)
    return ", ".join(f"{n}={vals[n]}" for n in world.model.spec.sizes if n in vals)


def _finding(site: IntSite, what: str, extra: str) -> str:
    where = f"{site.loc}: " if site.loc else ""
    return f"{where}overflow: `{site.what or site.kind}` {what}{extra}"


__all__ = ["INT_RANGE", "IntSite", "IntWidthHooks", "obligations"]
