"""Running one malformed case: in this process (`cli.main`) under an alarm that turns a hang into
a failure, or as a subprocess under a timeout; then the checks every case must pass."""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .cases import BASE_FILES, FIFO, Case

HANG_SECONDS = 60  # a case still running after this is a hang (the slowest takes a few seconds)
SRC = Path(__file__).resolve().parents[2] / "src"


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    hung: bool = False


class _Hang(BaseException):  # not an Exception: the command line must not catch it as its own error
    pass


def setup(case: Case, root: Path) -> None:
    for name, data in {**BASE_FILES, **dict(case.files)}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if data == FIFO:
            os.mkfifo(path)
        else:
            path.write_bytes(data)


def run(case: Case, root: Path) -> Outcome:
    if case.subprocess:
        env = {**os.environ, "PYTHONPATH": str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        try:
            r = subprocess.run([sys.executable, "-m", "tritonlift.cli", *case.argv], cwd=root, capture_output=True,
                               text=True, timeout=HANG_SECONDS, env=env)
        except subprocess.TimeoutExpired:
            return Outcome(-1, "", "", hung=True)
        return Outcome(r.returncode, r.stdout, r.stderr)
    from tritonlift import cli

    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()

    def alarm(*_):
        raise _Hang

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(HANG_SECONDS)
    try:
        os.chdir(root)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(case.argv))
    except _Hang:
        return Outcome(-1, out.getvalue(), err.getvalue(), hung=True)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        os.chdir(old)
    return Outcome(code, out.getvalue(), err.getvalue())


def problems(case: Case, o: Outcome) -> list[str]:
    """What is wrong with the outcome (empty: the case passes)."""
    if o.hung:
        return [f"hang: still running after {HANG_SECONDS} s"]
    bad = []
    if "Traceback" in o.stderr or "Traceback" in o.stdout:
        bad.append("traceback")
    if o.code == 5 or "internal error" in o.stderr:
        bad.append("internal error")
    if o.code != case.code:
        bad.append(f"exit code {o.code}, expected {case.code}")
    lines = o.stderr.splitlines()
    first = lines[0] if lines else ""
    if not first:
        return bad + ["no diagnostic on stderr"]
    if case.where is None:
        if "usage error" not in first and not re.search(r"\berror\b", first):
            bad.append(f"not a usage error: {first!r}")
    else:
        where = re.escape(case.where)
        pos = rf":{case.line}:" if case.line is not None else r"(:\d+:\d+)?"
        if case.col is not None:
            pos = (rf":{case.line}:{case.col}:" if case.line is not None else rf":\d+:{case.col}:")
        if not re.match(rf"^(.*/)?{where}{pos}", first):
            bad.append(f"not located at {case.where}:{case.line}:{case.col}: {first!r}")
        elif case.line is not None and (len(lines) < 3 or lines[2].strip() != "^"):
            bad.append("no source line and caret")
    if case.text and case.text not in first:
        bad.append(f"{case.text!r} not in {first!r}")
    if o.stderr.count(first) != 1 or (first and first in o.stdout):
        bad.append("diagnostic printed more than once")
    return bad
