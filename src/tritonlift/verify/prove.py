"""The unbounded tier: `prove(spec, formula) -> Verdict`, for every size the launch spec allows.

Scope (the first tier): kernels without loops over symbolic trip counts, i.e. element-wise
kernels (one tile per program, a masked tail) and single-tile row kernels (BLOCK =
next_power_of_2(N) covers the row), plus `elementwise = true` launches of scalar functions.
Each single launch step is evaluated once, lane-symbolically (`vcgen.py`), for every autotune
configuration the spec lists; the obligations (`obligations.py`) go through the solver backend
with hard limits. The verdict is

- PROVED when every obligation is unsat (or derived from unsat ones) for every configuration;
- REFUTED only with a concrete counterexample: the kernel executed by `symex` at small sizes
  (including those of the solver's model, when it has one) and the formula evaluated in float64
  differ (`verify.counterexample`), never on the strength of a solver model alone;
- UNKNOWN otherwise, naming the first obligation that is not proved and the solver's answer;
- UNSUPPORTED when the kernel uses a construct the evaluator does not model (with its
  location): the caller keeps its bounded result.
"""

from __future__ import annotations

import ast
import itertools
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import z3

from ..dsl import build
from ..dsl.term import Op, Term, const, free_vars, sym, var
from ..errors import TritonLiftError, Unsupported
from ..frontend.concrete import autotune_params
from ..frontend.launch import ArgValue, LaunchSpec, LaunchStep
from ..frontend.resolve import resolve_step
from ..frontend.source import FunctionRef
from ..options import Options
from ..result import (
    Counterexample,
    Finding,
    FindingKind,
    Formula,
    ObligationStatus,
    Status,
    Verdict,
)
from ..symex.values import DTypeV
from . import atomics as AT
from . import blocks, intwidth, launchrules, vacuity
from . import overwrite as OW
from . import termops as TO
from .encode import Encoder
from .inout import read_before_write
from .lanetile import Lanes, as_lanes, broadcast_to, cast, lane, scalar
from .obligations import Obligation, World, invert_index, layouts
from .query import Limits
from .signs import Signs
from .sizemodel import SizeModel
from .theory import Z3Theory
from .vcgen import Access, Evaluator

MAX_CONFIGS = 64  # configurations proved one by one; past this the result stays BOUNDED


@dataclass(frozen=True)
class ProveConfig:
    """Limits of every query, where to dump queries (`--dump-smt`), whether to look for a
    concrete counterexample when a proof fails, and an optional backend to reuse (else the
    default portfolio, z3 then cvc5 where z3 says unknown, is started and closed)."""

    limits: Limits = field(default_factory=lambda: Limits(seconds=1.0))
    dump_smt: Path | None = None
    refute: bool = True
    backend: Any = None
    all_outputs: bool = True  # False: outputs the formula does not state are not checked (`check`)
    refute_unsupported: bool = False  # also search for a counterexample when the prover cannot model the kernel


def prove(spec: LaunchSpec, formula: Formula, opts: Options | None = None,
          config: ProveConfig | None = None) -> Verdict:
    """Prove `formula` for the kernel(s) of `spec` for every size satisfying its constraints (the
    spec's positive reals known positive while terms are built: `-inf / temp` is `-inf`).
    An integer overflow the obligations show (`intwidth.py`) is a finding: the verdict is then
    FINDINGS (the formula holding only where the verdict's `conditions` say) unless it is
    already REFUTED or an error."""
    from ..dsl.build import positive_symbols
    from ..simplify import positive_reals

    with positive_symbols(positive_reals(spec.reals)):
        v = _prove(spec, formula, opts, config)
    found = intwidth.findings(v.obligations)
    if not any(f.bug for f in found):
        return replace(v, findings=(*v.findings, *found)) if found else v
    status = Status.FINDINGS if v.status in (Status.PROVED, Status.UNKNOWN, Status.FINDINGS) else v.status
    message = v.message if v.status is not Status.PROVED else \
        f"{found[0].text()}; the formula holds where " + "; ".join(v.conditions)
    return replace(v, status=status, message=message or found[0].text(), findings=(*v.findings, *found))


def _prove(spec: LaunchSpec, formula: Formula, opts: Options | None = None,
           config: ProveConfig | None = None) -> Verdict:
    """Prove `formula` for the kernel(s) of `spec` for every size satisfying its constraints."""
    from ..pipeline import source_index

    opts, config = opts or Options(), config or ProveConfig()
    t0 = time.monotonic()
    params = autotune_params(spec)
    names = list(params)
    choices = [dict(zip(names, c, strict=True)) for c in itertools.product(*(range(params[n]) for n in names))]
    if len(choices) > MAX_CONFIGS:
        return Verdict(Status.UNSUPPORTED, f"{len(choices)} autotune configurations (at most {MAX_CONFIGS} are proved)")
    from .solver import default_backend, kept_backend

    backend = config.backend or kept_backend()
    owned = backend is None
    if owned:
        backend = default_backend()
    index = source_index(opts)
    done: list[Obligation] = []
    assumptions: list[str] = []
    memo: dict = {}  # shared by the configurations (intwidth: the smallest overflowing sizes, once per expression)
    try:
        together = _all_configurations(spec, formula, choices, index, backend, config)
        if together is not None:
            obs, used = together
            return Verdict(Status.PROVED, "", tuple(obs), tuple(used), "", None, time.monotonic() - t0)
        for choice in choices:
            tag = "" if len(choices) == 1 else "[" + ",".join(f"{k}={v}" for k, v in choice.items()) + "]"
            try:
                obs, used = _prove_config(spec, formula, choice, index, backend, config, tag, memo)
            except Unsupported as e:
                why = Obligation("kernel", "model", "unknown", 0.0, e.message, (), str(e.loc or ""))
                cex = _refute(spec, formula, opts, why, choice) if config.refute_unsupported else None
                if cex is not None:  # a concrete, replayed counterexample needs no model of the kernel
                    return Verdict(Status.REFUTED, f"{_cex_text(cex)} (the prover does not model the kernel: "
                                   f"{e.message})", tuple(done), tuple(assumptions), str(e.loc or ""), cex,
                                   time.monotonic() - t0)
                return Verdict(Status.UNSUPPORTED, f"not supported by the prover: {e.message}",
                               tuple(done), tuple(assumptions), str(e.loc or ""), None, time.monotonic() - t0)
            done += obs
            assumptions += [a for a in used if a not in assumptions]
            bad = next((o for o in obs if not o.proved and o.kind == "launch-rule"), None)
            if bad is not None:  # Triton rejects the launch at some allowed size: an error, whatever else holds
                return Verdict(Status.ERROR, bad.answer, tuple(done), tuple(assumptions), bad.location, None,
                               time.monotonic() - t0)
            races = [f for o in obs if (f := layout_race(o, spec, choice)) is not None]
            if races:
                return Verdict(Status.FINDINGS, races[0].message, tuple(done), tuple(assumptions), "", None,
                               time.monotonic() - t0, tuple(races))
            bad = next((o for o in obs if not o.proved), None)
            if bad is not None:
                # the solver's model of any failed obligation points at where to look (the first one
                # not proved may be an unknown, without a model)
                hint = next((o for o in obs if o.status == "failed" and o.model), bad)
                cex = _refute(spec, formula, opts, hint, choice) if config.refute else None
                if cex is not None:
                    return Verdict(Status.REFUTED, f"{_cex_text(cex)} (first obligation not proved: {bad.kind} "
                                   f"{bad.name})", tuple(done),
                                   tuple(assumptions), bad.location, cex, time.monotonic() - t0)
                return Verdict(Status.UNKNOWN, f"{bad.kind} {bad.name} not proved: {bad.answer}", tuple(done),
                               tuple(assumptions), bad.location, None, time.monotonic() - t0)
    except TritonLiftError as e:
        return Verdict(Status.ERROR, str(e).splitlines()[0], tuple(done), tuple(assumptions), str(e.loc or ""),
                       None, time.monotonic() - t0)
    except RecursionError:
        return Verdict(Status.ERROR, "internal error: expression nesting too deep", tuple(done), tuple(assumptions),
                       "", None, time.monotonic() - t0)
    except z3.Z3Exception as e:  # an encoding the solver API rejects: a bug here, never a proof
        return Verdict(Status.ERROR, f"internal error in the prover: {e}", tuple(done), tuple(assumptions), "",
                       None, time.monotonic() - t0)
    finally:
        if owned:
            backend.close()
    return Verdict(Status.PROVED, "", tuple(done), tuple(assumptions), "", None, time.monotonic() - t0)


def _all_configurations(spec: LaunchSpec, formula: Formula, choices: list[dict[str, int]], index, backend,
                        config: ProveConfig) -> tuple[list[Obligation], list[str]] | None:
    """Every configuration in one proof, each listed parameter a symbol (`blocks.py`), when
    there are more than two and the proof goes through; else None (prove them one by one)."""
    if len(choices) <= 2 or blocks.listed(spec) is None:
        return None
    choice = {k: blocks.SYMBOLIC for k in choices[0]}
    # one query stands for all the configurations: worth more time than each of theirs
    config = replace(config, limits=replace(config.limits, seconds=max(config.limits.seconds, blocks.SECONDS)))
    try:
        obs, used = _prove_config(spec, formula, choice, index, backend, config, "[all configurations]")
    except (Unsupported, RecursionError, z3.Z3Exception, blocks.Abandoned):
        return None
    return (obs, used) if all(o.proved for o in obs) else None


def layout_race(ob: Obligation, spec: LaunchSpec, choice: dict[str, int]) -> Finding | None:
    """A failed layout obligation as a race finding: the solver's model gives sizes at which two
    distinct elements of a written tensor share an address. The query is integer arithmetic over
    the sizes only (no uninterpreted functions), so the model is a real collision."""
    if ob.kind != "layout" or ob.status is not ObligationStatus.FAILED:
        return None
    name = ob.name.split(" ", 1)[0]
    model = dict(ob.model)
    sizes = {n: int(model[n]) for n in spec.sizes if n in model and model[n].lstrip("-").isdigit()}
    rank = len(spec.tensors[name].shape) if name in spec.tensors else 0
    i = [model.get(f"{name}.i{k}") for k in range(rank)]
    j = [model.get(f"{name}.j{k}") for k in range(rank)]
    pair = (f": {name}[{', '.join(map(str, i))}] and {name}[{', '.join(map(str, j))}]"
            if all(v is not None for v in (*i, *j)) else "")
    where = "" if sizes else " at some allowed size"
    conf = f" (autotune choice {choice})" if choice else ""
    return Finding(FindingKind.RACE, f"distinct elements of {name} share an address{where}{pair}{conf}: "
                   f"stores to them race", spec.loc("tensors", name), (), sizes)


def _prove_config(spec: LaunchSpec, formula: Formula, choice: dict[str, int], index, backend,
                  config: ProveConfig, tag: str, memo: dict | None = None) -> tuple[list[Obligation], list[str]]:
    """The obligations of one autotune configuration. Launches run in order; a `temp` tensor one
    launch writes and a later one reads is composed (`_define_temp`): its content is stated as a
    term over the inputs, proved like an output (value and coverage), and substituted for the
    later launch's loads of it."""
    T = Z3Theory()
    model = SizeModel.build(spec, T)
    lay = layouts(spec, model)
    enc = Encoder(T, model, {n: d.dtype for n, d in spec.tensors.items()})
    if blocks.SYMBOLIC in choice.values():
        names = blocks.bind(model, blocks.listed(spec) or {})
        enc.signs = Signs.of_sizes({**model.sizes, **{n: model.syms[n] for n in names.values()}}, model.hyps)
    else:
        enc.signs = Signs.of_sizes(model.sizes, model.hyps)
    world = World(T, model, enc, lay, backend, config.limits, config.dump_smt, tag)
    world.memo = memo if memo is not None else {}
    if ("base sizes",) not in world.memo:  # intwidth: claims restricted to sizes must include these
        from ..pipeline import default_sizes

        try:
            world.memo[("base sizes",)] = default_sizes(spec)[0]
        except (TritonLiftError, IndexError):
            world.memo[("base sizes",)] = {}
    if blocks.SYMBOLIC in choice.values():
        world.done = blocks.FirstFailureStops()
    used: list[str] = [*model.notes]
    temps: dict[str, tuple[tuple[str, ...], Term]] = {}
    stores: dict[str, list[Access]] = {}
    stated = {o.tensor: o for o in formula.outputs}
    for o in formula.outputs:
        if o.tensor not in lay:
            raise Unsupported(f"the formula states {o.tensor}, which the launch spec does not declare")
    for name, layout in lay.items():  # explicit strides of a written tensor: rows must not overlap
        if layout.direction in ("out", "inout", "temp") and not layout.contiguous and layout.shape:
            world.injective(name)
    every: list[Access] = []
    atomic: dict[str, tuple] = {}  # tensor -> sites, the launch's grid
    deferred: dict[str, tuple[list[Access], Any]] = {}  # outputs' stores: checked once no later launch updates them atomically
    for k, step in enumerate(spec.steps):
        first = len(world.extents)
        accesses = [_compose(a, temps) for a in _run_step(spec, step, k, choice, index, model, world)]
        launchrules.obligations(world, world.extents[first:], tuple(g.text for g in step.grid))
        every += accesses
        AT.check_launch(accesses)
        grid = [(f"p{a}", const(z3.simplify(g).as_long()) if z3.is_int_value(z3.simplify(g))
                 else sym(f"GRID{a}" if k == 0 else f"GRID{k}_{a}", "int")) for a, g in enumerate(world.grid)]
        for a in (a for a in accesses if AT.is_atomic(a)):
            if lay[a.tensor].direction not in ("out", "inout") or a.tensor in temps:
                raise Unsupported(f"an atomic into {a.tensor} ({lay[a.tensor].direction})", a.loc)
            if atomic.setdefault(a.tensor, ([], grid, k, None))[2] != k:
                raise Unsupported(f"atomics into {a.tensor} from several launches", a.loc)
            atomic[a.tensor][0].append(a)
        for name in {a.tensor for a in accesses if AT.is_atomic(a)}:
            atomic[name] = (*atomic[name][:3], world.grid)
        mine: dict[str, list[Access]] = {}
        for a in accesses:
            d = lay[a.tensor].direction
            if a.tensor in atomic and atomic[a.tensor][2] != k and not AT.is_atomic(a):
                raise Unsupported(f"a {a.kind} of {a.tensor} after an earlier launch updated it with atomics", a.loc)
            if a.kind == "load" and d not in ("in", "inout") and not (d == "temp" and a.tensor in temps):
                raise Unsupported(f"a load from {a.tensor} ({d}): reading back outputs is not supported by the prover",
                                  a.loc)
            if a.kind == "store":
                if d not in ("out", "inout", "temp") or a.tensor in temps or a.tensor in stores:
                    raise Unsupported(f"a store to {a.tensor} ({d}) {'by several launches' if d != 'in' else ''}",
                                      a.loc)
                mine.setdefault(a.tensor, []).append(a)
        read_before_write(world, accesses, stored_before=set(stores))  # inout loads read the values from before
        for name, sites in mine.items():
            if lay[name].direction == "temp":
                temps[name] = _define_temp(world, name, sites, used)
                continue
            stores[name] = sites
            o = stated.get(name)
            if o is None:
                continue
            deferred[name] = (sites, world.grid)
    for name, (sites, world.grid) in deferred.items():  # program ids range over the storing launch's grid
        if name in atomic:  # filled by an earlier launch, then updated by atomics: the fill is the initial value
            continue
        o, values = stated[name], []
        for s in OW.surviving(world, sites):
            ob, lemmas = world.value(s, o.body, o.index_vars)
            values.append(ob)
            used += [lem for lem in lemmas if lem not in used]
        world.coverage(name, sites)
        if sites and all(ob.proved for ob in values):
            world.done.append(Obligation(name, "no-conflict", "derived", 0.0,
                                         "every masked-in store writes the formula's value at its decoded index"))
    for name, (sites, grid, _, zgrid) in atomic.items():
        op = AT.KINDS[sites[0].kind]
        if name in deferred:
            world.grid = deferred[name][1]
        init = AT.initial(world, name, op, stores.get(name), len(lay[name].shape))
        world.grid = zgrid
        used += [lem for lem in AT.prove_content(world, name, sites, init, grid, stated.get(name), invert_index,
                                                                 Obligation) if lem not in used]
        stores.setdefault(name, [])
    intwidth.obligations(world, world.int_sites, every)
    vacuity.obligations(world)
    used += [lem for lem in world.lemmas if lem not in used]
    for o in formula.outputs:
        if o.tensor not in stores:
            world.coverage(o.tensor, [])
    if config.all_outputs:
        for t in sorted(t for t in stores if formula.get(t) is None):
            world.done.append(Obligation(t, "value", "unknown", 0.0, "the kernel writes this tensor; the formula "
                                         "does not state it"))
    return world.done, used


def _run_step(spec: LaunchSpec, step: LaunchStep, k: int, choice: dict[str, int], index, model: SizeModel,
              world: World) -> list[Access]:
    """One launch evaluated lane-symbolically; its grid symbols are GRID<a> (GRID<k>_<a> for
    later launches, so that terms of different launches never share a symbol)."""
    T, enc = world.T, world.enc
    fn = index.kernel(step.kernel, Path(spec.path).parent, spec.loc("kernel"))
    step = resolve_step(spec, step, choice)  # constexprs computed from constexprs: over sizes only
    if step.elementwise:
        return _run_elementwise(fn, step, spec, model, index, world, choice)
    args = _bind(fn, step, spec, model, choice)
    ints = {k: z3.IntVal(v, T.ctx) if isinstance(v, int) and not isinstance(v, bool) else enc.int_(v.term)
            for k, v in args.items() if (isinstance(v, int) and not isinstance(v, bool)) or
            (isinstance(v, Lanes) and v.ptr is None and v.rank == 0 and v.dtype.startswith("int"))}
    world.grid = model.grid(step, ints)
    grid_syms = []
    for a, g in enumerate(world.grid):
        name = f"GRID{a}" if k == 0 else f"GRID{k}_{a}"
        model.syms[name] = g
        one = z3.is_int_value(z3.simplify(g)) and z3.simplify(g).as_long() == 1
        grid_syms.append(const(1) if one else sym(name, "int"))  # an axis of one program: its id is 0
    ev = Evaluator(index, world.decode, tuple(grid_syms), names_from=1000 * k, fact=world.fact)
    args = {k: (v if not isinstance(v, _Default) else ev.eval(v.node, _frame(fn))) for k, v in args.items()}
    accesses = ev.run(fn, args)
    world.int_sites += ev.int_sites
    world.extents += ev.extents
    world.lemmas += [lem for lem in ev.lemmas if lem not in world.lemmas]
    return accesses


def _compose(a: Access, temps: dict[str, tuple[tuple[str, ...], Term]]) -> Access:
    """`a` with every load of a composed temp replaced by the temp's content at that index."""
    if not temps:
        return a

    def leaf(n: Term) -> Term | None:
        if n.op is Op.READ and n.attrs[0] in temps:
            ivars, body = temps[n.attrs[0]]
            return TO.subst(body, dict(zip(ivars, n.args, strict=True)))
        return None

    value = TO.transform(a.value, leaf) if a.value is not None else None
    return replace(a, value=value, mask=TO.transform(a.mask, leaf), index=tuple(TO.transform(i, leaf) for i in a.index))


def _define_temp(world: World, name: str, sites: list[Access], used: list[str]) -> tuple[tuple[str, ...], Term]:
    """The content of a temp as a term over its element index d0, d1, ...: the store's value at
    the program and lanes that write that element (inverting the store's index), then proved as
    the temp's formula, value and coverage, like an output's."""
    if len(sites) != 1:
        raise Unsupported(f"{name} is written by {len(sites)} store sites; a composed temp needs exactly one",
                          sites[0].loc if sites else None)
    s = sites[0]
    ivars = tuple(f"d{a}" for a in range(len(s.index)))
    w = invert_index(s.index, tuple(var(v) for v in ivars))
    if w is None:
        raise Unsupported(f"cannot invert the index at which {name} is written", s.loc)
    body = TO.subst(s.value, w)
    ob = _inverse_writer(world, name, s, w, ivars, body)
    if ob is None:  # the inversion is not shown to name the only writer: compare the values
        ob, lemmas = world.value(s, body, ivars)
        used += [lem for lem in lemmas if lem not in used]
    cov = world.coverage(name, sites)
    if not (ob.proved and cov.proved):
        raise Unsupported(f"the content of {name} could not be stated for every element ({ob.kind if not ob.proved else cov.kind} "
                          f"not proved)", s.loc)
    return ivars, body


def _inverse_writer(world: World, name: str, s: Access, w: dict[str, Term], ivars: tuple[str, ...],
                    body: Term) -> Obligation | None:
    """The content `body` (the store's value at the inverted index) is the temp's content when
    every program, lane and iteration that writes element d is the inverse of d: then the one
    value written there is body(d). Asked of the solver; None when not proved, or when body
    still mentions a program id, lane or iteration the index does not determine."""
    own = {f"p{a}" for a in range(len(world.grid))} | {f"l{k}" for k in range(len(s.shape))} | {t for t, _ in s.loops}
    if free_vars(body) & own:
        return None
    if not w:  # no program, lane or iteration is named by the index: every writer writes this same value
        ob = Obligation(name, "value", "derived", 0.0, "every writer stores the same value, which names no program, "
                        "lane or iteration", (), str(s.loc or ""))
        world.done.append(ob)
        return ob
    d = tuple(var(v) for v in ivars)
    same = build.logical_and(s.mask, _all_eq(s.index, d))
    goal = world.enc.boolean(_all_eq(tuple(var(v) for v in w), tuple(w.values())))
    ob = world.check("value", f"{name}{'@' + str(s.loc.line) if s.loc else ''} (one writer per element: the "
                     f"content is the store's value at the inverted index)", world.context(s.shape, same, s.loops),
                     goal, s.loc, record=False)
    if not ob.proved:
        return None
    world.done.append(ob)
    return ob


def _all_eq(a: tuple[Term, ...], b: tuple[Term, ...]) -> Term:
    out: Term = const(True)
    for x, y in zip(a, b, strict=True):
        out = build.logical_and(out, build.compare(Op.EQ, x, y))
    return out


class _Default:
    def __init__(self, node: ast.expr) -> None:
        self.node = node


def _frame(fn: FunctionRef):
    from .vcgen import Frame

    return Frame(fn.module)


def _bind(fn: FunctionRef, step: LaunchStep, spec: LaunchSpec, model: SizeModel,
          choice: dict[str, int]) -> dict[str, Any]:
    params = fn.node.args
    if params.vararg or params.kwarg or params.kwonlyargs:
        raise Unsupported(f"kernel {fn.name} has *args/**kwargs", fn.loc())
    plist = params.posonlyargs + params.args
    names = [a.arg for a in plist]
    defaults = dict(zip(names[len(names) - len(params.defaults):], params.defaults, strict=True))
    out: dict[str, Any] = {}
    for a in plist:
        constexpr = a.annotation is not None and "constexpr" in ast.unparse(a.annotation)
        if a.arg in step.args:
            out[a.arg] = _arg(step.args[a.arg], a.arg, constexpr, spec, model, step, choice)
        elif a.arg in defaults:
            out[a.arg] = _Default(defaults[a.arg])
        else:
            raise Unsupported(f"missing argument {a.arg!r} for kernel {fn.name}", fn.loc())
    return out


def _arg(v: ArgValue, name: str, constexpr: bool, spec: LaunchSpec, model: SizeModel, step: LaunchStep,
         choice: dict[str, int]) -> Any:
    if v.kind == "values":
        k = choice.get(f"{step.index}.{name}", 0)
        if k == blocks.SYMBOLIC:
            return scalar(sym(model.listed[f"{step.index}.{name}"], "int"), "int32")
        return _arg(v.value[k], name, constexpr, spec, model, step, choice)
    if v.kind == "tensor":
        assert v.expr is not None
        return Lanes(model.term(v.expr, f"{name}_off"), (), spec.tensors[v.name].dtype, v.name)
    if v.kind == "int":
        assert v.expr is not None
        x = model.value(v.expr, name)
        if v.expr.boolean:  # a flag of sizes: a constant, or a condition the evaluator splits on
            if isinstance(x, int):
                return bool(x) if constexpr else scalar(const(bool(x)), "int1")
            return scalar(x, "int1")
        if isinstance(x, int) and not isinstance(x, bool):
            return x if constexpr else scalar(const(x), "int32" if -(2**31) <= x < 2**31 else "int64")
        return scalar(x, "int32")
    if v.kind == "real":
        if constexpr:
            raise Unsupported(f"the constexpr parameter {name} cannot take the symbolic real {v.name}")
        return scalar(sym(v.name, "real"), "fp32")
    if v.kind == "float":
        return float(v.value) if constexpr else scalar(const(float(v.value)), "fp32")
    if v.kind == "bool":
        return bool(v.value) if constexpr else scalar(const(bool(v.value)), "int1")
    if v.kind == "dtype":
        return DTypeV(v.value)
    if v.kind == "none":
        return None
    return v.value


def _run_elementwise(fn: FunctionRef, step: LaunchStep, spec: LaunchSpec, model: SizeModel, index,
                     world: World, choice: dict[str, int]) -> list[Access]:
    """`elementwise = true`: the scalar function applied at every index l of the outputs' shape."""
    lay = world.lay
    shape = lay[step.outputs[0]].shape
    lanes = tuple(lane(k) for k in range(len(shape)))
    world.grid = ()
    ev = Evaluator(index, world.decode, (const(1), const(1), const(1)))
    args: dict[str, Any] = {}
    for k, v in step.args.items():
        if v.kind == "tensor":
            if lay[v.name].shape != shape:
                raise Unsupported(f"elementwise launch: {v.name} does not have the outputs' shape")
            args[k] = Lanes(Term.make(Op.READ, lanes, (v.name,)),
                            shape, spec.tensors[v.name].dtype)
        else:
            args[k] = _arg(v, k, False, spec, model, step, choice)
    result = ev.call_function(fn, [], args)
    world.int_sites += ev.int_sites
    world.extents += ev.extents
    results = list(result) if isinstance(result, tuple) else [result]
    if len(results) != len(step.outputs):
        raise Unsupported(f"{fn.name} returns {len(results)} values for {len(step.outputs)} outputs", fn.loc())
    out = []
    for name, r in zip(step.outputs, results, strict=True):
        t = broadcast_to(cast(as_lanes(r), spec.tensors[name].dtype), shape)
        out.append(Access("store", name, None, lanes, const(True), shape, t.term, fn.loc(), "elementwise"))
    return out


# -- refutation --------------------------------------------------------------------------------------

def _refute(spec: LaunchSpec, formula: Formula, opts: Options, bad: Obligation,
            choice: dict[str, int]) -> Counterexample | None:
    """A concrete counterexample: the solver model's sizes first, however large (the kernel
    executed there, whole or only the model's programs: `verify.replay`), then the sizes lifting
    uses. Validated numerically, as `check` does."""
    from ..frontend.concrete import instantiate
    from ..pipeline import check_sizes, source_index, synthesis_sizes
    from ..symex.runner import run_launch
    from .replay import ModelPoint, execute_at, written_elements

    index = source_index(opts)
    outputs = {o.tensor: o for o in formula.outputs}
    point = ModelPoint.from_model(spec, bad.model) if bad.model else None
    seen: list[dict[str, int]] = []
    if point is not None:
        seen.append(point.sizes)
        ran = execute_at(spec, point, choice, index)
        if ran is not None:
            conc, sp = ran
            for run in (sp, sp.reverse):  # a race shows in one of the two program orders
                if run is not None:
                    w = _search(conc, run, outputs, written_elements(run, list(outputs), point) if run.programs else None)
                    if w is not None:
                        return w
    candidates: list[dict[str, int]] = []
    try:
        base = synthesis_sizes(spec)
        candidates += base + check_sizes(spec, base, choice)
    except TritonLiftError:
        base = []
    small = 0
    for sizes in sorted(candidates, key=lambda s: sum(s.values())):  # small ones read best
        if sizes in seen or small >= 6:
            continue
        seen.append(sizes)
        small += 1
        try:
            conc = instantiate(spec, sizes, dict(choice))
            sp = run_launch(conc, index)
        except (TritonLiftError, RecursionError):
            continue
        for run in (sp, sp.reverse):
            w = _search(conc, run, outputs, None) if run is not None else None
            if w is not None:
                return w
    # just past every threshold of the spec and the kernels, however large (a size-threshold bug
    # is found there even when the solver gave no model)
    for past in _past_every_threshold(spec, base, index):
        if past.sizes in seen:
            continue
        seen.append(past.sizes)
        ran = execute_at(spec, past, choice, index)
        for run in (ran[1], ran[1].reverse) if ran is not None else ():
            w = _search(ran[0], run, outputs, None) if run is not None else None  # type: ignore[index]
            if w is not None:
                return w
    return None


def _past_every_threshold(spec: LaunchSpec, base: list[dict[str, int]], index) -> list:
    """Sizes one past each threshold constant (c + 1 and 2·c + 1) of the spec's expressions and
    the kernels, for every size symbol, from the smallest base size; at most six."""
    from ..frontend.bounds import MAX_SIZE
    from ..pipeline import kernel_thresholds, satisfies, thresholds
    from .replay import ModelPoint

    if not base:
        return []
    start = min(base, key=lambda u: sum(u.values()))
    out: list = []
    for c in sorted(set(thresholds(spec)) | set(kernel_thresholds(spec, index)), reverse=True):
        for n in spec.sizes:
            for v in (c + 1, 2 * c + 1):
                cand = {**start, n: v}
                if v <= MAX_SIZE and all(cand != p.sizes for p in out) and satisfies(spec, cand):
                    out.append(ModelPoint(cand))
    return out[:6]


def _search(conc, sp, outputs, elements) -> Counterexample | None:
    """A counterexample among the elements of one run (`elements`, else every element): one the
    kernel never writes, one whose value depends on an unspecified value, a random search."""
    from .counterexample import DISTRIBUTIONS, Problem, draw, has_undef, random_search, thin

    problem = Problem(conc, sp, outputs)
    if elements is None:
        elements = [(t, idx) for t in outputs if t in sp.outputs for idx in _indices(sp.outputs[t].shape)]
    inputs = draw(conc, "small integers", 0)
    if not sp.programs:  # after a partial run, elements of programs not executed are unwritten
        for t, idx in elements:
            if sp.outputs[t][idx] is None and conc.tensors[t].init is None and conc.tensors[t].direction != "inout":
                f = problem.formula_value(inputs, t, idx) if inputs else None
                if inputs is not None and f is not None:
                    return Counterexample(dict(conc.sizes), dict(conc.choice), t, tuple(idx),
                                          {n: a.tolist() for n, a in inputs.tensors.items()}, dict(inputs.reals),
                                          None, f, "the kernel never writes this element")
    # an inout element the kernel does not write keeps its input (`Problem.kernel_value`)
    elements = thin(problem, elements, 3 * len(DISTRIBUTIONS))
    plain = [(t, idx) for t, idx in elements if sp.outputs[t][idx] is None and conc.tensors[t].direction == "inout"
             or sp.outputs[t][idx] is not None and not has_undef(sp.outputs[t][idx])]
    w = random_search(problem, plain, seeds=3)
    if w is not None or inputs is None:
        return w
    for t, idx in elements:
        if sp.outputs[t][idx] is not None and has_undef(sp.outputs[t][idx]):
            w = problem.undefined_witness(inputs, t, idx)
            if w is not None:
                return w
    return None


def _indices(shape: tuple[int, ...]):
    import numpy as np

    return list(np.ndindex(shape)) if shape else [()]


def _cex_text(w: Counterexample) -> str:
    idx = ", ".join(map(str, w.index))
    sizes = ", ".join(f"{k}={v}" for k, v in w.sizes.items())
    kernel = "never written" if w.kernel_value is None else f"kernel {w.kernel_value:.6g}"
    return f"{w.tensor}[{idx}] at {sizes}: {kernel}, formula {w.formula_value:.6g}"


__all__ = ["ProveConfig", "Verdict", "prove"]
