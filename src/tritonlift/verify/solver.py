"""Solver backends behind one narrow protocol: `check(query) -> Answer`.

- `Z3Backend` is the default.
- `Cvc5Backend` is the second opinion. `Cvc5Backend(fmf=True)` uses finite model finding for
  recursive definitions, which finds counterexamples that default cvc5 answers `unknown` to, and
  loses some proofs (solvers-and-egraphs notes, section 4.1).
- `Portfolio(z3, cvc5, ...)` asks its members in order and stops at the first answer that is not
  `unknown`; `default_backend()` builds z3 then cvc5 then cvc5 with fmf.

Never a hang: with `isolate=True` (the default) a backend runs its solver in a worker process that
is killed at the query's hard deadline (`Limits.kill_after`). Measured here: a trivial query
takes about 2 ms through the worker and 3.5 ms in process (a fresh z3 context per query dominates
both), the 57 lemma-proof queries 0.2 s against 0.33 s, plus one worker spawn of about 65 ms per
backend; so isolation is always on by default. `isolate=False` runs in process, bounded by the
solver's timeout plus a watchdog interrupt for z3 (no guarantee: both can overshoot).

Backends own a process: close them (`close()` or a `with` block); a finalizer kills the worker
if one is forgotten. A long-lived process that proves many specs (a `bench` worker) calls
`keep_default_backend()` once: `prove` then reuses that one portfolio, and its solver processes,
for every spec instead of spawning three per spec. Queries carry their whole text and every run
builds a fresh solver context, so reuse changes no answer.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from . import engines
from .query import Answer, Limits, Query, Status, dump, script, standard_smt2
from .worker import Worker

__all__ = [
    "Answer", "Backend", "Cvc5Backend", "Limits", "Portfolio", "Query", "Status", "Z3Backend",
    "default_backend", "dump", "keep_default_backend", "kept_backend", "script", "standard_smt2",
]


class Backend(Protocol):
    name: str

    def check(self, query: Query) -> Answer: ...

    def close(self) -> None: ...


class _Isolated:
    """Shared machinery: run in a worker process or in process, time it, name it."""

    name = "?"
    engine = "?"
    options: tuple[tuple[str, str], ...] = ()

    def __init__(self, isolate: bool = True) -> None:
        self.isolate = isolate
        self._worker = Worker() if isolate else None

    def check(self, query: Query) -> Answer:
        import time

        t0 = time.perf_counter()
        if self._worker is not None:
            ans = self._worker.ask(self.engine, query, self.options)
        else:
            ans = self._in_process(query)
        return replace(ans, seconds=time.perf_counter() - t0, solver=ans.solver or self.name)

    def _in_process(self, query: Query) -> Answer:  # pragma: no cover - overridden
        raise NotImplementedError

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Z3Backend(_Isolated):
    name = "z3"
    engine = "z3"

    def _in_process(self, query: Query) -> Answer:
        return engines.run_z3(query, interrupt_after=query.limits.kill_after)


class Cvc5Backend(_Isolated):
    engine = "cvc5"

    def __init__(self, isolate: bool = True, fmf: bool = False) -> None:
        super().__init__(isolate)
        self.options = engines.CVC5_FMF if fmf else engines.CVC5_DEFAULT
        self.name = "cvc5[fmf]" if fmf else "cvc5"

    def _in_process(self, query: Query) -> Answer:
        return engines.run_cvc5(query, self.options)


class Portfolio:
    """Ask each member in turn; the first `sat` or `unsat` wins. When every member says
    `unknown`, the answer is `unknown` with every member's reason, and the total time."""

    def __init__(self, *members: Backend) -> None:
        if not members:
            raise ValueError("a portfolio needs at least one backend")
        self.members = members
        self.name = "+".join(m.name for m in members)

    def check(self, query: Query) -> Answer:
        reasons, total = [], 0.0
        for m in self.members:
            ans = m.check(query)
            total += ans.seconds
            if ans.status is not Status.UNKNOWN:
                return replace(ans, seconds=total)
            reasons.append(f"{ans.solver or m.name}: {ans.reason}")
        return Answer(Status.UNKNOWN, "; ".join(reasons), total, solver=self.name)

    def close(self) -> None:
        for m in self.members:
            m.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_KEPT: dict[int, Portfolio] = {}  # process id -> the portfolio that process keeps


def keep_default_backend() -> Portfolio:
    """Make this process keep one default portfolio for every later proof (see the module doc).
    Keyed by process id: a child forked for a deadline (deadline.py) never uses its parent's
    solver processes, whose pipes it would share."""
    import os

    pid = os.getpid()
    if pid not in _KEPT:
        _KEPT[pid] = default_backend()
    return _KEPT[pid]


def kept_backend() -> Portfolio | None:
    """The portfolio this process keeps, or None (then each proof starts and closes its own)."""
    import os

    return _KEPT.get(os.getpid())


def default_backend(isolate: bool = True) -> Portfolio:
    """z3 first; cvc5 (default, then finite model finding) only where z3 says unknown."""
    return Portfolio(Z3Backend(isolate), Cvc5Backend(isolate), Cvc5Backend(isolate, fmf=True))
