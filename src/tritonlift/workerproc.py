"""One long-lived spawned worker process, driven through a pipe, that can be killed at any time.

Shared by `bench` (a spec lifted per request, killed when it overruns its time limit) and the
soundness suite's pool (stages judged per request). The worker runs `target(conn, *args)`, which
reads requests from `conn` until it receives None or the pipe closes. Only this process handle is
ever killed: never a process found by name.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any


class WorkerProcess:
    """A spawned process running `target(conn, *args)`; started on first use, stopped by `stop`."""

    def __init__(self, target: Callable[..., None], args: tuple = (), name: str = "tritonlift-worker") -> None:
        self._ctx = multiprocessing.get_context("spawn")
        self._target, self._args, self._name = target, args, name
        self._proc: Any = None
        self.conn: Any = None  # the parent's end of the pipe (for `multiprocessing.connection.wait`)

    @property
    def running(self) -> bool:
        return self._proc is not None

    def start(self) -> None:
        """Start the process unless it runs already."""
        if self._proc is not None:
            return
        parent, child = self._ctx.Pipe()
        self._proc = self._ctx.Process(target=self._target, args=(child, *self._args), daemon=True, name=self._name)
        self._proc.start()
        child.close()
        self.conn = parent

    def send(self, request: Any) -> None:
        self.start()
        self.conn.send(request)

    def poll(self, timeout: float) -> bool:
        """True when a reply (or the end of the pipe) arrives within `timeout` seconds."""
        return bool(self.conn.poll(timeout))

    def recv(self) -> Any:
        """The reply; EOFError or OSError when the process died."""
        return self.conn.recv()

    def exit_code(self, wait: float = 1.0) -> int | None:
        """The exit code of a process that died (after waiting up to `wait` seconds for it)."""
        if self._proc is None:
            return None
        self._proc.join(wait)
        return self._proc.exitcode

    def stop(self, force: bool = False, grace: float = 1.0) -> None:
        """Stop the worker: killed at once when `force` (it is busy), otherwise asked to exit and
        killed only if it has not within `grace` seconds."""
        if self._proc is None:
            return
        if not force:
            try:
                self.conn.send(None)
            except OSError:
                pass
            self._proc.join(grace)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join()
        self.conn.close()
        self._proc = self.conn = None
