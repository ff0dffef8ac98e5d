"""The sweep runner: every selected operator in its own worker process (`sweep/worker.py`),
`jobs` at a time, each killed past `op_timeout` seconds; results are whole JSON files under
OUT/ops/, so an interrupted sweep resumes where it stopped (operators with a result are skipped
unless `redo`). The report (JSON and HTML) is rewritten after every operator."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .table import SweepCall, calls


@dataclass
class SweepOptions:
    out: Path
    libraries: list[str]
    only: list[str]
    jobs: int = 1
    op_timeout: float = 300.0
    max_size: int = 1025
    cache_dir: Path = Path(".tritonlift_cache/flaggems-5.0.2")
    redo: bool = False
    limit: int | None = None


def select(opts: SweepOptions) -> list[SweepCall]:
    chosen = calls(opts.libraries)
    if opts.only:
        chosen = [c for c in chosen if any(o == c.name or o == c.key or o in c.key for o in opts.only)]
    return chosen[: opts.limit] if opts.limit else chosen


def run_sweep(opts: SweepOptions, log=print) -> dict:
    from .report import write_report
    from .worker import _record, result_path

    opts.out.mkdir(parents=True, exist_ok=True)
    todo = [c for c in select(opts) if opts.redo or not result_path(opts.out, c).exists()]
    log(f"sweep: {len(todo)} operators to run ({len(select(opts)) - len(todo)} already done) in {opts.out}, "
        f"{opts.jobs} at a time, {opts.op_timeout:.0f} s each at most")
    running: dict[str, tuple[subprocess.Popen, SweepCall, float]] = {}
    t0 = time.monotonic()
    env = {**os.environ, "TRITON_INTERPRET": "1"}
    pending = list(todo)
    done = 0
    try:
        while pending or running:
            while pending and len(running) < max(1, opts.jobs):
                c = pending.pop(0)
                cmd = [sys.executable, "-m", "tritonlift.sweep.worker", str(opts.out), c.library, c.name,
                       "--cache-dir", str(opts.cache_dir), "--max-size", str(opts.max_size),
                       "--timeout", str(opts.op_timeout * 0.9)]
                log_file = open(opts.out / "ops" / f"{c.key}.log", "w") if (opts.out / "ops").exists() else None
                if log_file is None:
                    (opts.out / "ops").mkdir(parents=True, exist_ok=True)
                    log_file = open(opts.out / "ops" / f"{c.key}.log", "w")
                proc = subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT, env=env, start_new_session=True)
                log_file.close()
                running[c.key] = (proc, c, time.monotonic())
            time.sleep(0.5)
            for key, (proc, c, start) in list(running.items()):
                elapsed = time.monotonic() - start
                if proc.poll() is None and elapsed < opts.op_timeout:
                    continue
                if proc.poll() is None:  # past the limit: the worker and its children (solvers) go
                    _kill(proc)
                    rec = _record(c)
                    rec["status"], rec["reason"] = "UNKNOWN", f"time limit of {opts.op_timeout:.0f} s reached"
                    rec["seconds"] = {"total": round(elapsed, 2)}
                    result_path(opts.out, c).write_text(json.dumps(rec, indent=1))
                elif not result_path(opts.out, c).exists():
                    rec = _record(c)
                    tail = [ln for ln in (opts.out / "ops" / f"{c.key}.log").read_text(errors="replace").splitlines()
                            if ln.strip()][-1:]
                    rec["status"], rec["reason"] = "ERROR", (f"the worker process died (exit code {proc.returncode}) in "
                                                            f"the host call or the interpreter: {' '.join(tail)}")
                    result_path(opts.out, c).write_text(json.dumps(rec, indent=1))
                del running[key]
                done += 1
                status = json.loads(result_path(opts.out, c).read_text())["status"]
                log(f"[{done}/{len(todo)}] {c.key}: {status} ({elapsed:.0f} s)")
                write_report(opts.out, select(opts), wall=time.monotonic() - t0)
    except KeyboardInterrupt:
        for proc, _, _ in running.values():
            _kill(proc)
        raise
    return write_report(opts.out, select(opts), wall=time.monotonic() - t0)


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the worker's own session: it and the solvers it started
    except ProcessLookupError:
        pass
    proc.wait()
