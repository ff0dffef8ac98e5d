"""Tooling that runs real kernels under the Triton interpreter (the ``[interp]`` extra): record the
launches of host code and write launch specs (`tritonlift trace`, :func:`record`).

Importing this package imports neither torch nor triton; the functions do, when called.
"""

from __future__ import annotations

from typing import Any

__all__ = ["record", "trace"]


def __getattr__(name: str) -> Any:
    if name == "record":
        from .hostrecord import record

        return record
    if name == "trace":
        from .trace import trace

        return trace
    raise AttributeError(name)
