"""The corpus runner behind `tritonlift bench`: lift every launch spec of a folder, one row each,
and summarise per spec and per benchmark item.

A benchmark item is the set of specs sharing a top-level `id` (the file stem when there is none).
Its *primary* spec is the file without `.scalar.` / `.loop.` in its name; the other files are
variants (a scalar function's fast path, a loop branch). An item counts as lifted when its primary
spec reaches BOUNDED or better; an item run without its primary is decided by all of its specs.

Each lift runs in one long-lived worker process (spawned, so it shares no threads or locks with
the progress display) and is given a wall-clock limit; a worker that overruns is killed, the row
becomes ERROR "timeout after N s", and a fresh worker takes the next spec. Spawning costs the
imports once (~0.3 s), not per spec. With no timeout the specs are lifted in this process.

No torch or triton here: this module is the core's runner, not interpreter tooling.
"""

from __future__ import annotations

import queue
import signal
import sys
import threading
import time
import tomllib
import traceback
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from ..errors import TritonLiftError
from ..options import Options
from ..result import (  # noqa: F401 - re-exported (tests, tools)
    LIFTED,
    VARIANT_MARKERS,
    BenchReport,
    BenchRow,
    LiftResult,
    Status,
    Summary,
    summarize,
)
from ..workerproc import WorkerProcess

# TOML files that live beside the launch specs but are not specs (the CI floor).
NOT_LAUNCH_SPECS = frozenset({"FLOOR.toml"})


# -- which files, which items ------------------------------------------------------------------

def is_primary(path: str | Path) -> bool:
    name = Path(path).name
    return not any(m in name for m in VARIANT_MARKERS)


def launch_specs(folder_or_files: str | Path | Iterable[str | Path], primary_only: bool = False) -> list[Path]:
    """The launch specs to run: each folder's `*.toml` (sorted, not recursive, FLOOR.toml left
    out) and each file given, in the order given, without duplicates. A path that does not exist
    is an error (a spec that exists but does not load is an ERROR row instead)."""
    given = [folder_or_files] if isinstance(folder_or_files, str | Path) else list(folder_or_files)
    out: list[Path] = []
    for g in given:
        p = Path(g)
        if not p.exists():
            raise TritonLiftError(f"bench: {p}: no such launch spec or folder")
        found = sorted(q for q in p.glob("*.toml") if q.name not in NOT_LAUNCH_SPECS) if p.is_dir() else [p]
        out += [q for q in found if q not in out and (is_primary(q) or not primary_only)]
    return out


def spec_meta(path: Path) -> tuple[str, str, str]:
    """(id, op, kernel) read straight from the TOML, so rows are grouped and labelled even when
    the spec fails to load or its lift is killed."""
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return path.stem, "", ""
    steps = data.get("launch") if isinstance(data.get("launch"), list) else [data]
    kernels = [str(st.get("kernel", "")) for st in steps if isinstance(st, dict)]
    return str(data.get("id", path.stem)), str(data.get("op", "")), ", ".join(k for k in kernels if k)


# -- one spec ----------------------------------------------------------------------------------

def row_of(path: Path, result: LiftResult, seconds: float | None = None) -> BenchRow:
    """The bench row of a result; `seconds`, when given, is the whole lift (simplification too)."""
    from ..render.unicode import to_unicode

    ident, op, kernel = spec_meta(path)
    formula = pretty = None
    if result.formula is not None:
        formula = str(result.formula)
        pretty = "; ".join(f"{o.tensor}[{', '.join(o.index_vars)}] = {to_unicode(o.body)}"
                           for o in result.formula.outputs)
    return BenchRow(str(path), ident, result.op or op, ", ".join(result.kernels) or kernel, result.status,
                    formula, pretty, result.seconds if seconds is None else seconds, result.reason, is_primary(path),
                    result.findings)


def failed_row(path: Path, reason: str, seconds: float) -> BenchRow:
    ident, op, kernel = spec_meta(path)
    return BenchRow(str(path), ident, op, kernel, Status.ERROR, None, None, seconds, reason, is_primary(path))


def lift_row(path: Path, opts: Options) -> BenchRow:
    """Lift one spec; an exception the pipeline lets through becomes an ERROR row, so one bad
    item never stops the run (its traceback goes to stderr under `--debug`)."""
    from ..pipeline import lift

    t0 = time.monotonic()
    try:
        result = lift(path, opts)
        return row_of(path, result, time.monotonic() - t0)
    except Exception as e:  # the pipeline's own failures are already statuses; this is a bug
        if opts.debug:
            traceback.print_exc()
        return failed_row(path, f"internal error: {type(e).__name__}: {e}", time.monotonic() - t0)


# -- the worker --------------------------------------------------------------------------------

def _worker_main(conn) -> None:
    # Ctrl-C reaches the whole process group; the parent decides, and kills this worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _keep_per_worker()
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        path, opts = job
        conn.send(lift_row(path, opts))


def _keep_per_worker() -> None:
    """What a worker builds once and reuses for every spec it lifts: the solver processes."""
    from ..verify.solver import keep_default_backend

    keep_default_backend()


class Worker:
    """One spawned process lifting specs on request; `run` kills it when a spec overruns."""

    def __init__(self) -> None:
        self._proc = WorkerProcess(_worker_main, name="tritonlift-bench-worker")

    def run(self, path: Path, opts: Options, timeout: float) -> BenchRow:
        t0 = time.monotonic()
        self._proc.send((path, opts))
        try:
            if self._proc.poll(timeout):
                return self._proc.recv()
        except (EOFError, OSError):
            code = self._proc.exit_code()
            self.close(force=True)
            return failed_row(path, f"internal error: the worker process died (exit code {code})",
                              time.monotonic() - t0)
        self.close(force=True)
        return failed_row(path, f"timeout after {timeout:g} s", time.monotonic() - t0)

    def close(self, force: bool = False) -> None:
        """Stop the worker: killed at once when `force` (it is busy), otherwise asked to exit and
        killed only if it has not within a second."""
        self._proc.stop(force)


# -- the run -----------------------------------------------------------------------------------

@contextmanager
def _progress(total: int, enabled: bool) -> Iterator:
    """Yields `step(path, row_or_None)`: called before a spec (row None) and after it. A rich bar
    on a terminal, one line per spec on stderr otherwise."""
    if not enabled:
        yield lambda path, row: None
        return
    if sys.stdout.isatty():
        import rich.progress as rp

        with rp.Progress(rp.TextColumn("[bold]bench"), rp.BarColumn(), rp.MofNCompleteColumn(),
                         rp.TimeElapsedColumn(), rp.TextColumn("{task.description}"), transient=True) as bar:
            task = bar.add_task("", total=total)

            def step(path: Path, row: BenchRow | None) -> None:
                if row is None:
                    bar.update(task, description=path.name)
                else:
                    bar.advance(task)

            yield step
        return
    done = [0]

    def plain(path: Path, row: BenchRow | None) -> None:
        if row is not None:
            done[0] += 1
            print(f"[{done[0]:>{len(str(total))}}/{total}] {path.name}  {row.status}  {row.seconds:.2f} s",
                  file=sys.stderr, flush=True)

    yield plain


def run_bench(folder_or_files: str | Path | Iterable[str | Path], opts: Options | None = None,
              progress: bool = True, timeout: float | None = 60.0, primary_only: bool = False,
              jobs: int = 1) -> BenchReport:
    """Lift every launch spec of `folder_or_files` (see `launch_specs`), each under a wall-clock
    limit of `timeout` seconds (None or <= 0: no limit, lifted in this process, one at a time),
    on `jobs` worker processes at once (each kept for many specs); rows in the specs' order."""
    opts = opts or Options()
    given = [folder_or_files] if isinstance(folder_or_files, str | Path) else list(folder_or_files)
    paths = launch_specs(given, primary_only)
    if not paths:
        where = ", ".join(map(str, given))
        raise TritonLiftError(f"bench: no launch specs (*.toml) in {where}")
    t0 = time.monotonic()
    if not timeout or timeout <= 0:
        jobs = 1
    idle: queue.Queue[Worker | None] = queue.Queue()
    for _ in range(max(1, jobs)):
        idle.put(Worker() if timeout and timeout > 0 else None)
    lock = threading.Lock()

    def one(p: Path, step) -> BenchRow:
        worker = idle.get()
        try:
            with lock:
                step(p, None)
            row = worker.run(p, opts, timeout) if worker else lift_row(p, opts)
            with lock:
                step(p, row)
            return row
        finally:
            idle.put(worker)

    try:
        with _progress(len(paths), progress) as step, ThreadPoolExecutor(max(1, jobs)) as pool:
            rows = list(pool.map(lambda p: one(p, step), paths))
    finally:
        while not idle.empty():
            w = idle.get()
            if w:
                w.close()
    return BenchReport(tuple(rows), time.monotonic() - t0, opts.strategy)
