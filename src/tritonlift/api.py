"""The Python API (re-exported lazily by `tritonlift`): `lift`, `check`, `load_launch`, and the
staged runners the command line uses (wall-clock limit, stage reports).

    import tritonlift
    r = tritonlift.lift("corpus/23_softmax.toml")
    assert r.status is tritonlift.Status.PROVED, r.reason
    print(r.formula)

Bad input (a malformed launch spec, a missing kernel, a formula that does not parse) raises a
`TritonLiftError` subclass (`SpecError`, `KernelSourceError`, `DslError`) whose `str()` is the
located diagnostic; everything the tool finds out about the kernel is the status of the result.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import SourceLoc, Timeout, TritonLiftError, error_class
from .options import Options

if TYPE_CHECKING:
    from .check import CheckResult
    from .frontend.launch import LaunchSpec
    from .result import LiftResult
    from .symex.runner import Spec

PathLike = str | Path
StageHook = Callable[[str], None]


def load_launch(launch: PathLike, kernel: str | None = None) -> LaunchSpec:
    """Parse and check a launch spec (TOML, docs/launch-spec.md). `kernel` (`path.py::name` or
    `package.module:name`) replaces the kernel of a single-launch spec. Raises SpecError located
    at the file, line and key."""
    from .pipeline import load

    return load(launch, kernel)


def lift(launch: PathLike, kernel: str | None = None, *, prove: bool = True, simplify: bool = True,
         strategy: str = "both", timeout: float | None = None, options: Options | None = None) -> LiftResult:
    """Lift the kernel(s) of a launch spec to a formula.

    Returns a `LiftResult` (result.py): `status` (PROVED for every size the spec allows, BOUNDED
    exactly at `checked_sizes` only, FINDINGS when a bug was found (`findings`: races,
    out-of-bounds accesses, reads of unwritten memory, with location, program and sizes),
    UNKNOWN when `timeout` seconds ran out, UNSUPPORTED with the construct or bound in
    `reason`/`error`), `formula` (outputs as `tensor[i, ...] = term`), `lifted` (before
    simplification), `verdict` (the prover's obligations), `coverage`, `assumptions`,
    `simplification`. Raises TritonLiftError for bad input.
    """
    opts = dataclasses.replace(options or Options(), prove=prove, simplify=simplify, strategy=strategy)
    r = lift_staged(launch, kernel, opts, timeout)
    _raise_input_error(r.error)
    return r


def check(launch: PathLike, formula: str, kernel: str | None = None, *, prove: bool = True,
          timeout: float | None = None, options: Options | None = None) -> CheckResult:
    """Check a formula you wrote (`"y[i] = sum(k, 0, N, x[i, k])"`, several separated by `;`)
    against the kernel(s) of a launch spec (docs/formula-language.md).

    Returns a `CheckResult`: PROVED, BOUNDED (equal at every checked size), REFUTED with a
    replayable `counterexample`, FINDINGS (a bug found in the kernel: `findings`), UNKNOWN
    (also when `timeout` seconds ran out), UNSUPPORTED; with `verdict`, `coverage`, `assumptions`.
    Raises TritonLiftError for a bad launch spec or formula.
    """
    opts = dataclasses.replace(options or Options(), prove=prove)
    r = check_staged(launch, formula, kernel, opts, timeout)
    _raise_input_error(r.error)
    return r


def _raise_input_error(diag) -> None:
    from .exitcodes import ExitCode, for_kind

    if diag is not None and for_kind(diag.kind) is ExitCode.INPUT_ERROR:
        raise error_class(diag.kind)(diag.message, diag.loc)


# -- staged runners (command line) -----------------------------------------------------------------

def _with_stage(opts: Options, report: StageHook) -> Options:
    return dataclasses.replace(opts, progress=report)


def lift_staged(launch: PathLike, kernel: str | None, opts: Options, timeout: float | None,
                on_stage: StageHook | None = None) -> LiftResult:
    """`pipeline.lift` under a wall-clock limit: never raises for a problem with the input (an
    ERROR result carries the located `error`); a timeout is an UNKNOWN result naming the stage."""
    from .deadline import run_with_deadline
    from .pipeline import lift as pipeline_lift
    from .pipeline import load
    from .result import LiftResult, Status

    t0 = time.monotonic()
    try:
        spec = load(launch, kernel)
    except TritonLiftError:
        return pipeline_lift(launch, opts, kernel)  # the ERROR result, at once
    if timeout is not None:
        from . import synth  # noqa: F401 - imported before the fork: the limit is for the work, not imports
    try:
        return run_with_deadline(lambda report: pipeline_lift(launch, _with_stage(opts, report), kernel),
                                 timeout, on_stage)
    except Timeout as e:
        diag = dataclasses.replace(e.diagnostic(), loc=SourceLoc(str(launch)))
        return LiftResult(str(launch), spec.op, spec.ident, tuple(s.kernel for s in spec.steps), Status.UNKNOWN,
                          None, e.message, time.monotonic() - t0, error=diag)


def check_staged(launch: PathLike, formula: str, kernel: str | None, opts: Options, timeout: float | None,
                 on_stage: StageHook | None = None) -> CheckResult:
    """`check.check_formula` under a wall-clock limit. Raises TritonLiftError for a bad launch
    spec or formula (checked here first, before any work); a timeout is an UNKNOWN result."""
    from .check import CheckResult, check_formula
    from .deadline import run_with_deadline
    from .pipeline import load
    from .result import Status
    from .user_formula import parse_user_formula

    t0 = time.monotonic()
    spec = load(launch, kernel)
    parsed = parse_user_formula(formula, spec)
    try:
        return run_with_deadline(
            lambda report: check_formula(launch, formula, _with_stage(opts, report), kernel=kernel),
            timeout, on_stage)
    except Timeout as e:
        diag = dataclasses.replace(e.diagnostic(), loc=SourceLoc(str(launch)))
        return CheckResult(str(launch), spec.op, spec.ident, tuple(s.kernel for s in spec.steps), str(launch),
                           Status.UNKNOWN, parsed, (), None, e.message, time.monotonic() - t0, error=diag)


def spec_staged(launch: LaunchSpec, sizes: dict[str, int] | None, choice: dict[str, int] | None,
                opts: Options, timeout: float | None, on_stage: StageHook | None = None) -> Spec:
    """`pipeline.run_spec` under a wall-clock limit; raises Timeout (located at the spec)."""
    from .deadline import run_with_deadline
    from .pipeline import run_spec

    try:
        return run_with_deadline(lambda report: run_spec(launch, sizes, choice, _with_stage(opts, report)),
                                 timeout, on_stage)
    except Timeout as e:
        raise Timeout(e.message, SourceLoc(str(launch.path)), stage=e.stage) from None
