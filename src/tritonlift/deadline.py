"""Running a pipeline under a wall-clock limit (`--timeout S`), reporting the stage it is in.

The work runs in a forked child process in its own process group; the parent waits on a pipe for
stage reports and the result. When the limit passes, the whole group is killed (the child and
the solver workers it started: nothing survives), and `Timeout` names the last stage reported.
A thread could not be stopped (z3, egglog and numpy run without returning to Python for long
stretches), and a signal only interrupts Python code, so a process it is.

Without a limit the work runs in this process (tracebacks under --debug stay intact).

Results cross the pipe pickled; DSL terms are hash-consed, so they are pickled as
`Term.make(op, args, attrs)` calls and come back interned in the parent.
"""

from __future__ import annotations

import io
import os
import pickle
import select
import signal
import struct
import time
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import Timeout, TritonLiftError

T = TypeVar("T")
_HEADER = struct.Struct("!Q")


class WorkerDied(TritonLiftError):
    """The child process ended without an answer (killed by a signal, out of memory)."""

    kind = "internal error"


def run_with_deadline(work: Callable[[Callable[[str], None]], T], timeout: float | None,
                      on_stage: Callable[[str], None] | None = None) -> T:
    """`work(report)`'s value, where `report(stage)` records the stage the work is in (and calls
    `on_stage` in this process). With `timeout` (seconds), the work runs in a child process and
    Timeout is raised when it overruns; exceptions raised by the work are raised here."""
    notify = on_stage or (lambda _stage: None)
    if timeout is None:
        return work(notify)
    if timeout <= 0:
        raise Timeout(f"timed out after {timeout:g} s before starting", stage="start")
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        _child(work, rfd, wfd)
    os.close(wfd)
    try:
        return _parent(pid, rfd, timeout, notify)
    finally:
        os.close(rfd)
        _kill_group(pid)


def _child(work: Callable[[Callable[[str], None]], Any], rfd: int, wfd: int) -> None:
    code = 0
    try:
        os.setpgid(0, 0)
        os.close(rfd)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        out = os.fdopen(wfd, "wb", buffering=0)

        def report(stage: str) -> None:
            _send(out, ("stage", stage))

        try:
            value = work(report)
            _send(out, ("value", value))
        except BaseException as e:  # noqa: BLE001 - everything goes back to the parent
            try:
                _send(out, ("raise", e))
            except Exception:  # an exception that does not pickle: its text does
                _send(out, ("crash", f"{type(e).__name__}: {e}", traceback.format_exc()))
    except BaseException:  # noqa: BLE001
        code = 70
    finally:
        os._exit(code)


def _parent(pid: int, rfd: int, timeout: float, notify: Callable[[str], None]) -> Any:
    deadline = time.monotonic() + timeout
    buf = b""
    stage = "start"
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise Timeout(f"timed out after {timeout:g} s in stage {stage}", stage=stage)
        ready, _, _ = select.select([rfd], [], [], min(left, 0.25))
        if not ready:
            continue
        chunk = os.read(rfd, 1 << 16)
        if not chunk:
            break
        buf += chunk
        while len(buf) >= _HEADER.size:
            (n,) = _HEADER.unpack_from(buf)
            if len(buf) < _HEADER.size + n:
                break
            msg = pickle.loads(buf[_HEADER.size:_HEADER.size + n])
            buf = buf[_HEADER.size + n:]
            if msg[0] == "stage":
                stage = msg[1]
                notify(stage)
            elif msg[0] == "value":
                return msg[1]
            elif msg[0] == "raise":
                raise msg[1]
            elif msg[0] == "crash":
                raise WorkerDied(f"{msg[1]} (in the worker process)\n{msg[2]}")
    _, status = os.waitpid(pid, 0)
    how = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit code {os.WEXITSTATUS(status)}")
    raise WorkerDied(f"the worker process ended without an answer ({how}) in stage {stage}")


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _send(out: Any, msg: tuple) -> None:
    f = io.BytesIO()
    _Pickler(f, protocol=pickle.HIGHEST_PROTOCOL).dump(msg)
    data = f.getvalue()
    out.write(_HEADER.pack(len(data)) + data)


class _Pickler(pickle.Pickler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .dsl.term import Term

        self._term = Term

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is self._term:
            return (self._term.make, (obj.op, obj.args, obj.attrs))
        return NotImplemented
