"""Stage outputs as frozen records: Formula and LiftResult, with a severity-ordered Status."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from .dsl.printer import to_text
from .dsl.term import Term
from .errors import Diagnostic


def term_json(t: Term) -> dict[str, Any]:
    """The Term tree for programs: {"op", "attrs", "args"} (constants keep their Python type;
    ±inf become the strings "inf"/"-inf")."""
    import math

    attrs = [a if not (isinstance(a, float) and math.isinf(a)) else ("inf" if a > 0 else "-inf") for a in t.attrs]
    return {"op": t.op.name.lower(), "attrs": attrs, "args": [term_json(a) for a in t.args]}


class Status(IntEnum):
    """Severity order: a result never claims more than it established."""

    PROVED = 0  # for every size satisfying the constraints
    BOUNDED = 1  # exactly, for the listed sizes only
    UNKNOWN = 2  # lifted or checked, but neither proved nor refuted
    REFUTED = 3  # a concrete counterexample exists
    UNSUPPORTED = 4  # the kernel uses a construct we do not model, or no formula was found
    ERROR = 5  # bad input or an internal error

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class OutputFormula:
    """`tensor[index_vars] = body` for every index in the tensor's shape."""

    tensor: str
    index_vars: tuple[str, ...]
    body: Term

    def __str__(self) -> str:
        idx = ", ".join(self.index_vars)
        return f"{self.tensor}[{idx}] = {to_text(self.body)}"


@dataclass(frozen=True)
class Formula:
    outputs: tuple[OutputFormula, ...]

    def __str__(self) -> str:
        return "\n".join(str(o) for o in self.outputs)

    def get(self, tensor: str) -> OutputFormula | None:
        return next((o for o in self.outputs if o.tensor == tensor), None)


@dataclass(frozen=True)
class LiftResult:
    launch: str  # launch spec path
    op: str
    ident: str
    kernels: tuple[str, ...]
    status: Status
    formula: Formula | None
    reason: str  # why the status is not PROVED (empty when PROVED)
    seconds: float
    checked_sizes: tuple[dict[str, int], ...] = ()
    findings: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    proof: str = ""  # the verifier's account: obligations with their solver times
    assumptions: tuple[str, ...] = ()  # axioms and lemmas the proof used
    lifted: Formula | None = None  # the formula as the kernel computes it, when `formula` is simplified
    simplification: str = ""  # rules fired, assumed constants, e-graph statistics
    error: Diagnostic | None = None  # the located problem behind an ERROR/UNSUPPORTED status, if any

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.ident, "op": self.op, "kernel": ", ".join(self.kernels), "launch": self.launch,
            "status": str(self.status), "formula": str(self.formula) if self.formula else None,
            "lifted_formula": str(self.lifted) if self.lifted else None,
            "outputs": [{"tensor": o.tensor, "index_vars": list(o.index_vars), "term": term_json(o.body)}
                        for o in self.formula.outputs] if self.formula else [],
            "seconds": round(self.seconds, 3), "reason": self.reason,
            "checked_sizes": [dict(s) for s in self.checked_sizes], "findings": list(self.findings),
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
            "assumptions": list(self.assumptions),
            "error": self.error.to_json() if self.error else None,
        }
