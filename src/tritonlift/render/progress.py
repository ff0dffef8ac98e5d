"""The stage display on a terminal: a rich spinner on stderr naming the stage and the time spent.

Shown only when stderr is a terminal (never in pipes, files or tests). It starts on the first
stage report, so a run that fails at once prints nothing but its diagnostic, and `--timeout`'s
child process is forked before any display thread exists.
"""

from __future__ import annotations

import sys
import time
from typing import Any


class StageDisplay:
    def __init__(self, title: str, enabled: bool | None = None):
        self.title = title
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._status: Any = None
        self._t0 = time.monotonic()

    def update(self, stage: str) -> None:
        if not self.enabled:
            return
        text = f"{self.title}: {stage}  [{time.monotonic() - self._t0:.1f} s]"
        if self._status is None:
            from rich.console import Console

            self._status = Console(stderr=True).status(text)
            self._status.start()
        else:
            self._status.update(text)

    def close(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

    def __enter__(self) -> StageDisplay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
