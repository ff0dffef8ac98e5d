"""The command line's exit codes: one per kind of outcome, documented in the README and `--help`.

    0  PROVED (for lift/check), or the command succeeded (spec without findings, assumptions, ...)
    1  REFUTED, or a bug found: the kernel fails under the launch (an execution error) or `spec`
       reports out-of-bounds accesses, races or reads of unwritten memory
    2  usage or input error: bad flags, a launch spec, kernel file or formula that is malformed
    3  not proved: BOUNDED (exact at the checked sizes only) or UNKNOWN (including --timeout)
    4  UNSUPPORTED: a construct the tool does not model, a bound exceeded, no formula found
    5  internal error (a bug in tritonlift: please report it; --debug shows the traceback)
  130  interrupted (Ctrl-C)
"""

from __future__ import annotations

from enum import IntEnum

from .result import Status


class ExitCode(IntEnum):
    OK = 0
    REFUTED = 1
    INPUT_ERROR = 2
    NOT_PROVED = 3
    UNSUPPORTED = 4
    INTERNAL = 5
    INTERRUPTED = 130


HELP = """exit codes:
  0  PROVED, or the command succeeded
  1  REFUTED, or a bug found (the kernel fails under the launch; spec: out-of-bounds, race, uninit)
  2  usage or input error (flags, launch spec, kernel source, formula)
  3  not proved: BOUNDED or UNKNOWN (also --timeout)
  4  UNSUPPORTED (construct not modelled, a bound exceeded, no formula found)
  5  internal error (a bug in tritonlift; --debug shows the traceback)"""

# Diagnostic kinds (errors.TritonLiftError.kind) -> exit code; anything else is an input error.
_BY_KIND = {
    "unsupported": ExitCode.UNSUPPORTED,
    "execution error": ExitCode.REFUTED,
    "internal error": ExitCode.INTERNAL,
    "timeout": ExitCode.NOT_PROVED,
}
_BY_STATUS = {
    Status.PROVED: ExitCode.OK,
    Status.BOUNDED: ExitCode.NOT_PROVED,
    Status.UNKNOWN: ExitCode.NOT_PROVED,
    Status.REFUTED: ExitCode.REFUTED,
    Status.UNSUPPORTED: ExitCode.UNSUPPORTED,
    Status.ERROR: ExitCode.INTERNAL,
}


def for_kind(kind: str) -> ExitCode:
    """The exit code of an error of this diagnostic kind."""
    return _BY_KIND.get(kind, ExitCode.INPUT_ERROR)


def for_status(status: Status, error_kind: str | None = None) -> ExitCode:
    """The exit code of a result: its status, or for ERROR the kind of the error it carries."""
    if status is Status.ERROR and error_kind is not None:
        return for_kind(error_kind)
    return _BY_STATUS[status]
