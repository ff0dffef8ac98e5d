"""The one options object passed down through the pipeline (no globals, no env switches)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CACHE_DIR_NAME = ".tritonlift_cache"


def default_generated_dir() -> Path:
    """Where generated kernels (FlagGems pointwise_dynamic) are cached: `.tritonlift_cache/` in
    the working directory (like .pytest_cache), overridable with `--cache-dir`."""
    return Path(os.getcwd()) / CACHE_DIR_NAME / "flaggems-5.0.2"


@dataclass(frozen=True)
class Options:
    debug: bool = False
    generated_dir: Path = field(default_factory=default_generated_dir)
    strategy: str = "both"
    prove: bool = True  # run the unbounded verifier after synthesis
    simplify: bool = True  # restore textbook forms with the e-graph (checked equal before shown)
    dump_smt: Path | None = None  # write every solver query as SMT-LIB here
    # called with a stage name ("symex", "synth", "prove", ...) as each stage starts: the progress
    # display, and `--timeout`'s record of where the work was when it ran out
    progress: Callable[[str], None] | None = field(default=None, compare=False, repr=False)

    def stage(self, name: str) -> None:
        if self.progress is not None:
            self.progress(name)
