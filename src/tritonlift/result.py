"""Every result record, data only: what a stage established, never how it is printed.

    Status            severity-ordered outcome of lift/check/bench rows
    Finding           a bug found in the kernel (race, out-of-bounds, ...) or a note, located
    Obligation        one proof obligation and the solver's answer (ObligationStatus)
    Counterexample    inputs at sizes where kernel and formula differ
    Verdict           the prover's account: obligations, lemmas used, counterexample, findings
    Coverage          what a claim covers: sizes, blocks, configurations, checked sizes
    Assumptions       the semantics and trusted facts a claim rests on
    SimplifyReport    what the simplifier did (rules, assumed constants, e-graph run)
    LiftResult        `tritonlift lift`;  CheckResult (+ OutputVerdict) `tritonlift check`
    BenchRow, Summary, BenchReport   `tritonlift bench`

Renderers (`render/`) are functions of these records. `to_json()` is the record's own plain-data
form, versioned by SCHEMA_VERSION and documented in docs/json.md; `lift --json` and
`check --json` share one shape (`result_json`).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from .dsl.printer import to_text
from .dsl.term import Term
from .errors import Diagnostic, SourceLoc

# 2: records (verdict with obligations, findings, coverage, assumptions, simplification);
#    lift and check share one shape. 1 (unversioned): the flat form of earlier versions.
SCHEMA_VERSION = 2


def term_json(t: Term) -> dict[str, Any]:
    """The Term tree for programs: {"op", "attrs", "args"} (constants keep their Python type;
    ±inf become the strings "inf"/"-inf")."""
    attrs = [a if not (isinstance(a, float) and math.isinf(a)) else ("inf" if a > 0 else "-inf") for a in t.attrs]
    return {"op": t.op.name.lower(), "attrs": attrs, "args": [term_json(a) for a in t.args]}


def sizes_text(s: Mapping[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in s.items()) or "(no sizes)"


class Status(IntEnum):
    """Severity order: a result never claims more than it established."""

    PROVED = 0  # for every size satisfying the constraints
    BOUNDED = 1  # exactly, for the listed sizes only
    UNKNOWN = 2  # lifted or checked, but neither proved nor refuted
    REFUTED = 3  # a concrete counterexample exists
    FINDINGS = 4  # a bug found in the kernel: a race, an out-of-bounds access, a read of unwritten memory, ...
    UNSUPPORTED = 5  # the kernel uses a construct we do not model, or no formula was found
    ERROR = 6  # bad input or an internal error

    def __str__(self) -> str:
        return self.name


# -- findings --------------------------------------------------------------------------------------

class FindingKind(StrEnum):
    OOB = "oob"  # a load or store outside its tensor
    RACE = "race"  # two programs (or two lanes) write different values to one address
    UNINIT = "uninit"  # a read of memory nothing wrote
    OVERFLOW = "overflow"  # an integer leaves its dtype's range
    LAUNCH = "launch"  # a launch Triton rejects (a tile extent that is not a power of two, ...)
    GATHER = "gather"  # note: a data-dependent index assumed in bounds
    NOTE = "note"  # anything else worth saying, not a bug


BUG_KINDS = frozenset({FindingKind.OOB, FindingKind.RACE, FindingKind.UNINIT, FindingKind.OVERFLOW,
                       FindingKind.LAUNCH})


@dataclass(frozen=True)
class Finding:
    """Something found in the kernel: `kind` (a bug for BUG_KINDS), where (`loc`, the statement),
    which program (its ids, when one), at which sizes (empty when for every size or unknown)."""

    kind: FindingKind
    message: str
    loc: SourceLoc | None = None
    program: tuple[int, ...] = ()
    sizes: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", FindingKind(self.kind))

    @property
    def bug(self) -> bool:
        return self.kind in BUG_KINDS

    @property
    def location(self) -> str:
        return str(self.loc) if self.loc else ""

    def key(self) -> tuple[str, str]:
        """One finding of a kind per statement (deduplication across programs and runs)."""
        return (self.kind, self.location or self.message)

    def text(self, sizes: bool = True) -> str:
        """`file:line:col: race: programs 0 and 1 write ... (program (1, 0, 0)) at M=6, G=3`."""
        where = f"{self.loc}: " if self.loc else ""
        pid = f" (program {self.program})" if self.program else ""
        at = f" at {sizes_text(self.sizes)}" if sizes and self.sizes else ""
        return f"{where}{self.kind}: {self.message}{pid}{at}"

    def __str__(self) -> str:
        return self.text()

    def to_json(self) -> dict[str, Any]:
        loc = self.loc
        return {"kind": str(self.kind), "bug": self.bug, "message": self.message, "location": self.location or None,
                "file": loc.file if loc else None, "line": loc.line if loc and loc.line > 0 else None,
                "col": loc.col if loc and loc.line > 0 else None, "program": list(self.program),
                "sizes": dict(self.sizes)}


def merge_findings(found: Iterable[Finding]) -> tuple[Finding, ...]:
    """One finding per kind and statement, the first seen kept (the smallest sizes, when the
    caller orders runs so); bugs before notes."""
    seen: dict[tuple[str, str], Finding] = {}
    for f in found:
        seen.setdefault(f.key(), f)
    return tuple(sorted(seen.values(), key=lambda f: (not f.bug, f.location, f.kind, f.message)))


# -- the prover's account ---------------------------------------------------------------------------

class ObligationStatus(StrEnum):
    PROVED = "proved"  # the solver said unsat
    DERIVED = "derived"  # follows from other obligations, no query
    FAILED = "failed"  # the solver found a model (sat): not yet a counterexample
    UNKNOWN = "unknown"  # the solver gave up, or the obligation could not be stated


@dataclass(frozen=True)
class Obligation:
    """One obligation and what the solver said (`answer`, with the solver's name), its model
    when it failed, the source location it is about."""

    name: str
    kind: str
    status: ObligationStatus
    seconds: float = 0.0
    answer: str = ""
    model: tuple[tuple[str, str], ...] = ()
    location: str = ""
    finding: str = ""  # a problem to report even when proved (an integer overflow past some size)
    covers: str = ""  # a restriction of what the proof covers ("`pid * B` stays within int32")

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", ObligationStatus(self.status))

    @property
    def proved(self) -> bool:
        return self.status in (ObligationStatus.PROVED, ObligationStatus.DERIVED)

    def __str__(self) -> str:
        where = f" ({self.location})" if self.location else ""
        return f"{self.kind} {self.name}{where}: {self.status} [{self.seconds * 1000:.1f} ms] {self.answer}".rstrip()

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "status": str(self.status), "seconds": round(self.seconds, 4),
                "answer": self.answer, "location": self.location or None,
                "model": {k: v for k, v in self.model} if self.status is ObligationStatus.FAILED else None}


@dataclass(frozen=True)
class Counterexample:
    """One output element at one size whose kernel value and formula value differ on these
    inputs. `inputs`: every input tensor (in and inout) as nested lists over its logical shape;
    `kernel_value` is None when the kernel never writes the element."""

    sizes: dict[str, int]
    choice: dict[str, int]
    tensor: str
    index: tuple[int, ...]
    inputs: dict[str, Any]
    reals: dict[str, float]
    kernel_value: float | None
    formula_value: float
    found_by: str
    # the programs (x, y, z) executed to get the kernel's value when the launch was too large to
    # run whole (a solver model replayed at its sizes); () when every program ran
    programs: tuple[tuple[int, ...], ...] = ()
    # the kernel's value depends on an unspecified value (a read outside a tensor, a masked-out
    # lane without other=): the number it was taken as; None when it does not
    undef_value: float | None = None
    reverse_order: bool = False  # the kernel's value with its programs run last to first (a race)

    def arrays(self) -> dict[str, Any]:
        """The inputs as numpy arrays (float64 for floats, int64 for ints, bool for bools)."""
        import numpy as np

        return {k: np.asarray(v) for k, v in self.inputs.items()}

    def to_json(self) -> dict[str, Any]:
        return {
            "sizes": dict(self.sizes), "autotune_choice": dict(self.choice), "tensor": self.tensor,
            "index": list(self.index), "inputs": dict(self.inputs), "reals": dict(self.reals),
            "kernel_value": self.kernel_value, "formula_value": self.formula_value, "found_by": self.found_by,
            "programs": [list(p) for p in self.programs], "unspecified_value": self.undef_value,
            "program_order": "reverse" if self.reverse_order else "launch",
        }


@dataclass(frozen=True)
class Verdict:
    """The unbounded tier's answer: PROVED when every obligation is proved for every
    configuration; otherwise why not (`message`, `location`), with a replayed counterexample
    (REFUTED) or the findings (FINDINGS) behind it."""

    status: Status
    message: str
    obligations: tuple[Obligation, ...] = ()
    assumptions: tuple[str, ...] = ()  # axioms, lemmas and size-model notes the proof used
    location: str = ""
    counterexample: Counterexample | None = None
    seconds: float = 0.0
    findings: tuple[Finding, ...] = ()

    @property
    def failed(self) -> Obligation | None:
        return next((o for o in self.obligations if not o.proved), None)

    @property
    def covers(self) -> tuple[str, ...]:
        """Restrictions of what a PROVED verdict covers, from its obligations, once each."""
        return tuple(dict.fromkeys(o.covers for o in self.obligations if o.covers))

    def all_findings(self) -> tuple[Finding, ...]:
        """`findings` and the problems obligations report (an integer overflow past some size),
        as records located at the obligation's source position."""
        extra = [Finding(FindingKind.OVERFLOW, o.finding, _parse_loc(o.location)) for o in self.obligations if o.finding]
        return merge_findings([*self.findings, *extra])

    def to_json(self) -> dict[str, Any]:
        return {
            "status": str(self.status), "message": self.message, "location": self.location or None,
            "seconds": round(self.seconds, 4), "assumptions": list(self.assumptions),
            "obligations": [o.to_json() for o in self.obligations],
            "counterexample": self.counterexample.to_json() if self.counterexample else None,
            "findings": [f.to_json() for f in self.all_findings()], "covers": list(self.covers),
        }

    def explain(self) -> str:
        lines = [f"{self.status}: {self.message}" if self.message else str(self.status)]
        lines += [f"  {o}" for o in self.obligations]
        if self.assumptions:
            lines.append("  assumptions: " + "; ".join(self.assumptions))
        return "\n".join(lines)


def _parse_loc(text: str) -> SourceLoc | None:
    """`file:line:col` (as obligations record it) back into a SourceLoc."""
    if not text:
        return None
    parts = text.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return SourceLoc(parts[0], int(parts[1]), int(parts[2]))
    return SourceLoc(text)


# -- what a claim covers and rests on ------------------------------------------------------------------

@dataclass(frozen=True)
class Coverage:
    """What a claim covers, in the launch spec's words: every size with its constraints, block
    sizes given as expressions of sizes, autotune configurations, and the sizes checked exactly
    by execution. `conditions`: further limits a proof needs (e.g. no int32 overflow)."""

    sizes: tuple[str, ...] = ()  # one per size symbol: "N ≥ 1, N % 16 == 0"
    constraints: tuple[str, ...] = ()  # the spec's [constraints]
    blocks: tuple[str, ...] = ()  # "BLOCK = next_power_of_2(N)"
    configurations: tuple[str, ...] = ()  # "BLOCK ∈ {64, 128}"
    n_configurations: int = 1
    checked: tuple[Mapping[str, int], ...] = ()
    conditions: tuple[str, ...] = ()

    def lines(self) -> tuple[str, ...]:
        """The claim's scope as the text renderers print it (`proved for: ...`)."""
        out = ["all sizes " + ", ".join(self.sizes)] if self.sizes else []
        out += [*self.constraints, *self.configurations, *self.blocks]
        if self.n_configurations > 1:
            out.append(f"every one of the {self.n_configurations} autotune configurations")
        out += self.conditions
        return tuple(out)

    def to_json(self) -> dict[str, Any]:
        return {"sizes": list(self.sizes), "constraints": list(self.constraints), "blocks": list(self.blocks),
                "configurations": list(self.configurations), "n_configurations": self.n_configurations,
                "checked_sizes": [dict(s) for s in self.checked], "conditions": list(self.conditions)}


SEMANTICS = ("real arithmetic; exp, log, sqrt, ... as functions on ℝ; ±inf only as constants",
             "NaN and integer wrap-around not modelled")


@dataclass(frozen=True)
class Assumptions:
    """What a claim rests on: the semantics of the formula language, the spec's size
    constraints and data ranges (preconditions), the axioms and lemmas the proof used, and
    literals the simplifier read as named constants. `tritonlift assumptions` prints the text
    of every axiom and lemma."""

    semantics: tuple[str, ...] = SEMANTICS
    sizes: tuple[str, ...] = ()
    data: tuple[str, ...] = ()  # "t ∈ [0, N)" for int inputs with a range; real constraints ("eps > 0")
    lemmas: tuple[str, ...] = ()  # axioms, lemmas, size-model notes
    constants: tuple[str, ...] = ()  # "1.4426950408889634 read as log₂(e)"

    def trusted(self) -> tuple[str, ...]:
        """The proof's lemmas and the simplifier's assumed constants: what `assumptions:` lists."""
        return (*self.lemmas, *self.constants)

    def to_json(self) -> dict[str, Any]:
        return {"semantics": list(self.semantics), "sizes": list(self.sizes), "data": list(self.data),
                "lemmas": list(self.lemmas), "constants": list(self.constants)}


@dataclass(frozen=True)
class SimplifyReport:
    """What the simplifier did: whether the formula changed and was checked equal, the rules
    that fired (table order), literals read as constants, why the lifted form was kept."""

    changed: bool
    checked: bool
    rules: tuple[str, ...] = ()
    constants: tuple[str, ...] = ()
    reason: str = ""
    egraph: str = ""  # "12 iterations, 340 e-nodes, saturated"
    seconds: float = 0.0
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()

    def explain(self) -> str:
        lines = [f"before: {b}" for b in self.before]
        lines += [f"after:  {a}" for a in self.after] if self.changed else \
            [f"after:  unchanged{f' ({self.reason})' if self.reason else ''}"]
        if self.rules:
            lines.append("rules: " + ", ".join(self.rules))
        lines += [f"assumption: {c}" for c in self.constants]
        if self.egraph:
            lines.append(f"e-graph: {self.egraph}; {self.seconds:.3f} s")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {"changed": self.changed, "checked": self.checked, "rules": list(self.rules),
                "constants": list(self.constants), "reason": self.reason, "egraph": self.egraph,
                "seconds": round(self.seconds, 4)}


# -- formulas ----------------------------------------------------------------------------------------

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


# -- lift and check -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LiftResult:
    launch: str  # launch spec path
    op: str
    ident: str
    kernels: tuple[str, ...]
    status: Status
    formula: Formula | None
    reason: str  # why the status is not PROVED, in one line (empty when PROVED)
    seconds: float
    checked_sizes: tuple[dict[str, int], ...] = ()
    findings: tuple[Finding, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    verdict: Verdict | None = None  # the prover's account (None when it did not run)
    assumptions: Assumptions = field(default_factory=Assumptions)
    lifted: Formula | None = None  # the formula as the kernel computes it, when `formula` is simplified
    simplification: SimplifyReport | None = None
    error: Diagnostic | None = None  # the located problem behind an ERROR/UNSUPPORTED status, if any
    coverage: Coverage | None = None  # what a PROVED claim covers
    location: str = ""  # `file:line` of the (last launch's) kernel definition

    @property
    def proof(self) -> str:
        """The verifier's account as text: obligations with their solver times."""
        return self.verdict.explain() if self.verdict else ""

    @property
    def covers(self) -> tuple[str, ...]:
        return self.coverage.lines() if self.coverage else ()

    @property
    def bugs(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.bug)

    def to_json(self) -> dict[str, Any]:
        return result_json(self, "lift")


@dataclass(frozen=True)
class OutputVerdict:
    """The verdict for one output tensor of the formula; `detail` says why when not BOUNDED."""

    tensor: str
    status: Status
    detail: str = ""


@dataclass(frozen=True)
class CheckResult:
    launch: str  # launch spec path
    op: str
    ident: str
    kernels: tuple[str, ...]
    location: str  # `file:line` of the kernel's definition (the last launch's kernel)
    status: Status
    formula: Formula | None
    outputs: tuple[OutputVerdict, ...]
    counterexample: Counterexample | None
    reason: str
    seconds: float
    checked_sizes: tuple[dict[str, int], ...] = ()
    findings: tuple[Finding, ...] = ()
    unstated: tuple[str, ...] = ()  # outputs of the kernel the formula does not state (not checked)
    error: Diagnostic | None = None  # the located problem behind an ERROR/UNSUPPORTED status, if any
    verdict: Verdict | None = None
    coverage: Coverage | None = None
    assumptions: Assumptions = field(default_factory=Assumptions)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def bugs(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.bug)

    def to_json(self) -> dict[str, Any]:
        return result_json(self, "check")


def result_json(r: LiftResult | CheckResult, command: str) -> dict[str, Any]:
    """The JSON record of `lift` and `check`: one shape for both (docs/json.md); a key a command
    has nothing for is null or empty."""
    from .exitcodes import for_status

    lift = r if isinstance(r, LiftResult) else None
    chk = r if isinstance(r, CheckResult) else None
    per_output = {v.tensor: v for v in chk.outputs} if chk else {}
    outputs = []
    for o in r.formula.outputs if r.formula else ():
        v = per_output.get(o.tensor)
        outputs.append({"tensor": o.tensor, "index_vars": list(o.index_vars), "formula": str(o),
                        "term": term_json(o.body), "status": str(v.status if v else r.status),
                        "detail": v.detail if v else ""})
    cex = chk.counterexample if chk else (r.verdict.counterexample if r.verdict else None)
    return {
        "schema_version": SCHEMA_VERSION, "command": command,
        "id": r.ident, "op": r.op, "kernel": ", ".join(r.kernels), "kernels": list(r.kernels), "launch": r.launch,
        "location": r.location or None, "status": str(r.status),
        "exit_code": int(for_status(r.status, r.error.kind if r.error else None)),
        "reason": r.reason, "seconds": round(r.seconds, 3),
        "formula": str(r.formula) if r.formula else None,
        "lifted_formula": str(lift.lifted) if lift and lift.lifted else None,
        "outputs": outputs,
        "unstated_outputs": list(chk.unstated) if chk else [],
        "checked_sizes": [dict(s) for s in r.checked_sizes],
        "findings": [f.to_json() for f in r.findings],
        "counterexample": cex.to_json() if cex else None,
        "verdict": r.verdict.to_json() if r.verdict else None,
        "coverage": r.coverage.to_json() if r.coverage else None,
        "assumptions": r.assumptions.to_json(),
        "simplification": lift.simplification.to_json() if lift and lift.simplification else None,
        "timings": {k: round(v, 4) for k, v in r.timings.items()},
        "error": r.error.to_json() if r.error else None,
    }


# -- bench ----------------------------------------------------------------------------------------------

LIFTED = Status.BOUNDED  # a benchmark item is "lifted" at this status or better
# a spec whose file name holds one of these is a variant of its item, not the primary: .small: blocks
# scaled down; .host: the host's blocks where the primary cannot use them yet
VARIANT_MARKERS = (".scalar.", ".loop.", ".small.", ".host.")


@dataclass(frozen=True)
class BenchRow:
    """One launch spec's result, as plain data (it crosses the worker's pipe; Terms do not)."""

    launch: str
    id: str
    op: str
    kernel: str
    status: Status
    formula: str | None  # the DSL text form (parses back), one line per output
    pretty: str | None  # Unicode index notation, one `t[i] = body` per output, joined by "; "
    seconds: float
    reason: str  # why the status is not PROVED ("" when PROVED)
    primary: bool
    findings: tuple[Finding, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "op": self.op, "kernel": self.kernel, "launch": self.launch, "status": str(self.status),
                "formula": self.formula, "seconds": round(self.seconds, 3), "reason": self.reason,
                "primary": self.primary, "findings": [f.to_json() for f in self.findings]}


@dataclass(frozen=True)
class Summary:
    total: int
    by_status: dict[str, int]  # every status, in severity order, zeros included
    median_seconds: float
    max_seconds: float
    items: int
    items_lifted: int  # items whose deciding specs all reach BOUNDED or better
    items_proved: int = 0  # items whose deciding specs are all PROVED
    items_with_findings: int = 0  # items where some spec has a bug finding

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "by_status": dict(self.by_status),
                "median_seconds": round(self.median_seconds, 3), "max_seconds": round(self.max_seconds, 3),
                "items": self.items, "items_lifted": self.items_lifted, "items_proved": self.items_proved,
                "items_with_findings": self.items_with_findings}


def summarize(rows: Iterable[BenchRow]) -> Summary:
    rows = list(rows)
    by_status = {str(s): sum(1 for r in rows if r.status is s) for s in Status}
    secs = [r.seconds for r in rows]
    items: dict[str, list[BenchRow]] = {}
    for r in rows:
        items.setdefault(r.id, []).append(r)
    lifted = proved = buggy = 0
    for group in items.values():
        deciding = [r for r in group if r.primary] or group
        lifted += all(r.status <= LIFTED for r in deciding)
        proved += all(r.status is Status.PROVED for r in deciding)
        buggy += any(f.bug for r in group for f in r.findings)
    return Summary(len(rows), by_status, statistics.median(secs) if secs else 0.0, max(secs, default=0.0),
                   len(items), lifted, proved, buggy)


@dataclass(frozen=True)
class BenchReport:
    rows: tuple[BenchRow, ...]
    wall_seconds: float  # the whole run, worker start-up included
    strategy: str

    @property
    def summary(self) -> Summary:
        return summarize(self.rows)

    def to_json(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, "results": [r.to_json() for r in self.rows],
                "summary": self.summary.to_json()}
