"""`tritonlift sweep` arguments (filled in by the sweep runner)."""

from __future__ import annotations

import argparse
from typing import Any


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("library", nargs="*")


def run(args: argparse.Namespace, opts: Any) -> int:
    return 0
