"""The prover's value domain: one run of a kernel's AST for a symbolic program and symbolic lanes.

`Evaluator` is the one kernel walker (`symex/walker.py`) over lane-symbolic tiles
(`lanetile.Lanes`: one term over the lane variables) with the prover's side of the `tl.*` table
(`lanebuiltins.py`). Where the symbolic executor runs every program of a concrete launch over
tiles of concrete lanes, this domain runs the kernel once: program ids are the variables
`p0 p1 p2`, sizes are symbols. Reductions over a tile axis become binder terms over [0, extent)
of the lane body. Every load and store is recorded as an `Access` with its decoded logical index
(`decode`, supplied by the caller: decoding needs the tensor layouts and the solver), its mask
and its lane extents; those accesses are what the obligations are about.

Control flow must be decided at compile time (constexpr branches, `static_range`, loops and
`while` over constant ranges, unrolled); a loop over a symbolic trip count goes to the invariant
patterns of `loops.py`; a branch on a symbolic value, and any construct the walker does not list,
raises `Unsupported` with its location, and the caller keeps the bounded result.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from ..dsl import build
from ..dsl.term import Op, Term, const, var
from ..errors import SourceLoc, Unsupported
from ..frontend.source import FunctionRef, SourceIndex
from ..symex.values import DTypeV
from ..symex.walker import BoundMethod, Frame, Walker, _Break, _Continue, _Return
from . import lanetile as L
from . import loops as LP
from . import loops_argmax as LA
from .atomics import AtomicBuiltins
from .lanebuiltins import Access, Decode, LaneBuiltins, static_int
from .lanetile import Lanes
from .loops_scan import LaneScans

# fact(kind, claim, enclosing loops, location) -> proved for every allowed size, program and iteration
Fact = Callable[[str, Term, tuple[tuple[str, Term], ...], SourceLoc | None], bool]
LIMIT = 4096  # iterations of a loop over a constant range that are unrolled


class Evaluator(AtomicBuiltins, LaneScans, LaneBuiltins, Walker):
    error = Unsupported
    domain = "the prover"
    max_unroll = LIMIT

    def __init__(self, index: SourceIndex, decode: Decode, grid: tuple[Term, Term, Term], names_from: int = 0,
                 fact: Fact | None = None) -> None:
        super().__init__(index)
        self.decode = decode
        self.fact = fact  # proves a fact about sizes (a symbolic loop step ≥ 1), recording the obligation
        self.grid = grid
        self.accesses: list[Access] = []
        self.loops: list[tuple[str, Term]] = []
        self._bound = names_from  # bound-variable and loop names continue from here: terms of several
        self._nloops = names_from  # launches are composed, and must not capture each other's names
        self._undef = 0
        self.lemmas: list[str] = []  # lemmas the invariant rows relied on (beyond the reductions' definitions)

    def run(self, fn: FunctionRef, args: dict[str, Any]) -> list[Access]:
        self.run_kernel(fn, args)
        return self.accesses

    def eval_default(self, node: ast.expr, fn: FunctionRef) -> Any:
        """A kernel parameter's default value, evaluated in the kernel's module."""
        return self.eval(node, Frame(fn.module))

    # -- the value hooks -----------------------------------------------------------------------
    def is_tile(self, v: Any) -> bool:
        return isinstance(v, Lanes)

    ops = L

    def term_tile(self, t: Term, dtype: str = "fp32") -> Lanes:
        return L.scalar(t, dtype)

    def retype_pointer(self, v: Any, pointee: str | None) -> Any:
        t = L.as_lanes(v)
        if t.ptr is None:
            raise Unsupported("a cast of a number to a pointer", self.loc)
        return Lanes(t.term, t.shape, pointee or t.dtype, t.ptr)

    def invert(self, v: Any, loc: SourceLoc) -> Any:
        t = L.as_lanes(v)
        if t.dtype == "int1":
            return L.unary(Op.NOT, t)
        raise Unsupported("bitwise not of an integer is not modelled by the prover", loc)

    def index_tile(self, v: Any, key: list[Any]) -> Any:
        return L.expand(v, key)

    def tile_attribute(self, v: Any, attr: str) -> Any:
        if attr in ("dtype", "type"):
            return DTypeV("ptr", v.dtype) if v.ptr is not None else DTypeV(v.dtype)
        if attr == "shape":
            return tuple(static_int(L.scalar(e, "int32")) if e.op is Op.CONST else L.scalar(e, "int32")
                         for e in v.shape)
        if attr == "T":
            return self._trans(v)
        return BoundMethod(v, attr)

    def tile_shape(self, v: Any) -> tuple[Term, ...]:
        return L.as_lanes(v).shape

    def tile_dtype(self, v: Any) -> str:
        return L.as_lanes(v).dtype

    def tile_len(self, v: Any) -> Any:
        e = v.shape[0]
        return static_int(L.scalar(e, "int32")) if e.op is Op.CONST else L.scalar(e, "int32")

    def static_int(self, v: Any, what: str) -> int | None:
        return static_int(v)

    def loop_value(self, i: int, static: bool) -> Any:
        return i if static else L.scalar(const(i), "int32")

    def truth(self, v: Any, loc: SourceLoc) -> bool | Term:
        """A known condition, or the term of a scalar one (sizes, program ids, data): the walker
        then runs both sides under the path predicate, which guards every access."""
        known = self.known_truth(v)
        if known is not None:
            return known
        t = L.as_lanes(v)
        if t.rank != 0:
            raise Unsupported("a branch on a tile with several lanes", loc)
        return t.term if t.dtype == "int1" else build.compare(Op.NE, t.term, 0)

    def known_truth(self, v: Any) -> bool | None:
        if isinstance(v, Lanes):
            return bool(v.term.value) if v.rank == 0 and v.term.op is Op.CONST else None
        return bool(v)

    # -- loops over symbolic trip counts ---------------------------------------------------------
    def exec_While(self, st: ast.While, frame: Frame) -> None:
        """`while i < E: ...; i += s` (the increment the body's last statement, i assigned nowhere
        else, s ≥ 1) is the counted loop `for i in range(i, E, s)`; any other `while` is unrolled
        while its condition is known, as the walker does."""
        counted = _counted_while(st)
        if counted is None or self.known_truth(self.eval(st.test, frame)) is not None:
            super().exec_While(st, frame)
            return
        name, bound_node, step_node, strict = counted
        loc = frame.module.loc(st)
        i0, bound, step = (self.eval(x, frame) for x in (ast.Name(name, ast.Load()), bound_node, step_node))
        hi = bound if strict else self.binary(Op.ADD, self.lift(bound), 1)
        loop = ast.For(target=ast.Name(name, ast.Store()), iter=ast.Call(ast.Name("range", ast.Load()), [], []),
                       body=st.body[:-1] or [ast.Pass()], orelse=[], type_comment=None)
        ast.copy_location(loop, st)
        self.symbolic_for(loop, frame, [i0, hi, step])
        lo_t, hi_t, s_t = (self._int_term(v, loc) for v in (i0, hi, step))
        trips = build.floordiv(build.add(build.sub(hi_t, lo_t), build.sub(s_t, 1)), s_t)
        after = build.where(build.compare(Op.GT, hi_t, lo_t), build.add(lo_t, build.mul(trips, s_t)), lo_t)
        frame.locals[name] = L.scalar(after, "int32")  # the counter's value after the loop

    def symbolic_for(self, st: ast.For, f: Frame, values: list[Any]) -> None:
        """A loop over a symbolic trip count, by the invariant patterns of `loops.py`: pass 1
        (decoding stubbed) finds the closed forms of carried values that read no data (pointers,
        counters); pass 2 those of data accumulators; pass 3 records the body's accesses for a
        symbolic iteration with every carried value at its invariant. After the loop each
        carried variable holds its closed form at the trip count."""
        loc = f.module.loc(st)
        if not isinstance(st.target, ast.Name):
            raise Unsupported("a loop target that is not a name", loc)
        lo, hi, step = (0, values[0], 1) if len(values) == 1 else (values[0], values[1], values[2] if len(values) > 2 else 1)
        step_t = self._int_term(step, loc)
        if step_t.op is Op.CONST and step_t.value <= 0:
            raise Unsupported("a loop with a step that is not positive", loc)
        if step_t.op is not Op.CONST and not (self.fact is not None and self.fact(
                "loop-step", build.compare(Op.GE, step_t, const(1)), tuple(self.loops), loc)):
            raise Unsupported(f"a loop whose step ({step_t}) cannot be shown positive for every allowed size", loc)
        lo_t, hi_t = (self._int_term(v, loc) for v in (lo, hi))
        n = self._nloops = self._nloops + 1
        t, u = f"t{n}", f"u{n}"
        K = build.where(build.compare(Op.GT, hi_t, lo_t),
                        build.floordiv(build.add(build.sub(hi_t, lo_t), build.sub(step_t, 1)), step_t), const(0))
        it_value = L.scalar(build.add(lo_t, build.mul(var(t), step_t)), "int32")
        names = LP.assigned_names(st.body) - {st.target.id}
        phs = {nm: LP.placeholder(nm, f.locals[nm], n) for nm in sorted(names) if nm in f.locals}
        closed: dict[str, tuple[LP.Placeholder, LP.Recurrence]] = {}

        def run(record: bool, stub: bool) -> dict[str, Any]:
            vals = {nm: self._closed_lanes(closed[nm], var(t), t, u) if nm in closed else ph.lanes
                    for nm, ph in phs.items()}
            frame = Frame(f.module, {**f.locals, **vals, st.target.id: it_value})
            mark, saved = len(self.accesses), self.decode
            if stub:
                self.decode = lambda tensor, off, *_: ((off,), "stub")
            self.loops.append((t, K))
            try:
                self.exec_block(st.body, frame)
            except _Return:
                raise Unsupported("return inside a loop over a symbolic trip count", loc) from None
            except (_Break, _Continue):
                raise Unsupported("break/continue inside a loop over a symbolic trip count", loc) from None
            finally:
                self.loops.pop()
                self.decode = saved
                if not record:
                    del self.accesses[mark:]
            return frame.locals

        for stub in (True, False):
            out = run(False, stub)
            pending = []
            for nm, ph in phs.items():
                if nm in closed:
                    continue
                rec = LP.classify(ph, out.get(nm))
                if rec is None:
                    pending.append(nm)
                    continue
                if stub and LP.reads_data(rec.h):
                    continue
                closed[nm] = (ph, rec)
            if stub:
                continue
            for nm in pending:  # rows over two variables: a rescaled sum against a running max, ...
                maxima = {k: (phs[k], r, out.get(k)) for k, (_, r) in closed.items()}
                rec = LP.classify_rescaled(phs[nm], out.get(nm), maxima)
                lemmas = [LP.rescale_lemma(rec)] if rec is not None else []
                if rec is None:  # ... the index of a (value, index) pair against a running max or min
                    rec = LA.classify_pair(phs[nm], out.get(nm), maxima, t, lambda w: self._positive(w, loc), loc)
                    lemmas = list(rec.lemmas) if rec is not None else []
                if rec is None:
                    raise Unsupported(f"the loop-carried variable {nm!r} is updated in a way no invariant pattern "
                                      f"covers (sum, product, running max/min, overwrite, online-softmax rescaled "
                                      f"sum, argmax/argmin pair with a strict update)", loc)
                closed[nm] = (phs[nm], rec)
                self.lemmas += [lem for lem in lemmas if lem not in self.lemmas]
        out = run(True, False)
        for nm, (ph, rec) in closed.items():
            f.locals[nm] = self._closed_lanes((ph, rec), K, t, u)


    def _positive(self, w: Term, loc: SourceLoc) -> bool:
        """A tile width w ≥ 1 for every allowed size (recorded as an obligation when symbolic)."""
        if w.op is Op.CONST:
            return not isinstance(w.value, bool) and w.value >= 1
        return self.fact is not None and self.fact("tile-width", build.compare(Op.GE, w, const(1)),
                                                    tuple(self.loops), loc)

    def _closed_lanes(self, pr: tuple[LP.Placeholder, LP.Recurrence], n: Term, t: str, u: str) -> Lanes:
        ph, rec = pr
        v = rec.at(n, t, u)
        if v.shape != ph.init.shape:
            raise Unsupported(f"the loop-carried variable {ph.name!r} changes its tile shape in the loop", self.loc)
        return v

    def _int_term(self, v: Any, loc: SourceLoc) -> Term:
        if isinstance(v, bool) or not isinstance(v, (int, Lanes)):
            raise Unsupported("a loop bound that is not an integer", loc)
        if isinstance(v, int):
            return const(v)
        if v.rank != 0 or v.ptr is not None or not v.dtype.startswith(("int", "uint")):
            raise Unsupported("a loop bound that is not an integer scalar", loc)
        return v.term


def _counted_while(st: ast.While) -> tuple[str, ast.expr, ast.expr, bool] | None:
    """(counter, bound, step, strict) of `while counter < bound: ...; counter += step`."""
    t = st.test
    if st.orelse or not st.body or not (isinstance(t, ast.Compare) and len(t.ops) == 1
                                        and isinstance(t.ops[0], (ast.Lt, ast.LtE)) and isinstance(t.left, ast.Name)):
        return None
    name, last = t.left.id, st.body[-1]
    if not (isinstance(last, ast.AugAssign) and isinstance(last.op, ast.Add) and isinstance(last.target, ast.Name)
            and last.target.id == name):
        return None
    if name in LP.assigned_names(st.body[:-1]) or any(isinstance(n, (ast.Break, ast.Continue, ast.Return))
                                                       for b in st.body for n in ast.walk(b)):
        return None
    return name, t.comparators[0], last.value, isinstance(t.ops[0], ast.Lt)


__all__ = ["Access", "Evaluator", "Frame"]
