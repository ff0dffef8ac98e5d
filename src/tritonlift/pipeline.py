"""The stages wired together: load a launch spec, pick sizes, run symbolic execution."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

from .errors import SpecError
from .frontend.concrete import ConcreteLaunch, instantiate
from .frontend.launch import LaunchSpec, load_launch
from .frontend.source import SourceIndex
from .options import Options
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
    """Sizes to execute when none are given: the spec's samples, else small values that satisfy
    the constraints (several, so masks and loop tails are exercised)."""
    if spec.samples:
        return [dict(s) for s in spec.samples]
    names = list(spec.sizes)
    found: list[dict[str, int]] = []
    if not names:
        return [{}]
    tried = 0
    for combo in itertools.product(CANDIDATE_VALUES, repeat=len(names)):
        tried += 1
        if tried > 5000:
            break
        sizes = dict(zip(names, combo, strict=True))
        try:
            instantiate(spec, sizes, choice)
        except SpecError:
            continue
        found.append(sizes)
        if len(found) >= 4:
            break
    if not found:
        raise SpecError("no small sizes satisfy the constraints: give samples = [...]", spec.loc("sizes"))
    return found


def concrete(spec: LaunchSpec, sizes: dict[str, int] | None, choice: dict[str, int] | None) -> ConcreteLaunch:
    if sizes is None:
        sizes = default_sizes(spec, choice)[0]
    return instantiate(spec, sizes, choice)


def run_spec(spec: LaunchSpec, sizes: dict[str, int] | None = None, choice: dict[str, int] | None = None,
             opts: Options | None = None) -> Spec:
    opts = opts or Options()
    return run_launch(concrete(spec, sizes, choice), source_index(opts))
