"""Queries and answers: the records that cross the solver boundary, and `--dump-smt`.

A query is SMT-LIB2 text (declarations and assertions, no `check-sat`): the one form every solver
reads, that can be dumped and replayed, and that can be shipped to a worker process. Queries are
usually built as z3 expressions and serialised with `Query.from_z3`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

import z3


class Status(Enum):
    """A solver's answer about a verification condition asserted negated: `unsat` proves it,
    `sat` refutes it (with a model), `unknown` establishes nothing (the reason says why)."""

    UNSAT = "unsat"
    SAT = "sat"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Limits:
    """Per-query limits. `seconds` is handed to the solver (soft; solvers overshoot it);
    `rlimit` is z3's deterministic resource limit (0 = none); `seed` fixes the solver's random
    choices so that a query answers the same way every time."""

    seconds: float = 5.0
    rlimit: int = 0
    seed: int = 0

    @property
    def kill_after(self) -> float:
        """The hard wall-clock deadline, after which the worker process is killed."""
        return self.seconds + max(1.0, 0.5 * self.seconds)


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    limits: Limits = field(default_factory=Limits)

    @staticmethod
    def from_z3(name: str, assertions, limits: Limits | None = None) -> Query:
        """Serialise z3 assertions (all from one z3 context) to a query."""
        assertions = list(assertions)
        ctx = assertions[0].ctx if assertions else z3.main_ctx()
        s = z3.Solver(ctx=ctx)
        s.add(*assertions)
        return Query(name, standard_smt2(s.sexpr()), limits or Limits())

    def with_limits(self, limits: Limits) -> Query:
        return replace(self, limits=limits)


@dataclass(frozen=True)
class Answer:
    """What a solver said. `model` holds (symbol, value) pairs as text when the status is sat."""

    status: Status
    reason: str = ""
    seconds: float = 0.0
    model: tuple[tuple[str, str], ...] = ()
    solver: str = ""

    @property
    def proved(self) -> bool:
        return self.status is Status.UNSAT

    def __str__(self) -> str:
        why = f" ({self.reason})" if self.reason else ""
        return f"{self.status.value}{why} [{self.solver}, {self.seconds * 1000:.1f} ms]"


# z3 prints applications of recursive functions as `((_ f 0) x)`: z3-only syntax. The standard
# spelling is `(f x)`; the definition itself is printed as standard `define-funs-rec`.
_REC_APP = re.compile(r"\(\(_ (\|[^|]*\||[^\s()]+) \d+\)")


def standard_smt2(text: str) -> str:
    return _REC_APP.sub(r"(\1", text)


def script(query: Query) -> str:
    """The query as a complete SMT-LIB2 script that any solver can run."""
    lim = query.limits
    head = [
        f"; tritonlift query {query.name}",
        f"; limits: {lim.seconds} s, rlimit {lim.rlimit}, seed {lim.seed}",
        "; unsat means the verification condition holds",
    ]
    return "\n".join(head) + "\n(set-logic ALL)\n" + query.text.rstrip("\n") + "\n(check-sat)\n"


def dump(query: Query, directory: str | Path, name: str | None = None) -> Path:
    """Write the query to `directory/name.smt2` (the `--dump-smt DIR` option) and return the path.
    The name is made file-safe; the directory is created if needed."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", name or query.name).strip("_") or "query"
    path = d / f"{stem}.smt2"
    path.write_text(script(query))
    return path

