"""tritonlift: lift Triton kernels to verified mathematical formulas.

The Python API (imported lazily, so `import tritonlift` stays cheap):

    tritonlift.lift(launch, kernel=None, *, prove=True, simplify=True, strategy="both", timeout=None)
        -> LiftResult
    tritonlift.check(launch, formula, kernel=None, *, prove=True, timeout=None) -> CheckResult
    tritonlift.load_launch(launch, kernel=None) -> LaunchSpec

`Status` orders results by severity (PROVED < BOUNDED < UNKNOWN < REFUTED < FINDINGS < UNSUPPORTED
< ERROR; FINDINGS: a bug found in the kernel, with `findings`);
`TritonLiftError` is the root of every error raised for bad input (its `str()` is the located
diagnostic). The pytest plugin (`tritonlift.pytest_plugin`) adds `assert_lifts` and
`assert_proved`.
"""

from __future__ import annotations

import sys as _sys
import types as _types

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (import stays cheap)


__version__ = "0.1.0"
__all__ = ["CheckResult", "LiftResult", "Status", "TritonLiftError", "__version__", "check", "lift",
           "load_launch", "record"]

_LAZY = {
    "lift": ("api", "lift"),
    "check": ("api", "check"),
    "load_launch": ("api", "load_launch"),
    "Status": ("result", "Status"),
    "LiftResult": ("result", "LiftResult"),
    "CheckResult": ("check", "CheckResult"),
    "TritonLiftError": ("errors", "TritonLiftError"),
    # the [interp] tooling (torch, triton), imported only when used
    "record": ("interp.hostrecord", "record"),
}

if TYPE_CHECKING:
    from .api import check, lift, load_launch
    from .check import CheckResult
    from .errors import TritonLiftError
    from .result import LiftResult, Status


class _Package(_types.ModuleType):
    """`tritonlift.check` stays the API function after the submodule of the same name (the
    command's implementation, `tritonlift/check.py`) is imported: the import system's setattr of
    a submodule over an API name is ignored (the submodule stays in sys.modules, and
    `from tritonlift.check import ...` works as before)."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _LAZY and isinstance(value, _types.ModuleType):
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(f".{module}", __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'tritonlift' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
