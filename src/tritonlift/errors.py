"""The one exception root of tritonlift, and source locations for user-facing errors.

Every error a user can cause (a bad launch spec, an unsupported construct, a syntax error in a
kernel) is a `TritonLiftError` carrying where it happened. `cli.main` prints `str(err)`: one
`file:line:col: error: message` line, then the source line and a caret when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass


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
        text = self.source_line.rstrip("\n")
        stripped = text.lstrip()
        indent = len(text) - len(stripped)
        pad = max(self.col - 1 - indent, 0)
        return f"    {stripped}\n    {' ' * pad}^"


class TritonLiftError(Exception):
    """Root of every error tritonlift raises on purpose. `kind` names the class of problem."""

    kind = "error"

    def __init__(self, message: str, loc: SourceLoc | None = None):
        super().__init__(message)
        self.message = message
        self.loc = loc

    def __str__(self) -> str:
        head = f"{self.loc}: {self.kind}: {self.message}" if self.loc else f"{self.kind}: {self.message}"
        caret = self.loc.caret() if self.loc else ""
        return f"{head}\n{caret}" if caret else head


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


class DslError(TritonLiftError):
    """A formula that does not parse or is ill-formed."""

    kind = "formula error"
