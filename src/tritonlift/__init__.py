"""tritonlift: lift Triton kernels to verified mathematical formulas."""

from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # `tritonlift.record(...)`: the [interp] tooling, imported (with torch) only when used
    if name == "record":
        from .interp.hostrecord import record

        return record
    raise AttributeError(f"module 'tritonlift' has no attribute {name!r}")
