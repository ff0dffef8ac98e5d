"""A small pool of long-lived worker processes with a wall-clock limit per task.

Each worker is a spawned process (`workerproc.WorkerProcess`, shared with `bench`) with ``TRITON_INTERPRET=1`` and the repository root on
``sys.path`` (kernels of tests/kernels import ``tests.kernels...``). A task is a stage name of
`judge.STAGES` and its arguments; the parent sends it through a pipe and waits. A worker that
overruns its task's limit, or dies, is killed (by its own process handle) and replaced; the task's
result is then ``{"status": "TIMEOUT"}`` or ``{"status": "CRASH"}``. Workers are recycled after
`RECYCLE` tasks (the interpreter's imported kernel modules and sys.path entries accumulate).
"""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any

from ..workerproc import WorkerProcess

RECYCLE = 25


def _worker(conn, root: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ["TRITON_INTERPRET"] = "1"
    if root not in sys.path:
        sys.path.insert(0, root)
    from .judge import run_stage

    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        name, args = task
        try:
            result = run_stage(name, *args)
        except BaseException as e:  # reported as the task's result; the worker carries on
            result = {"status": "CRASH", "reason": f"{type(e).__name__}: {e}"[:300],
                      "traceback": traceback.format_exc()[-2000:]}
        try:
            conn.send(result)
        except (BrokenPipeError, OSError):
            return


@dataclass
class _Slot:
    worker: WorkerProcess | None = None
    started: float = 0.0
    timeout: float = 0.0
    done: int = 0


@dataclass
class Task:
    tag: Any  # the caller's handle
    stage: str
    args: tuple
    timeout: float


@dataclass
class Pool:
    jobs: int
    root: str
    slots: list[_Slot] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.slots = [_Slot() for _ in range(max(1, self.jobs))]

    def _start(self, slot: _Slot) -> None:
        slot.worker = WorkerProcess(_worker, (self.root,), name="tritonlift-soundness-worker")
        slot.worker.start()
        slot.done = 0

    def _stop(self, slot: _Slot, force: bool) -> None:
        if slot.worker is not None:
            slot.worker.stop(force, grace=2.0)
            slot.worker = None

    def run(self, next_task: Callable[[], Task | None], on_result: Callable[[Task, dict], None]) -> None:
        """Run tasks from `next_task()` (None: nothing to start now) until it returns None while
        no task is running; `on_result` may make more tasks available."""
        running: dict[int, Task] = {}
        try:
            while True:
                for i, slot in enumerate(self.slots):
                    if i in running:
                        continue
                    task = next_task()
                    if task is None:
                        break
                    if slot.worker is None or slot.done >= RECYCLE:
                        self._stop(slot, force=False)
                        self._start(slot)
                    assert slot.worker is not None
                    slot.worker.send((task.stage, task.args))
                    slot.started, slot.timeout = time.monotonic(), task.timeout
                    running[i] = task
                if not running:
                    return
                now = time.monotonic()
                wait_for = min(self.slots[i].started + self.slots[i].timeout - now for i in running)
                conns = [w.conn for w in (self.slots[i].worker for i in running) if w is not None]
                ready = wait(conns, timeout=max(0.05, wait_for))
                for i in list(running):
                    slot, task = self.slots[i], running[i]
                    assert slot.worker is not None
                    if slot.worker.conn in ready:
                        try:
                            result = slot.worker.recv()
                            slot.done += 1
                        except (EOFError, OSError):
                            code = slot.worker.exit_code(0.0)
                            self._stop(slot, force=True)
                            result = {"status": "CRASH", "reason": f"the worker process died (exit code {code})"}
                    elif time.monotonic() > slot.started + slot.timeout:
                        self._stop(slot, force=True)
                        result = {"status": "TIMEOUT", "reason": f"timeout after {task.timeout:g} s"}
                    else:
                        continue
                    del running[i]
                    on_result(task, result)
        finally:
            for slot in self.slots:
                self._stop(slot, force=bool(running))


def run_all(tasks: Iterable[Task], jobs: int, root: str) -> list[tuple[Task, dict]]:
    """Independent tasks; results in completion order."""
    todo = list(tasks)
    results: list[tuple[Task, dict]] = []
    Pool(jobs, root).run(lambda: todo.pop(0) if todo else None, lambda t, r: results.append((t, r)))
    return results
