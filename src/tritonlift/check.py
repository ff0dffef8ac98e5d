"""`tritonlift check`: verify a user-written formula against a kernel.

    check_formula(launch_path, "y[i, j] = ...", opts) -> CheckResult

The formula is compared with the kernel's symbolic execution at several sizes (the synthesis
sizes plus larger unseen ones, and other autotune configurations), exactly and element by
element (the one equality decider, equal/decide.py, with every tier: `check` accepts what `lift`
prints), then proved for all sizes by the prover `lift` runs (`prove_unbounded`). Outcomes:

- every element equal at every size: PROVED when the prover proves it, else BOUNDED with the
  prover's reason;
- an element differs: REFUTED, with a concrete `Counterexample` (sizes, every input tensor, the
  reals, the element, the kernel's value and the formula's) found by a random search or a z3
  model and always confirmed numerically in float64 (`verify.counterexample`);
- not shown equal, but no input found where the numbers differ: UNKNOWN, with the reason.
  A result is never REFUTED without a validated witness.

`replay(counterexample, launch_path, formula_text)` recomputes both values from the stored
inputs. Outputs the formula does not state are not checked (`CheckResult.unstated` names them).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .dsl.printer import to_text
from .dsl.term import Term, const, read
from .equal.decide import Decider
from .equal.normal import Normalizer
from .errors import Diagnostic, TritonLiftError, Unsupported
from .frontend.claims import assumptions, coverage
from .frontend.concrete import ConcreteLaunch, autotune_params, default_choice, instantiate
from .frontend.launch import LaunchSpec
from .options import Options
from .pipeline import (
    HUNT_SECONDS,
    _other_configs,
    check_sizes,
    execute,
    hunt_findings,
    kernel_location,
    load,
    past_thresholds,
    source_index,
    synthesis_sizes,
)
from .rejection import rejection
from .result import (
    CheckResult,
    Counterexample,
    Formula,
    OutputVerdict,
    Status,
    Verdict,
    merge_findings,
)
from .symex.runner import Spec, run_launch
from .synth.instantiate import NotGround
from .synth.instantiate import instantiate as instantiate_term
from .user_formula import parse_user_formula
from .verify.counterexample import (
    ABS_TOL,
    REL_TOL,
    Inputs,
    Problem,
    draw,
    has_undef,
    model_search,
    outside_read,
    random_search,
)

__all__ = ["CheckResult", "Counterexample", "OutputVerdict", "check_formula", "prove_unbounded", "replay"]

Calls = Mapping[str, Callable[..., Any]]
MISMATCHES = 3  # per output: candidates for the witness search


def prove_unbounded(launch: LaunchSpec, formula: Formula, opts: Options, launch_path: str | Path | None = None,
                    kernel: str | None = None, assumed: set[str] | None = None) -> Verdict | None:
    """The unbounded tier (DESIGN §7): the Verdict on the formula for every size the spec allows
    (only the outputs the formula states); None when it did not run (`--no-prove`) or could not
    start. The same prover as `lift`, two ways:

    1. the prover on the user's formula itself (verify/prove.py), as `lift` proves its own;
    2. else (given `launch_path`), as `lift` justifies its simplified formula: `lift`'s pipeline
       (synthesis, then the prover) gives a formula proved for all sizes, and the user's formula
       is PROVED when the simplifier's proved rules show the two equal (simplify/equiv.py). A
       softmax written in textbook form is proved this way against the max-shifted one the
       kernel computes. The float literals read as constants on the way (simplify/assumptions.py)
       are added to `assumed`."""
    if not opts.prove:
        return None
    from .verify.prove import ProveConfig, prove

    try:
        verdict = prove(launch, formula, opts, ProveConfig(all_outputs=False, dump_smt=opts.dump_smt,
                                                           refute_unsupported=True))
    except TritonLiftError:
        verdict = None
    if verdict is not None and (verdict.status is Status.PROVED or verdict.counterexample is not None
                                or rejection(verdict) is not None):  # a rejected launch: no formula can hold
        return verdict
    if launch_path is None:
        return verdict
    import dataclasses

    from .pipeline import lift
    from .simplify import positive_reals
    from .simplify.equiv import formulas_rule_equal

    lifted = lift(launch_path, dataclasses.replace(opts, simplify=False, progress=None), kernel)
    if lifted.status is not Status.PROVED or lifted.formula is None or lifted.verdict is None:
        return verdict
    bad = formulas_rule_equal(formula, lifted.formula, positive_reals(launch.reals), assumed)
    if bad is None:
        return dataclasses.replace(
            lifted.verdict, message="proved: equal by the simplifier's proved rules to the formula the prover "
                                    f"proved ({'; '.join(str(o) for o in lifted.formula.outputs)})")
    if verdict is None:
        return None
    return dataclasses.replace(verdict, message=f"{verdict.message}; {bad}" if verdict.message else bad)


@dataclass
class _Run:
    """The kernel at one size (and autotune choice) and the formula's instantiation there."""

    conc: ConcreteLaunch
    spec: Spec

    @property
    def weight(self) -> int:  # smaller sizes first: their counterexamples are easier to read
        return sum(self.conc.sizes.values())


@dataclass
class _Mismatch:
    """An element the exact check could not show equal; `kind` is one of unequal, unwritten
    (the kernel never writes it), undefined (the kernel's value depends on an unspecified one),
    outside (the formula reads outside a tensor) or uninstantiable."""

    run: _Run
    tensor: str
    index: tuple[int, ...]
    kind: str
    detail: str


def check_formula(launch_path: str | Path, formula_text: str, opts: Options | None = None, *,
                  kernel: str | None = None, calls: Calls | None = None) -> CheckResult:
    """Check `formula_text` against the kernel(s) of the launch spec. Raises TritonLiftError for a
    bad launch spec or formula (one-line messages); problems with the kernel are a result with
    status UNSUPPORTED or ERROR. `calls` gives numeric implementations of uninterpreted functions
    (e.g. Philox) for the counterexample search; without them, elements that need one cannot
    serve as witnesses."""
    opts = opts or Options()
    t0 = time.monotonic()
    opts.stage("load")
    launch = load(launch_path, kernel)
    formula = parse_user_formula(formula_text, launch)
    index = source_index(opts)
    outs = [n for n, d in launch.tensors.items() if d.direction in ("out", "inout")]
    unstated = tuple(n for n in outs if formula.get(n) is None)

    runs: list[_Run] = []
    hunted: list[Spec] = []  # executions at more sizes, for findings only (when the formula is not proved)
    assumed: set[str] = set()  # keys of simplify/assumptions.py the comparison or the proof relied on

    def result(status: Status, verdicts=(), cex=None, reason="", sizes=(), error=None, verdict=None,
               extra=()) -> CheckResult:
        specs = [r.spec for r in sorted(runs, key=lambda r: r.weight)] + hunted
        executed = merge_findings(f for sp in specs for f in sp.findings)
        # a bug an execution shows outranks any other outcome (`reason` keeps the stage's); the
        # prover's findings (an overflow past some size) restrict what a PROVED covers instead
        if any(f.bug for f in executed) and status is not Status.ERROR:
            status = Status.FINDINGS
        findings = merge_findings([*executed, *extra, *(verdict.all_findings() if verdict else ())])
        lemmas = verdict.assumptions if verdict and verdict.status is Status.PROVED else ()
        conditions = verdict.covers if verdict else ()
        return CheckResult(str(launch_path), launch.op, launch.ident, tuple(s.kernel for s in launch.steps),
                           kernel_location(launch, index), status, formula, tuple(verdicts), cex, reason,
                           time.monotonic() - t0, tuple(sizes), findings, unstated, error, verdict,
                           coverage(launch, sizes, conditions), assumptions(launch, lemmas, _constants(assumed, status)))

    try:
        opts.stage("symex")
        runs += _runs(launch, index)
        symex_seconds = time.monotonic() - t0
    except TritonLiftError as e:
        status = Status.UNSUPPORTED if isinstance(e, Unsupported) else Status.ERROR
        rejected = rejection(e)  # as `lift` reports it (rejection.py)
        return result(status, reason=e.diagnostic().headline(), error=e.diagnostic(),
                      extra=rejected.findings if rejected else ())
    except RecursionError:
        return result(Status.ERROR, reason="internal error: expression nesting too deep",
                      error=Diagnostic("internal error", "expression nesting too deep (RecursionError)"))
    sizes = _distinct([r.conc.sizes for r in runs])
    by_weight = sorted(runs, key=lambda r: r.weight)
    calls = dict(calls or {})

    verdicts: dict[str, OutputVerdict] = {}
    witnesses: dict[str, Counterexample] = {}
    # 1. elements the kernel never writes at some size; then a quick numeric search: most wrong
    # formulas differ on the first random input
    opts.stage("compare")
    for o in formula.outputs:
        w = _unwritten(by_weight, o.tensor, formula, calls)
        if w is not None:
            witnesses[o.tensor] = w
    for o in formula.outputs:
        if o.tensor in witnesses:
            continue
        for run in by_weight:
            w = random_search(_problem(run, formula, calls), _elements(run.spec, o.tensor), seeds=1)
            if w is not None:
                witnesses[o.tensor] = w
                break
    # 2. the exact check, element by element, for the outputs not refuted yet
    from .simplify import positive_reals

    checker = Decider(Normalizer(), canon=True, positive=positive_reals(launch.reals), dump_smt=opts.dump_smt)
    mismatches: dict[str, list[_Mismatch]] = {}
    for o in formula.outputs:
        if o.tensor in witnesses:
            continue
        found: list[_Mismatch] = []
        for run in by_weight:  # a few mismatches bound the solver time a wrong formula costs
            found += _exact(run, o.tensor, o.index_vars, o.body, checker, MISMATCHES - len(found), assumed)
            if len(found) >= MISMATCHES:
                break
        if found:
            mismatches[o.tensor] = found
    # 3. a witness for every output that differs symbolically
    opts.stage("counterexample")
    for tensor, found in mismatches.items():
        w = _witness(found, formula, calls)
        if w is not None:
            witnesses[tensor] = w
    for o in formula.outputs:
        if o.tensor in witnesses:
            w = witnesses[o.tensor]
            verdicts[o.tensor] = OutputVerdict(o.tensor, Status.REFUTED, _differ_text(w))
        elif o.tensor in mismatches:
            verdicts[o.tensor] = OutputVerdict(o.tensor, Status.UNKNOWN, _unknown_text(mismatches[o.tensor]))
        else:
            verdicts[o.tensor] = OutputVerdict(o.tensor, Status.BOUNDED)
    ordered = [verdicts[o.tensor] for o in formula.outputs]
    status = max(v.status for v in ordered)
    cex = next((witnesses[o.tensor] for o in formula.outputs if o.tensor in witnesses), None)
    verdict = None
    if status is Status.BOUNDED and not any(f.bug for r in runs for f in r.spec.findings):
        opts.stage("prove")
        verdict = prove_unbounded(launch, formula, opts, launch_path, kernel, assumed)
    rejected = rejection(verdict)
    if rejected is not None:  # Triton rejects the launch at a size the checks did not reach: as `lift` says
        return result(Status.ERROR, ordered, None, rejected.reason, sizes, rejected.error, verdict, rejected.findings)
    if verdict is not None and verdict.status is Status.PROVED:
        status = Status.PROVED
    elif verdict is not None and verdict.status is Status.FINDINGS and verdict.all_findings():
        status = Status.FINDINGS  # a bug the prover shows (an integer overflow): the coverage says where it holds
    elif verdict is not None and verdict.status is Status.REFUTED and verdict.counterexample is not None:
        # a replayed counterexample at sizes the exact checks did not reach
        w = verdict.counterexample
        ordered = [OutputVerdict(v.tensor, Status.REFUTED, _differ_text(w)) if v.tensor == w.tensor else v
                   for v in ordered]
        status, cex = Status.REFUTED, w
    if status is not Status.PROVED:  # "not proved" or "refuted" may be a bug at sizes not checked yet
        opts.stage("findings")
        hunted += hunt_findings(launch, index, sizes, min(HUNT_SECONDS, max(1.0, 2 * symex_seconds)))
    return result(status, ordered, cex, _reason(status, ordered, len(sizes), verdict, opts.prove), sizes,
                  verdict=verdict)


def replay(counterexample: Counterexample, launch_path: str | Path, formula_text: str, *,
           kernel: str | None = None, opts: Options | None = None,
           calls: Calls | None = None) -> tuple[float | None, float | None]:
    """(kernel value, formula value) of the counterexample's element, recomputed from its stored
    inputs: the kernel symbolically executed again at its sizes, both sides evaluated in float64.
    The kernel value is None when the kernel never writes the element."""
    opts = opts or Options()
    launch = load(launch_path, kernel)
    formula = parse_user_formula(formula_text, launch)
    conc = instantiate(launch, counterexample.sizes, counterexample.choice)
    index = source_index(opts)
    if counterexample.programs or counterexample.reverse_order:  # as it was found: some programs, or reversed
        programs = frozenset(tuple(p) for p in counterexample.programs) or None
        sp = run_launch(conc, index, programs, reverse=counterexample.reverse_order)  # type: ignore[arg-type]
    else:
        sp = execute(conc, index)
    run = _Run(conc, sp)
    problem = _problem(run, formula, dict(calls or {}))
    inputs = Inputs(counterexample.arrays(), dict(counterexample.reals))
    return (problem.kernel_value(inputs, counterexample.tensor, counterexample.index, counterexample.undef_value),
            problem.formula_value(inputs, counterexample.tensor, counterexample.index))


# -- steps -------------------------------------------------------------------------------------------

def _runs(launch: LaunchSpec, index) -> list[_Run]:
    """The kernel symbolically executed at the synthesis sizes, the unseen check sizes, and the
    first two sizes under every other autotune configuration (as `lift` checks)."""
    base = synthesis_sizes(launch)
    unseen = check_sizes(launch, base, None)
    past = past_thresholds(launch, base + unseen, None, index)  # past every cap, tile and split size
    points = [(s, None) for s in base + unseen + past]
    others = [(s, ch) for ch in _other_configs(autotune_params(launch), default_choice(launch)) for s in base[:2]]
    runs = []
    for sizes, choice in points + others:
        conc = instantiate(launch, sizes, choice)
        try:
            sp = execute(conc, index)
            runs.append(_Run(conc, sp))
            if sp.reverse is not None:  # a race: the formula must hold in the other program order too
                runs.append(_Run(conc, sp.reverse))
        except (Unsupported, RecursionError):
            if sizes in past:
                continue  # too large to execute here: the sizes below the cap stand
            if choice is None:
                raise
            # another autotune configuration too large to execute here: proved, not checked
    return runs


def _problem(run: _Run, formula: Formula, calls: Calls) -> Problem:
    return Problem(run.conc, run.spec, {o.tensor: o for o in formula.outputs}, calls)


def _elements(spec: Spec, tensor: str) -> list[tuple[str, tuple[int, ...]]]:
    shape = spec.outputs[tensor].shape
    return [(tensor, idx) for idx in (np.ndindex(shape) if shape else [()])]


def _exact(run: _Run, tensor: str, index_vars: tuple[str, ...], body: Term, checker: Decider,
           limit: int, assumed: set[str]) -> list[_Mismatch]:
    """Elements of `tensor` where the formula is not shown equal to the kernel (`limit` at most).
    As in `lift`'s simplification, a kernel's float literal may be read as the constant it stands
    for (simplify/assumptions.py: 0.7071067811865476 as 1/√2); the entries used go to `assumed`."""
    spec, out = run.spec, []
    init = run.conc.tensors[tensor].init
    for _, idx in _elements(spec, tensor):
        where = f"{tensor}{_idx(idx)} at {_sizes(run.conc.sizes)}"
        want = spec.outputs[tensor][idx]
        if want is None and init is not None:
            want = const(init)
        elif want is None and run.conc.tensors[tensor].direction == "inout":
            want = read(tensor, *(const(int(i)) for i in idx))  # not written: it keeps its input
        env: dict[str, Any] = {**run.conc.env, **dict(zip(index_vars, idx, strict=True))}
        try:
            got = instantiate_term(body, env)
        except (NotGround, KeyError) as e:
            out.append(_Mismatch(run, tensor, idx, "uninstantiable", f"{where}: the formula cannot be instantiated ({e})"))
        else:
            bad_read = outside_read(got, run.conc)
            if bad_read is not None:
                shape = list(run.conc.tensors[bad_read.attrs[0]].shape)
                out.append(_Mismatch(run, tensor, idx, "outside", f"{where}: the formula reads {_short(bad_read)}, "
                                     f"outside {bad_read.attrs[0]} (shape {shape})"))
            elif want is None:
                out.append(_Mismatch(run, tensor, idx, "unwritten", f"{where} is never written by the kernel"))
            elif has_undef(want):
                out.append(_Mismatch(run, tensor, idx, "undefined", f"{where}: the kernel's value depends on an "
                                     f"unspecified value (e.g. a masked load without other=)"))
            elif not (checker.equal(got, want, spec.ranges, solver=False)
                      or _equal_assuming(checker, got, want, spec.ranges, assumed)
                      or checker.equal(got, want, spec.ranges)):
                out.append(_Mismatch(run, tensor, idx, "unequal",
                                     f"{where}: not shown equal (formula {_short(got)}, kernel {_short(want)})"))
        if len(out) >= limit:
            break
    return out


def _equal_assuming(checker: Decider, a: Term, b: Term, ranges, assumed: set[str]) -> bool:
    from .simplify.assumptions import apply_assumptions

    (a2, ka), (b2, kb) = apply_assumptions(a), apply_assumptions(b)
    if not (ka or kb) or not checker.equal(a2, b2, ranges):
        return False
    assumed |= ka | kb
    return True


def _constants(assumed: set[str], status: Status) -> tuple[str, ...]:
    """The constant readings a PROVED or BOUNDED result relied on, as `lift` lists them."""
    from .simplify.assumptions import BY_KEY

    return tuple(BY_KEY[k].text for k in BY_KEY if k in assumed) if status <= Status.BOUNDED else ()


def _unwritten(runs: list[_Run], tensor: str, formula: Formula, calls: Calls) -> Counterexample | None:
    """An element of `tensor` the kernel never writes (and the host does not fill) where the
    formula has a value, at the smallest size that has one."""
    for run in runs:
        if run.conc.tensors[tensor].init is not None or tensor not in run.spec.outputs:
            continue
        if run.conc.tensors[tensor].direction == "inout":
            continue  # an element it does not write keeps its input
        arr = run.spec.outputs[tensor]
        missing = [idx for idx in (np.ndindex(arr.shape) if arr.shape else [()]) if arr[idx] is None]
        if not missing:
            continue
        w = _witness([_Mismatch(run, tensor, tuple(missing[0]), "unwritten", "")], formula, calls)
        if w is not None:
            return w
    return None


def _witness(found: list[_Mismatch], formula: Formula, calls: Calls) -> Counterexample | None:
    """A validated counterexample for one of the mismatching elements: an element the kernel
    never writes (any input), one whose value depends on an unspecified value, a targeted random
    search, then a z3 model of the difference."""
    for m in found:
        if m.kind == "unwritten" and m.run.conc.tensors[m.tensor].direction != "inout":
            problem = _problem(m.run, formula, calls)
            inputs = draw(m.run.conc, "small integers", 0)
            f = problem.formula_value(inputs, m.tensor, m.index) if inputs else None
            if inputs is not None and f is not None:
                return Counterexample(dict(m.run.conc.sizes), dict(m.run.conc.choice), m.tensor, m.index,
                                      {n: a.tolist() for n, a in inputs.tensors.items()}, dict(inputs.reals),
                                      None, f, "the kernel never writes this element",
                                      reverse_order=m.run.spec.reversed_order)
    for m in found:
        problem = _problem(m.run, formula, calls)
        if m.kind == "undefined":
            for seed in range(3):
                inputs = draw(m.run.conc, "small integers", seed)
                w = problem.undefined_witness(inputs, m.tensor, m.index) if inputs is not None else None
                if w is not None:
                    return w
            continue
        w = random_search(problem, [(m.tensor, m.index)], seeds=8)
        if w is None:
            w = model_search(problem, m.tensor, m.index)
        if w is not None:
            return w
    return None


# -- text ---------------------------------------------------------------------------------------------

def _distinct(sizes: list[dict[str, int]]) -> list[dict[str, int]]:
    out: list[dict[str, int]] = []
    for s in sizes:
        if s not in out:
            out.append(dict(s))
    return out


def _idx(idx: tuple[int, ...]) -> str:
    return f"[{', '.join(map(str, idx))}]"


def _sizes(sizes: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sizes.items()) or "(no sizes)"


def _short(t: Term, n: int = 120) -> str:
    s = to_text(t)
    return s if len(s) <= n else s[: n - 3] + "..."


def _differ_text(w: Counterexample) -> str:
    kernel = "never written by the kernel" if w.kernel_value is None else f"kernel {w.kernel_value:.6g}"
    return f"{w.tensor}{_idx(w.index)} at {_sizes(w.sizes)}: {kernel}, formula {w.formula_value:.6g}"


def _unknown_text(found: list[_Mismatch]) -> str:
    if found[0].kind != "unequal":
        return found[0].detail
    return (f"{found[0].detail}; no input found where the values differ beyond floating-point "
            f"tolerance (relative {REL_TOL:g}, absolute {ABS_TOL:g}; random inputs and z3 models tried)")


def _reason(status: Status, verdicts: list[OutputVerdict], n_sizes: int, verdict: Verdict | None,
            prove: bool) -> str:
    if status is Status.PROVED:
        return ""
    if status is Status.BOUNDED:
        why = ("--no-prove" if not prove else verdict.message if verdict is not None and verdict.message
               else "the prover could not start" if verdict is None else str(verdict.status))
        return f"equal to the kernel exactly at {n_sizes} sizes; not proved for all sizes: {why}"
    if status is Status.FINDINGS and verdict is not None and verdict.status is Status.FINDINGS:
        return verdict.message  # the prover's finding, and where the formula holds
    bad = next(v for v in verdicts if v.status is status)
    return bad.detail
