"""The stages wired together: load a launch spec, pick sizes, run symbolic execution."""

from __future__ import annotations

import dataclasses
import itertools
import math
from pathlib import Path

from .errors import SpecError, TritonLiftError
from .frontend.bounds import check_bounds, check_size_bound
from .frontend.concrete import (
    ConcreteLaunch,
    ConstraintViolation,
    SizeEvalError,
    default_choice,
    instantiate,
)
from .frontend.launch import LaunchSpec, load_launch
from .frontend.source import SourceIndex
from .options import Options
from .rejection import rejection
from .symex.runner import Spec, run_launch

CANDIDATE_VALUES = (3, 2, 4, 5, 1, 6, 7, 8, 9, 12, 16)


def load(launch_path: str | Path, kernel: str | None = None) -> LaunchSpec:
    """Load a launch spec; `kernel` (from the command line, relative to the working directory)
    replaces the kernel of a single-launch spec."""
    spec = load_launch(launch_path)
    if kernel:
        if len(spec.steps) != 1:
            raise SpecError("a kernel on the command line needs a single-launch spec", spec.loc("launch"))
        if "::" in kernel:
            file, name = kernel.rsplit("::", 1)
            kernel = f"{Path(file).resolve()}::{name}"
        spec = dataclasses.replace(spec, steps=(dataclasses.replace(spec.steps[0], kernel=kernel),))
    return spec


def generated_provider(opts: Options):
    def provide(ref: str) -> Path:
        from .errors import KernelSourceError

        parts = ref.split(":")
        if len(parts) != 4:
            raise KernelSourceError(f"bad generated-kernel reference {ref!r}: pointwise_dynamic:module:function:rank")
        _, _module, func, rank = parts
        path = opts.generated_dir / f"{func}_rank_{rank}.py"
        if not path.exists():
            raise KernelSourceError(
                f"{ref!r} has not been generated: run `tritonlift gen-flaggems` (needs the [interp] and "
                f"[corpus] extras); looked for {path}")
        return path

    return provide


def source_index(opts: Options) -> SourceIndex:
    return SourceIndex(generated=generated_provider(opts))


def default_sizes(spec: LaunchSpec, choice: dict[str, int] | None = None) -> list[dict[str, int]]:
    """Sizes to execute when none are given: the spec's samples, else small values satisfying the
    constraints, chosen so that every size symbol takes at least two values (a base point, then
    each symbol moved on its own) and masks and loop tails are exercised."""
    if spec.samples:
        return checked_samples(spec, choice)
    return varied_sizes(spec, choice)


def checked_samples(spec: LaunchSpec, choice: dict[str, int] | None = None) -> list[dict[str, int]]:
    """The spec's samples; one the constraints or the size bound exclude is an error located at
    `samples` (not at the constraint it violates: the sample is what to fix)."""
    out = [dict(s) for s in spec.samples]
    for s in out:
        check_size_bound(spec, s, ("samples",))
        err = admissible(spec, s, choice)
        if err is not None:
            text = ", ".join(f"{k}={v}" for k, v in s.items())
            msg = err.message.replace(f"sizes {text} violate", "violates")
            raise SpecError(f"[samples] the sample {{{text}}} {msg}", spec.loc("samples"))
    return out


def synthesis_sizes(spec: LaunchSpec) -> list[dict[str, int]]:
    """The spec's samples plus, for every size symbol the samples never move on its own, a
    generated size moving it alone (so fits are never confounded by samples that move several
    sizes together)."""
    out = checked_samples(spec)
    alone = {n for a in out for b in out if a != b for n in spec.sizes
             if a[n] != b[n] and all(a[m] == b[m] for m in spec.sizes if m != n)}
    missing = [n for n in spec.sizes if n not in alone]
    if not missing and out:
        return out
    try:
        extra = varied_sizes(spec, None)
    except SpecError:
        if not out:  # no samples either: the reason (located) is the answer
            raise
        extra = []
    base = extra[0] if extra else None
    for cand in extra:
        moved = [n for n in spec.sizes if base is not None and cand[n] != base[n]]
        if cand not in out and (cand is base or (len(moved) == 1 and moved[0] in missing) or not spec.samples):
            out.append(cand)
    return out


def varied_sizes(spec: LaunchSpec, choice: dict[str, int] | None = None) -> list[dict[str, int]]:
    names = list(spec.sizes)
    if not names:
        return [{}]
    problems: list[SpecError] = []

    def ok(sizes: dict[str, int]) -> bool:
        err = admissible(spec, sizes, choice)
        if err is not None and len(problems) < 1 and isinstance(err, SizeEvalError):
            problems.append(err)
        return err is None

    def first(values: tuple[int, ...]) -> dict[str, int] | None:
        for combo in itertools.islice(itertools.product(values, repeat=len(names)), 20000):
            cand = dict(zip(names, combo, strict=True))
            if ok(cand):
                return cand
        return None

    values = CANDIDATE_VALUES
    base = first(values)
    if base is None:  # constraints such as N >= 100 or N % 48 == 0: try the values they mention
        extra = constraint_values(spec)
        if extra:
            values = CANDIDATE_VALUES + extra
            base = first(values)
    if base is None:
        raise problems[0] if problems else _no_sizes(spec, values)
    found = [base]
    for n in names:
        for v in values:
            cand = {**base, n: v}
            if v != base[n] and cand not in found and ok(cand):
                found.append(cand)
                break
    if len(found) < 4:
        for combo in itertools.islice(itertools.product(values, repeat=len(names)), 20000):
            cand = dict(zip(names, combo, strict=True))
            if cand not in found and ok(cand):
                found.append(cand)
                if len(found) >= 4:
                    break
    return found


def constraint_values(spec: LaunchSpec, limit: int = 12) -> tuple[int, ...]:
    """Integers the size constraints mention, and their neighbours (c - 1, c, c + 1, 2c): where
    sizes satisfying `N >= 100` or `N % 48 == 0` are found when the small values fail."""
    import ast

    from .frontend.bounds import MAX_SIZE

    out: list[int] = []
    for c in [*(c for cs in spec.sizes.values() for c in cs), *spec.constraints]:
        for node in ast.walk(c.tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
                for v in (node.value, node.value + 1, node.value - 1, 2 * node.value):
                    if 1 <= v <= MAX_SIZE and v not in CANDIDATE_VALUES and v not in out:
                        out.append(v)
    return tuple(sorted(out)[:limit])


def _no_sizes(spec: LaunchSpec, values: tuple[int, ...]) -> SpecError:
    texts = [c.text for cs in spec.sizes.values() for c in cs] + [c.text for c in spec.constraints]
    constrained = [n for n, cs in spec.sizes.items() if cs]
    key = ("sizes", constrained[0]) if constrained else ("constraints",) if spec.constraints else ("sizes",)
    tried = ", ".join(map(str, sorted(set(values))))
    return SpecError(f"no sizes satisfy the constraints {'; '.join(texts) or '(none)'}: every combination of "
                     f"the values {tried} was tried (the constraints may contradict each other); "
                     f"give samples = [...] if valid sizes exist", spec.loc(*key))


def concrete(spec: LaunchSpec, sizes: dict[str, int] | None, choice: dict[str, int] | None) -> ConcreteLaunch:
    if sizes is None:
        sizes = default_sizes(spec, choice)[0]
    check_size_bound(spec, sizes)
    return instantiate(spec, sizes, choice)


def run_spec(spec: LaunchSpec, sizes: dict[str, int] | None = None, choice: dict[str, int] | None = None,
             opts: Options | None = None) -> Spec:
    opts = opts or Options()
    opts.stage("sizes")
    conc = concrete(spec, sizes, choice)
    opts.stage("symex")
    return execute(conc, source_index(opts))


def execute(conc: ConcreteLaunch, index: SourceIndex) -> Spec:
    """Symbolic execution of a concrete launch, after checking it is within the stated bounds
    (frontend.bounds: grid, lanes per tile, storage, unrolled iterations)."""
    from .dsl.build import positive_symbols
    from .errors import LaunchRejected
    from .simplify import positive_reals

    check_bounds(conc, index)
    try:
        with positive_symbols(positive_reals(conc.spec.reals)):
            return run_launch(conc, index)
    except LaunchRejected as e:  # name the sizes: the rule may hold at others
        at = ", ".join(f"{k}={v}" for k, v in conc.sizes.items())
        raise LaunchRejected(f"{e.message} (at {at})" if at else e.message, e.loc) from None


# -- lift: symbolic execution at several sizes, synthesis, generalisation check ----------------

def check_sizes(spec: LaunchSpec, used: list[dict[str, int]], choice: dict[str, int] | None, count: int = 2) -> list[dict[str, int]]:
    """Sizes larger than every used one (never used for synthesis) that satisfy the constraints."""
    if not spec.sizes:
        return []
    top = {n: max(u[n] for u in used) for n in spec.sizes}
    names = list(spec.sizes)
    bumped = ({n: top[n] + b[i % 2] for i, n in enumerate(names)}
              for b in ((3, 2), (2, 4), (4, 1), (1, 3), (5, 5), (1, 1), (2, 2), (3, 3), (1, 2), (2, 1)))
    small = (dict(zip(names, combo, strict=True)) for combo in itertools.product(CANDIDATE_VALUES, repeat=len(names)))
    out: list[dict[str, int]] = []
    for cand in itertools.chain(bumped, small):
        if cand not in used and cand not in out and satisfies(spec, cand, choice):
            out.append(cand)
            if len(out) == count:
                break
    return out


THRESHOLD_ELEMENTS = 4096  # a size past a cap is executed only while the product of the sizes stays below this
THRESHOLD_SIZE = 300  # ... and each size stays below this (execution cost grows with the row length)


def thresholds(spec: LaunchSpec) -> list[int]:
    """Integer constants that cap or compare sizes in the spec's expressions (`min(..., 128)`,
    `N >= 4096`, `max(...)`): sizes past them change the launch (more loop iterations, another
    branch), so checked sizes should cross them."""
    import ast

    exprs = [e for cs in spec.sizes.values() for e in cs] + list(spec.lets.values()) + list(spec.constraints)
    for step in spec.steps:
        exprs += list(step.grid)
        for v in step.args.values():
            exprs += [v.expr] if v.expr is not None else []
            exprs += [x.expr for x in (v.value if v.kind in ("values", "joint") else ()) if getattr(x, "expr", None) is not None]
    # names bound to integer constants (`BLOCK = 64` among the args or lets): a grid
    # `cdiv(N, BLOCK)` or a split count `cdiv(K, CHUNK)` divides by them
    consts: dict[str, int] = {}
    for step in spec.steps:
        for k, v in step.args.items():
            c = _int_constant(v.expr) if v.kind == "int" and v.expr is not None else None
            if c is not None:
                consts[k] = c
    for k, e in spec.lets.items():
        c = _int_constant(e)
        if c is not None:
            consts[k] = c
    found: set[int] = set()
    for e in exprs:
        for node in ast.walk(e.tree):
            operands: list[ast.expr] = []
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("min", "max"):
                operands = list(node.args)
            elif isinstance(node, ast.Compare):
                operands = [node.left, *node.comparators]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "cdiv":
                operands = list(node.args[1:])  # a tile or split size: past 2·c the grid has 3 programs
            elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.FloorDiv, ast.Mod)):
                operands = [node.right]  # `K // 1024`: the split count changes past it
            found |= {o.value for o in operands if isinstance(o, ast.Constant) and isinstance(o.value, int)
                      and not isinstance(o.value, bool) and o.value >= 2}
            found |= {consts[o.id] for o in operands if isinstance(o, ast.Name) and consts.get(o.id, 0) >= 2}
    # a constant block size the kernel tiles or loops by (`BLOCK_N = 4`): past 2·c a loop over
    # the size runs three times, the last one masked
    found |= {c for k, c in consts.items() if c >= 2 and k not in spec.lets}
    return sorted(found)


def _int_constant(e) -> int | None:
    """The value of an integer expression that is a bare constant (`64`), else None."""
    import ast

    body = getattr(e.tree, "body", e.tree)
    if isinstance(body, ast.Constant) and isinstance(body.value, int) and not isinstance(body.value, bool):
        return body.value
    return None


def kernel_thresholds(spec: LaunchSpec, index: SourceIndex) -> list[int]:
    """Integer constants the launched kernels compare with or cap by (`if start >= 64`,
    `tl.minimum(n, 128)`, `offs < 1203`): a size past them may take another branch."""
    import ast

    found: set[int] = set()
    for step in spec.steps:
        try:
            fn = index.kernel(step.kernel, Path(spec.path).parent)
        except TritonLiftError:
            continue
        for node in ast.walk(fn.node):
            operands: list[ast.expr] = []
            if isinstance(node, ast.Compare):
                operands = [node.left, *node.comparators]
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                    "minimum", "maximum", "min", "max"):
                operands = list(node.args)
            found |= {o.value for o in operands if isinstance(o, ast.Constant) and isinstance(o.value, int)
                      and not isinstance(o.value, bool) and o.value >= 2}
    return sorted(found)


def past_thresholds(spec: LaunchSpec, used: list[dict[str, int]], choice: dict[str, int] | None,
                    index: SourceIndex | None = None) -> list[dict[str, int]]:
    """For every threshold C (the spec's, and the kernels' with `index`) and size symbol, a size
    just past 2·C (a loop capped at C runs at least twice with a masked tail), while the launch
    stays small enough to execute."""
    if not spec.sizes or not used:
        return []
    base = min(used, key=lambda u: sum(u.values()))
    out: list[dict[str, int]] = []
    found = set(thresholds(spec)) | (set(kernel_thresholds(spec, index)) if index is not None else set())
    for c in sorted(found, reverse=True):  # the largest first: past it, past the smaller ones too
        for n in spec.sizes:
            if any(u[n] > 2 * c for u in used):
                continue  # a used size is past it already
            for v in (2 * c + 1, c + 1):
                cand = {**base, n: v}
                total = 1
                for x in cand.values():
                    total *= x
                if total <= THRESHOLD_ELEMENTS and v <= THRESHOLD_SIZE and cand not in used and cand not in out \
                        and satisfies(spec, cand, choice) and _affordable(spec, cand, choice, index):
                    out.append(cand)
                    break
    return out[:4]


THRESHOLD_LANE_PROGRAMS = 1 << 10  # ... and its programs x lanes of the largest tile stay below this


def _affordable(spec: LaunchSpec, sizes: dict[str, int], choice: dict[str, int] | None,
                index: SourceIndex | None) -> bool:
    """A size past a threshold is executed only when its programs x tile lanes stay small (a
    256-column tile over 33 programs would cost minutes)."""
    if index is None:
        return True
    try:
        return check_bounds(instantiate(spec, sizes, choice), index).lane_programs <= THRESHOLD_LANE_PROGRAMS
    except TritonLiftError:
        return False


def satisfies(spec: LaunchSpec, sizes: dict[str, int], choice: dict[str, int] | None = None) -> bool:
    """The sizes meet every constraint of the spec (instantiation succeeds). Only the errors
    that depend on the sizes mean "no"; any other problem of the spec is raised."""
    return admissible(spec, sizes, choice) is None


def admissible(spec: LaunchSpec, sizes: dict[str, int], choice: dict[str, int] | None = None) -> SpecError | None:
    """None when the spec instantiates at `sizes`, else why not: a constraint they violate or an
    expression that cannot be evaluated there. Other spec errors (not about these sizes) raise."""
    try:
        instantiate(spec, sizes, choice)
    except (ConstraintViolation, SizeEvalError) as e:
        return e
    return None


def lift(launch_path: str | Path, opts: Options | None = None, kernel: str | None = None):
    """The pipeline: a LiftResult with status PROVED (for every size the spec allows), BOUNDED
    (exact at the checked sizes), FINDINGS (a bug found: a race, an out-of-bounds access, ...) or
    a failure status with its reason. Never raises for a problem with the kernel or the spec."""
    import time

    from .errors import Diagnostic, TritonLiftError, Unsupported
    from .frontend.claims import assumptions, coverage
    from .frontend.concrete import autotune_params
    from .result import LiftResult, Status, Verdict, merge_findings
    from .synth import SynthFailure, synthesize, verify_formula

    opts = opts or Options()
    t0 = time.monotonic()
    timings: dict[str, float] = {}
    path = str(launch_path)
    opts.stage("load")
    try:
        spec = load(launch_path, kernel)
    except TritonLiftError as e:
        return LiftResult(path, "", Path(path).stem, (), Status.ERROR, None, e.diagnostic().headline(),
                          time.monotonic() - t0, error=e.diagnostic())
    kernels = tuple(s.kernel for s in spec.steps)
    index = source_index(opts)
    where = kernel_location(spec, index)
    runs: list[Spec] = []  # every execution so far: their findings are the result's

    def result(status: Status, formula, reason: str, sizes=(), error=None, extra=()) -> LiftResult:
        findings = merge_findings([*(f for sp in sorted(runs, key=_weight) for f in sp.findings), *extra])
        bugs = [f for f in findings if f.bug]
        if bugs and status is not Status.ERROR:  # a bug found outranks any other outcome; `reason` keeps the stage's
            status = Status.FINDINGS
        return LiftResult(path, spec.op, spec.ident, kernels, status, formula, reason, time.monotonic() - t0,
                          tuple(sizes), findings, timings, error=error, location=where,
                          assumptions=assumptions(spec), coverage=coverage(spec, sizes))

    def hunt(used: list[dict[str, int]]) -> list[Spec]:
        t = time.monotonic()
        opts.stage("findings")
        found = hunt_findings(spec, index, used, _budget(timings))
        timings["findings"] = time.monotonic() - t
        return found

    try:
        opts.stage("sizes")
        synth_sizes = synthesis_sizes(spec)
        t = time.monotonic()
        opts.stage("symex")
        specs = []
        for s in synth_sizes:
            specs.append(execute(instantiate(spec, s), index))
            runs.append(specs[-1])
        timings["symex"] = time.monotonic() - t
        t = time.monotonic()
        opts.stage("synth")
        formula = synthesize(specs, list(spec.sizes), opts.strategy)
        timings["synth"] = time.monotonic() - t
        t = time.monotonic()
        opts.stage("check")
        unseen = check_sizes(spec, synth_sizes, None)
        checks = []
        for s in unseen:
            checks.append(execute(instantiate(spec, s), index))
        for s in past_thresholds(spec, synth_sizes + unseen, None, index):
            try:
                past = execute(instantiate(spec, s), index)
                verify_formula(formula, [past])  # its terms must fit the checker too (deep sums)
                checks.append(past)
                unseen.append(s)
            except (RecursionError, Unsupported):  # too large to execute here: the sizes below the cap stand
                pass
        configs = _other_configs(autotune_params(spec), default_choice(spec))
        for ch in configs:
            try:
                checks += [execute(instantiate(spec, s, ch), index) for s in synth_sizes[:2]]
            except Unsupported:  # a configuration too large to execute here: proved, not checked
                pass
        runs += checks
        bad = verify_formula(formula, checks)
        # a race at a checked size: the programs run in reverse order give other outputs
        reversed_runs = [sp.reverse for sp in [*specs, *checks] if sp.reverse is not None]
        if bad is None and reversed_runs:
            why = verify_formula(formula, reversed_runs)
            if why is not None:
                bad = (f"the kernel's result depends on the order its programs run in (a race); with the "
                       f"programs in reverse order: {why}")
        timings["check"] = time.monotonic() - t
    except SynthFailure as e:
        runs += hunt(synth_sizes)  # a bug elsewhere may be why no formula fits
        return result(Status.UNSUPPORTED, None, f"no formula: {e}")
    except TritonLiftError as e:
        status = Status.UNSUPPORTED if isinstance(e, Unsupported) else Status.ERROR
        rejected = rejection(e)
        return result(status, None, e.diagnostic().headline(), error=e.diagnostic(),
                      extra=rejected.findings if rejected else ())
    except RecursionError:
        return result(Status.ERROR, None, "internal error: expression nesting too deep",
                      error=Diagnostic("internal error", "expression nesting too deep (RecursionError)"))
    if bad is not None:
        runs += hunt(synth_sizes + unseen)
        return result(Status.UNSUPPORTED, None, f"formula rejected by the generalisation check: {bad}")
    all_sizes = [*synth_sizes, *unseen]
    reason = ("equal to the kernel exactly at the checked sizes"
              + (f" and autotune configurations ({len(configs)} more)" if configs else ""))
    from .symex.runner import unexercised

    never = unexercised([*specs, *checks])
    if never:  # what a bounded claim does not cover even at its sizes
        reason += "; never exercised at these sizes: " + "; ".join(never[:6]) + ("; ..." if len(never) > 6 else "")
    if not opts.prove:
        return _simplified(result(Status.BOUNDED, formula, reason + "; not proved for all sizes (--no-prove)",
                                  all_sizes), spec, opts, timings)
    if any(f.bug for sp in runs for f in sp.findings):  # the status is decided: no proof can lift it
        return _simplified(result(Status.BOUNDED, formula, f"{reason}; not proved for all sizes: the kernel has a "
                                  f"bug (the findings)", all_sizes), spec, opts, timings)
    from .verify.prove import ProveConfig, prove

    t = time.monotonic()
    opts.stage("prove")
    try:
        verdict = prove(spec, formula, opts, ProveConfig(dump_smt=opts.dump_smt))
    except TritonLiftError as e:  # the prover could not start: its reason is the verdict
        verdict = Verdict(Status.UNSUPPORTED, e.diagnostic().headline(), location=str(e.loc or ""),
                          seconds=time.monotonic() - t)
    timings["prove"] = time.monotonic() - t
    rejected = rejection(verdict)
    if rejected is not None:  # Triton rejects the launch at some allowed size: the formula is moot
        r = result(Status.ERROR, None, rejected.reason, all_sizes, error=rejected.error, extra=rejected.findings)
        return dataclasses.replace(r, verdict=verdict)
    if verdict.status is not Status.PROVED:
        runs += hunt(all_sizes)  # "not proved" may be a bug elsewhere
    if verdict.status is Status.PROVED:
        r = result(Status.PROVED, formula, "", all_sizes)
    elif verdict.status is Status.FINDINGS:
        r = result(Status.FINDINGS, formula, f"{verdict.message}; {reason}", all_sizes)
    else:
        # REFUTED by the prover contradicts the exact checks above only if they disagree; a result
        # never claims more than it established, so anything but PROVED stays BOUNDED
        r = result(Status.BOUNDED, formula, f"{reason}; not proved for all sizes: {verdict.message}", all_sizes)
    # the prover's findings (an overflow past some size) restrict what the claim covers; they
    # decide the status only through the verdict's own status
    r = dataclasses.replace(r, verdict=verdict, findings=merge_findings([*r.findings, *verdict.all_findings()]),
                            assumptions=assumptions(spec, verdict.assumptions),
                            coverage=coverage(spec, all_sizes, verdict.covers))
    return _simplified(r, spec, opts, timings)


def hunt_findings(spec: LaunchSpec, index: SourceIndex, used: list[dict[str, int]], budget: float = 2.0) -> list[Spec]:
    """Executions at the check sizes, past the spec's thresholds and with one size large, for
    their findings only (when no formula was found or none was proved: a race or an
    out-of-bounds access there is the answer). Smallest launches first, within `budget` seconds
    of wall-clock time (a launch started is finished); sizes that cannot be executed here are
    skipped."""
    import time

    from .errors import TritonLiftError

    out: list[Spec] = []
    t0 = time.monotonic()
    try:
        unseen = check_sizes(spec, used, None)
        sizes = unseen + past_thresholds(spec, used + unseen, None, index) + _one_size_up(spec, used)
    except TritonLiftError:
        return out
    for s in sorted(_distinct_sizes(sizes, used), key=lambda s: (math.prod(s.values()), sum(s.values()))):
        if time.monotonic() - t0 > budget:
            break
        try:
            out.append(execute(instantiate(spec, s), index))
        except (TritonLiftError, RecursionError):
            continue
    return out


HUNT_SECONDS = 15.0  # the most the finding hunt may take, however slow the executions were


def _budget(timings: dict[str, float]) -> float:
    """Seconds the finding hunt may take: twice the symbolic execution so far, within [1, 15]."""
    return min(HUNT_SECONDS, max(1.0, 2 * (timings.get("symex", 0.0) + timings.get("check", 0.0))))


def _one_size_up(spec: LaunchSpec, used: list[dict[str, int]]) -> list[dict[str, int]]:
    """From the smallest used size, each size symbol alone doubled and tripled (plus one): one
    size large against the others (more rows than a group, more programs than a tile) is where
    races and out-of-bounds accesses of a size-dependent layout show."""
    if not spec.sizes or not used:
        return []
    base = min(used, key=lambda u: sum(u.values()))
    out = []
    for n in spec.sizes:
        for v in (2 * base[n], 3 * base[n] + 1):
            cand = {**base, n: v}
            if math.prod(cand.values()) <= THRESHOLD_ELEMENTS and v <= THRESHOLD_SIZE and satisfies(spec, cand):
                out.append(cand)
    return out


def _distinct_sizes(sizes: list[dict[str, int]], used: list[dict[str, int]]) -> list[dict[str, int]]:
    out: list[dict[str, int]] = []
    for s in sizes:
        if s not in used and s not in out:
            out.append(s)
    return out


def _weight(sp: Spec) -> int:
    return sum(sp.sizes.values())


def coverage(spec: LaunchSpec) -> tuple[str, ...]:
    """What a proof of `spec` covers, in the spec's words (`frontend.claims.coverage` as text)."""
    from .frontend.claims import coverage as claims

    return claims(spec).lines()


def kernel_location(spec: LaunchSpec, index: SourceIndex) -> str:
    """`file:line` of the last launch's kernel definition (relative to the working directory
    when below it), or the launch spec's path when the kernel cannot be found."""
    from .errors import TritonLiftError

    step = spec.steps[-1]
    try:
        loc = index.kernel(step.kernel, Path(spec.path).parent).loc()
    except TritonLiftError:
        return str(spec.path)
    path = Path(loc.file)
    try:
        path = path.resolve().relative_to(Path.cwd())
    except ValueError:
        pass
    return f"{path}:{loc.line}" if loc.line else str(path)


def _simplified(r, spec: LaunchSpec, opts: Options, timings: dict[str, float]):
    """The result with its formula in textbook form when the e-graph finds one that is checked
    equal to the lifted formula (every rule is proved sound; the result is also compared exactly
    at the sample sizes). The lifted formula stays available as `lifted`."""
    import time

    if not opts.simplify or r.formula is None:
        return r
    from .result import SimplifyReport
    from .simplify import SimplifyContext, simplify

    t = time.monotonic()
    opts.stage("simplify")
    try:
        res = simplify(r.formula, SimplifyContext.from_spec(spec, list(r.checked_sizes)))
    except Exception as e:  # the simplifier never decides a status: fall back to the lifted form
        timings["simplify"] = time.monotonic() - t
        return dataclasses.replace(r, simplification=SimplifyReport(False, False,
                                                                    reason=f"not simplified: {type(e).__name__}: {e}"))
    timings["simplify"] = time.monotonic() - t
    if not res.changed or not res.checked:
        return dataclasses.replace(r, simplification=res.report())
    constants = tuple(a.text for a in res.assumptions)
    a = dataclasses.replace(r.assumptions, constants=r.assumptions.constants + constants)
    return dataclasses.replace(r, formula=res.formula, lifted=r.formula, simplification=res.report(), assumptions=a)


def _other_configs(params: dict[str, int], default: dict[str, int] | None = None) -> list[dict[str, int]]:
    """Every autotune combination except the default one (capped to keep lifting fast)."""
    if not params:
        return []
    names = list(params)
    first = tuple((default or {}).get(n, 0) for n in names)
    combos = [c for c in itertools.product(*(range(params[n]) for n in names)) if c != first]
    return [dict(zip(names, c, strict=True)) for c in combos[:8]]
