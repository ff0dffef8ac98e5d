"""The one exception root of tritonlift, and source locations for user-facing errors.

Every error a user can cause (a bad launch spec, an unsupported construct, a syntax error in a
kernel) is a `TritonLiftError` carrying where it happened. `cli.main` prints `str(err)`: one
`file:line:col: kind: message` line, then the source line and a caret when there is one.

A `Diagnostic` is the same information as plain data: results carry it (a LiftResult whose
status is ERROR says why and where), and it crosses process boundaries (`--timeout`) and JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

CARET_WIDTH = 100  # characters of a long source line shown around the caret


@dataclass(frozen=True)
class SourceLoc:
    """A position in a file: 1-based line, 1-based column (as editors show them)."""

    file: str
    line: int = 0
    col: int = 0
    source_line: str = ""

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.col}"

    def caret(self) -> str:
        """The source line and a caret under the column, or '' when the line is unknown."""
        if not self.source_line:
            return ""
        text = "".join(ch if ch.isprintable() else "?" for ch in self.source_line.rstrip("\n"))
        stripped = text.lstrip()
        indent = len(text) - len(stripped)
        pad = max(self.col - 1 - indent, 0)
        if len(stripped) > CARET_WIDTH:  # a window around the column, marked with ellipses
            lo = max(0, min(pad - CARET_WIDTH // 2, len(stripped) - CARET_WIDTH))
            shown = stripped[lo: lo + CARET_WIDTH]
            pad -= lo
            if lo > 0:
                shown, pad = "..." + shown, pad + 3
            if lo + CARET_WIDTH < len(stripped):
                shown += "..."
            stripped = shown
        return f"    {stripped}\n    {' ' * pad}^"


class TritonLiftError(Exception):
    """Root of every error tritonlift raises on purpose. `kind` names the class of problem."""

    kind = "error"

    def __init__(self, message: str, loc: SourceLoc | None = None):
        super().__init__(message)
        self.message = message
        self.loc = loc

    def __str__(self) -> str:
        return str(self.diagnostic())

    def __reduce__(self):
        # pickled with its location (the default would rebuild it from the message alone)
        return (_rebuild, (type(self), self.message, self.loc))

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.kind, self.message, self.loc)


def _rebuild(cls: type[TritonLiftError], message: str, loc: SourceLoc | None) -> TritonLiftError:
    err = cls.__new__(cls)
    TritonLiftError.__init__(err, message, loc)
    return err


@dataclass(frozen=True)
class Diagnostic:
    """One user-facing problem as data: `kind` is the error class's kind ("spec error",
    "unsupported", "internal error", ...), `loc` where it is (None when nowhere in particular)."""

    kind: str
    message: str
    loc: SourceLoc | None = None

    def headline(self) -> str:
        """`file:line:col: kind: message` (or `kind: message` without a location)."""
        return f"{self.loc}: {self.kind}: {self.message}" if self.loc else f"{self.kind}: {self.message}"

    def __str__(self) -> str:
        caret = self.loc.caret() if self.loc else ""
        return f"{self.headline()}\n{caret}" if caret else self.headline()

    def to_json(self) -> dict[str, object]:
        loc = self.loc
        return {"kind": self.kind, "message": self.message, "file": loc.file if loc else None,
                "line": loc.line if loc and loc.line > 0 else None,
                "col": loc.col if loc and loc.line > 0 else None}


class SpecError(TritonLiftError):
    """A malformed launch spec: unknown parameter, missing argument, bad expression, bad TOML."""

    kind = "spec error"


class KernelSourceError(TritonLiftError):
    """The kernel cannot be found or its source cannot be parsed."""

    kind = "kernel error"


class Unsupported(TritonLiftError):
    """A construct the symbolic executor does not model (named, with its location)."""

    kind = "unsupported"


class SymexError(TritonLiftError):
    """The kernel did something meaningless under the launch (e.g. a bad shape, a type error)."""

    kind = "execution error"


class LaunchRejected(SymexError):
    """A launch Triton itself rejects (a tile extent that is not a power of two, more than 2**20
    elements in a tile, `other=` without `mask=`, a non-constexpr `tl.arange` bound); the message
    names the rule and, where it depends on them, the sizes."""

    kind = "launch rejected by Triton"


class DslError(TritonLiftError):
    """A formula that does not parse or is ill-formed."""

    kind = "formula error"


class UsageError(TritonLiftError):
    """A bad command-line argument (`--size N=x`, a missing file given on the command line)."""

    kind = "usage error"


class BoundExceeded(Unsupported):
    """The launch is past one of the executor's stated bounds (programs, lanes per tile, tensor
    elements, unrolled iterations, expression or formula depth); the message names the bound."""


class Timeout(TritonLiftError):
    """The wall-clock limit (`--timeout`) ran out; `stage` is where the work was."""

    kind = "timeout"
    stage = ""

    def __init__(self, message: str, loc: SourceLoc | None = None, stage: str = ""):
        super().__init__(message, loc)
        self.stage = stage


def error_class(kind: str) -> type[TritonLiftError]:
    """The exception class of a diagnostic kind (TritonLiftError for a kind of its own)."""
    for cls in (SpecError, KernelSourceError, DslError, UsageError, Unsupported, SymexError, Timeout):
        if cls.kind == kind:
            return cls
    return TritonLiftError
