"""Kernel references for recorded launches: `package.module:name`, `path.py::name`, or
`pointwise_dynamic:<module>:<function>:<rank>` for a kernel FlagGems generated at run time (then
produced into the generated-kernel cache, so that `lift` can read it).

Tooling only (imports FlagGems' generator lazily).
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import re
from pathlib import Path
from typing import Any

from .recorder import TraceError

_GENERATED = re.compile(r"^(?P<scalar>\w+)_kernel_rank_(?P<rank>\d+)$")


def generated_origin(fn: Any) -> tuple[str, str, int] | None:
    """(module, attribute, rank) of the ``@pointwise_dynamic`` function whose generated kernel
    ``fn`` is, or None. FlagGems executes the generated file as a module it does not register
    and binds the scalar function into it by name."""
    m = _GENERATED.match(getattr(fn, "__name__", ""))
    if m is None or fn.__module__ in _importable_modules(fn):
        return None
    scalar = fn.__globals__.get(m.group("scalar"))
    inner = getattr(scalar, "fn", None)
    if inner is None:
        return None
    module = importlib.import_module(inner.__module__)
    for attr, value in vars(module).items():
        if type(value).__name__ == "PointwiseDynamicFunction" and getattr(value, "_scalar_fn", None) is scalar:
            return inner.__module__, attr, int(m.group("rank"))
    return None


def _importable_modules(fn: Any) -> set[str]:
    name = fn.__module__
    try:
        return {name} if name != "__main__" and importlib.util.find_spec(name) is not None else set()
    except (ImportError, ValueError):
        return set()


def _installed(path: str) -> bool:
    parts = Path(path).parts
    return "site-packages" in parts or "dist-packages" in parts


def kernel_ref(fn: Any, spec_dir: Path, generated_dir: Path) -> str:
    """The launch-spec reference of the kernel whose Python function is ``fn``."""
    gen = generated_origin(fn)
    if gen is not None:
        module, attr, rank = gen
        ensure_generated(module, attr, rank, generated_dir)
        return f"pointwise_dynamic:{module}:{attr}:{rank}"
    try:
        file = inspect.getsourcefile(fn)
    except TypeError:
        file = None
    if file is None or not os.path.exists(file):
        raise TraceError(f"kernel {fn.__name__}: its source file is unknown (defined with exec?)")
    if _installed(file) and fn.__module__ in _importable_modules(fn):
        return f"{fn.__module__}:{fn.__name__}"
    try:
        rel = os.path.relpath(file, spec_dir)
    except ValueError:
        rel = file
    if rel.startswith(os.pardir + os.sep + os.pardir):  # far away: absolute is clearer
        rel = os.path.abspath(file)
    return f"{Path(rel).as_posix()}::{fn.__name__}"


def ensure_generated(module: str, attr: str, rank: int, generated_dir: Path) -> Path:
    """Generate FlagGems' rank-``rank`` kernel of ``module:attr`` into the cache unless there."""
    from ..bench.flaggems_gen import generate_pointwise_kernel, read_index

    ref = f"pointwise_dynamic:{module}:{attr}:{rank}"
    index = read_index(generated_dir) if (generated_dir / "index.json").exists() else {"kernels": {}}
    entry = index["kernels"].get(ref)
    if entry and (generated_dir / entry["file"]).exists():
        return generated_dir / entry["file"]
    path, _ = generate_pointwise_kernel(module, attr, rank, generated_dir)
    return path
