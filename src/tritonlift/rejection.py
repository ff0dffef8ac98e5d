"""A launch Triton rejects, as `lift` and `check` both report it (issue 11 point 3, issue 12).

Triton refuses some launches outright: a `tl.arange` or tile extent that is not a power of two,
a tile of more than 2**20 elements, `other=` without `mask=`. The tool learns it in one of two
places, and both commands must say the same thing, so both go through `rejection`:

- the symbolic executor raises `LaunchRejected` at a concrete size (`symex/tritonrules.py`;
  `pipeline.execute` appends the sizes as ` (at N=3)`);
- the prover's `launch-rule` obligation fails at some allowed size (`verify/launchrules.py`):
  the verdict is ERROR and the failed obligation carries the finding with the sizes.

Either way the result is status ERROR, a located `Diagnostic` of kind "launch rejected by Triton"
(exit code 1, `exitcodes.py`: a bug in the kernel, as definite as a refutation) and one `launch`
finding naming the sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import Diagnostic, LaunchRejected
from .result import Finding, FindingKind, Status, Verdict

KIND = LaunchRejected.kind


@dataclass(frozen=True)
class Rejection:
    """Why the launch is rejected: the located error and the `launch` findings with sizes."""

    error: Diagnostic
    findings: tuple[Finding, ...]

    @property
    def reason(self) -> str:
        """The one-line account a result's `reason` holds: `file:line:col: kind: message`."""
        return self.error.headline()


def rejection(source: BaseException | Verdict | None) -> Rejection | None:
    """The rejection behind `source` (an exception the executor raised, or the prover's verdict),
    or None when it is about something else."""
    if isinstance(source, LaunchRejected):
        return Rejection(source.diagnostic(), (_executed_finding(source),))
    if isinstance(source, Verdict):
        failed = source.failed
        if source.status is not Status.ERROR or failed is None or failed.kind != "launch-rule":
            return None
        found = tuple(f for f in source.all_findings() if f.kind is FindingKind.LAUNCH)
        loc = next((f.loc for f in found if f.loc is not None), None)
        return Rejection(Diagnostic(KIND, source.message, loc), found)
    return None


def _executed_finding(e: LaunchRejected) -> Finding:
    """The finding of a rejection found while executing, with the sizes its message names."""
    msg, _, at = e.message.rpartition(" (at ")
    sizes = {}
    for part in at.rstrip(")").split(", ") if msg else ():
        name, _, value = part.partition("=")
        if value.isdigit():
            sizes[name] = int(value)
    return Finding(FindingKind.LAUNCH, msg or e.message, e.loc, (), sizes)


__all__ = ["KIND", "Rejection", "rejection"]
