"""A solver worker process that can always be killed, and the client that drives it.

Why a process: z3's and cvc5's own time limits are checked only at certain points and were
measured to overshoot (10 s became 16 s); a thread cannot be killed. The worker is spawned once
per backend and reused (a spawn costs about 65 ms, a trivial query about 2 ms); when a query
outlives its hard deadline the worker is killed and the next query starts a new one.

Wire format: one JSON object per line each way. Request: engine, name, text, seconds, rlimit,
seed, options. Reply: status, reason, model.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
import weakref
from pathlib import Path

from .query import Answer, Limits, Query, Status


def serve(stdin=None, stdout=None) -> None:
    """The worker's loop: answer requests until stdin closes."""
    from .engines import run

    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    for line in stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            lim = Limits(req["seconds"], req["rlimit"], req["seed"])
            opts = tuple((str(k), str(v)) for k, v in req["options"])
            ans = run(req["engine"], Query(req["name"], req["text"], lim), opts)
        except Exception as e:  # a malformed request must not kill the worker
            ans = Answer(Status.UNKNOWN, reason=f"worker error: {e}")
        reply = {"status": ans.status.value, "reason": ans.reason, "model": ans.model, "solver": ans.solver}
        stdout.write(json.dumps(reply) + "\n")
        stdout.flush()


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for f in (proc.stdin, proc.stdout):
        if f:
            f.close()


class Worker:
    """Client side: one child process, restarted after a kill or a crash. Not thread-safe."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._buf = b""
        self._finalizer: weakref.finalize | None = None

    def _start(self) -> subprocess.Popen:
        src = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        proc = subprocess.Popen(
            [sys.executable, "-m", "tritonlift.verify.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self._proc, self._buf = proc, b""
        self._finalizer = weakref.finalize(self, _kill, proc)
        return proc

    def close(self) -> None:
        if self._finalizer is not None:
            self._finalizer()
        self._proc = None

    def ask(self, engine: str, query: Query, options: tuple[tuple[str, str], ...] = ()) -> Answer:
        proc = self._proc
        if proc is None or proc.poll() is not None:
            self.close()
            proc = self._start()
        lim = query.limits
        req = {
            "engine": engine, "name": query.name, "text": query.text, "seconds": lim.seconds,
            "rlimit": lim.rlimit, "seed": lim.seed, "options": list(options),
        }
        try:
            assert proc.stdin is not None
            proc.stdin.write((json.dumps(req) + "\n").encode())
            proc.stdin.flush()
        except OSError as e:
            self.close()
            return Answer(Status.UNKNOWN, reason=f"solver process unreachable: {e}")
        line = self._read_line(time.monotonic() + lim.kill_after)
        if line is None:
            code = proc.poll()
            self.close()
            if code is None:
                return Answer(Status.UNKNOWN, reason=f"hard deadline: killed after {lim.kill_after:.1f} s")
            return Answer(Status.UNKNOWN, reason=f"solver process died (exit code {code})")
        try:
            rep = json.loads(line)
            model = tuple((str(k), str(v)) for k, v in rep["model"])
            return Answer(Status(rep["status"]), rep["reason"], model=model, solver=rep["solver"])
        except (ValueError, KeyError, TypeError) as e:
            self.close()
            return Answer(Status.UNKNOWN, reason=f"unreadable reply from the solver process: {e}")

    def _read_line(self, deadline: float) -> bytes | None:
        """The next reply line, or None when the deadline passes or the worker exits."""
        assert self._proc is not None and self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return None
            self._buf += chunk
        line, _, self._buf = self._buf.partition(b"\n")
        return line


def main() -> None:
    # Replies go to a private copy of stdout; fd 1 itself is pointed at stderr, so anything the
    # solvers' C++ code prints cannot corrupt the reply channel.
    reply = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    serve(sys.stdin, reply)


if __name__ == "__main__":
    main()
