"""The command line's exit codes: one per kind of outcome, documented in the README and `--help`.

    0  PROVED (for lift/check), or the command succeeded (spec without findings, assumptions, ...)
    1  REFUTED, or a bug found: status FINDINGS (a race, an out-of-bounds access, a read of
       unwritten memory, an integer overflow, a launch Triton rejects), the kernel fails under
       the launch (an execution error), or `spec` reports such findings
    2  usage or input error: bad flags, a launch spec, kernel file or formula that is malformed
    3  not proved: BOUNDED (exact at the checked sizes only) or UNKNOWN (including --timeout)
    4  UNSUPPORTED: a construct the tool does not model, a bound exceeded, no formula found
    5  internal error (a bug in tritonlift: please report it; --debug shows the traceback)
  130  interrupted (Ctrl-C)

A leaf module (no tritonlift imports): results name their exit code in their JSON.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    REFUTED = 1
    BUG_FOUND = 1  # an alias: a bug found in the kernel is as definite as a refutation
    INPUT_ERROR = 2
    NOT_PROVED = 3
    UNSUPPORTED = 4
    INTERNAL = 5
    INTERRUPTED = 130


HELP = """exit codes:
  0  PROVED, or the command succeeded
  1  REFUTED, or a bug found (status FINDINGS: race, out-of-bounds, uninitialised read, overflow;
     a launch Triton rejects; the kernel fails under the launch; spec: such findings)
  2  usage or input error (flags, launch spec, kernel source, formula)
  3  not proved: BOUNDED or UNKNOWN (also --timeout)
  4  UNSUPPORTED (construct not modelled, a bound exceeded, no formula found)
  5  internal error (a bug in tritonlift; --debug shows the traceback)"""

# Diagnostic kinds (errors.TritonLiftError.kind) -> exit code; anything else is an input error.
_BY_KIND = {
    "unsupported": ExitCode.UNSUPPORTED,
    "execution error": ExitCode.REFUTED,
    "launch rejected by Triton": ExitCode.BUG_FOUND,  # errors.LaunchRejected: a bug in the kernel
    "internal error": ExitCode.INTERNAL,
    "timeout": ExitCode.NOT_PROVED,
}
# result.Status names -> exit code (by name: this module imports nothing of tritonlift)
_BY_STATUS = {
    "PROVED": ExitCode.OK,
    "BOUNDED": ExitCode.NOT_PROVED,
    "UNKNOWN": ExitCode.NOT_PROVED,
    "REFUTED": ExitCode.REFUTED,
    "FINDINGS": ExitCode.BUG_FOUND,
    "UNSUPPORTED": ExitCode.UNSUPPORTED,
    "ERROR": ExitCode.INTERNAL,
}


def for_kind(kind: str) -> ExitCode:
    """The exit code of an error of this diagnostic kind."""
    return _BY_KIND.get(kind, ExitCode.INPUT_ERROR)


def for_status(status, error_kind: str | None = None) -> ExitCode:
    """The exit code of a result (a `result.Status`): its status, or for ERROR the kind of the
    error it carries."""
    if status.name == "ERROR" and error_kind is not None:
        return for_kind(error_kind)
    return _BY_STATUS[status.name]
