"""Interpreter tooling of the soundness suite: run a launch spec's kernels under
``TRITON_INTERPRET=1`` with the programs of every grid in forward or reverse order, and evaluate
a formula numerically on the same inputs. torch/triton are imported inside functions only.

The interpreter runs a grid's programs in order (``GridExecutor.__call__`` loops over x, y, z).
``program_order(reverse=True)`` swaps in a copy of that method whose three loops run backwards,
built from its own source, for the duration of a ``with`` block (this process only).
"""

from __future__ import annotations

import inspect
import math
import textwrap
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

RTOL = 2e-3
ATOL = 2e-3
_REVERSED: dict[str, Any] = {}


@contextmanager
def program_order(reverse: bool) -> Iterator[None]:
    if not reverse:
        yield
        return
    import triton.runtime.interpreter as interp

    if "call" not in _REVERSED:
        src = textwrap.dedent(inspect.getsource(interp.GridExecutor.__call__))
        for axis in range(3):
            old = f"range(grid[{axis}])"
            if old not in src:
                raise RuntimeError("the interpreter's grid loop has changed: cannot reverse it")
            src = src.replace(old, f"range(grid[{axis}] - 1, -1, -1)")
        namespace = dict(vars(interp))
        exec(compile(src, "<reversed grid loop>", "exec"), namespace)
        _REVERSED["call"] = namespace["__call__"]
    original = interp.GridExecutor.__call__
    interp.GridExecutor.__call__ = _REVERSED["call"]
    try:
        yield
    finally:
        interp.GridExecutor.__call__ = original


@dataclass
class Run:
    """One interpreter run: outputs (float64/int64 over the logical shape) or the error."""

    outputs: dict[str, np.ndarray] = field(default_factory=dict)
    error: str = ""  # exception raised by the interpreter, or a write outside a tensor

    @property
    def ok(self) -> bool:
        return not self.error


def run(spec_path: str | Path, sizes: dict[str, int], choice: dict[str, int] | None, inputs: dict[str, np.ndarray],
        reals: dict[str, float], reverse: bool, generated_dir: Path) -> Run:
    from ..bench.interp_run import run_kernels
    from ..frontend.concrete import instantiate
    from ..frontend.launch import load_launch

    conc = instantiate(load_launch(spec_path), sizes, choice)
    problems: list[str] = []
    try:
        with program_order(reverse), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = run_kernels(conc, inputs, reals, generated_dir=generated_dir, problems=problems)
    except Exception as e:  # the kernel's own failure: a result, not a crash of the suite
        return Run(error=f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:300])
    if problems:
        return Run(out, "; ".join(problems))
    return Run(out)


def inputs_for(spec_path: str | Path, sizes: dict[str, int], choice: dict[str, int] | None,
               seed: int) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    from ..bench.interp_run import random_inputs
    from ..frontend.concrete import instantiate
    from ..frontend.launch import load_launch

    conc = instantiate(load_launch(spec_path), sizes, choice)
    # a tensor without elements needs no values, even when its value range is empty (K = 0)
    empty = {n: replace(t, value_range=(0, 1)) for n, t in conc.tensors.items()
             if t.value_range is not None and t.value_range[1] <= t.value_range[0] and math.prod(t.shape) == 0}
    if empty:
        conc = replace(conc, tensors={**conc.tensors, **empty})
    return random_inputs(conc, seed)


def formula_function(formula: Any, spec_path: str | Path) -> Any:
    """The formula's numpy reference code (render/code.py) as a function; raises
    CodegenUnsupported when the formula uses something the code generator does not cover."""
    from ..frontend.launch import load_launch
    from ..render.code import function_name, reference_code

    spec = load_launch(spec_path)
    src = reference_code(formula, spec, "numpy")
    ns: dict[str, Any] = {}
    exec(compile(src, "<formula>", "exec"), ns)
    return ns[function_name(spec)]


def evaluate_formula(formula: Any, spec_path: str | Path, sizes: dict[str, int], inputs: dict[str, np.ndarray],
                     reals: dict[str, float], fn: Any = None) -> dict[str, np.ndarray]:
    """The formula's value for every output it states: its vectorised reference code, or, where
    that fails (a max or argmax over an empty range, which numpy refuses), the DSL's own
    evaluator element by element (empty max = -inf, min = +inf, argmax = the range's start, as
    `synth.instantiate` unrolls them). Errors of the element-wise evaluation propagate."""
    fn = fn or formula_function(formula, spec_path)
    # inputs the formula does not read may still give a size (`K = t.shape[0]`): globals
    fn.__globals__.update(inputs)
    params = fn.__code__.co_varnames[: fn.__code__.co_argcount]
    args = [inputs[p] if p in inputs else reals[p] if p in reals else sizes[p] for p in params]
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(*args)
    except ValueError:
        return _elementwise(formula, spec_path, sizes, inputs, reals)
    outs = out if isinstance(out, tuple) else (out,)
    return {o.tensor: np.asarray(v) for o, v in zip(formula.outputs, outs, strict=True)}


def _elementwise(formula: Any, spec_path: str | Path, sizes: dict[str, int], inputs: dict[str, np.ndarray],
                 reals: dict[str, float]) -> dict[str, np.ndarray]:
    from ..bench.philox_reference import RANDOM_CALLS
    from ..dsl.evaluate import Env, evaluate
    from ..frontend.concrete import instantiate
    from ..frontend.launch import load_launch
    from ..synth.instantiate import instantiate as instantiate_term

    conc = instantiate(load_launch(spec_path), sizes)
    env_symbols = {**conc.env, **reals}
    out: dict[str, np.ndarray] = {}
    with np.errstate(all="ignore"):
        for o in formula.outputs:
            shape = conc.tensors[o.tensor].shape
            values = np.zeros(shape, dtype=np.float64)
            for idx in np.ndindex(shape):
                ground = instantiate_term(o.body, {**env_symbols, **dict(zip(o.index_vars, idx, strict=True))})
                values[idx] = float(np.asarray(evaluate(ground, Env(tensors=inputs, symbols=env_symbols,
                                                                     calls=dict(RANDOM_CALLS)))))
            out[o.tensor] = values
    return out


def differ(a: np.ndarray, b: np.ndarray, exact: bool = False) -> tuple[int, str]:
    """(number of differing elements, a description of the first) between two arrays of one
    shape; NaN equals NaN, infinities must match."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return max(a.size, b.size, 1), f"shape {a.shape} vs {b.shape}"
    both_nan = np.isnan(a) & np.isnan(b)
    with np.errstate(all="ignore"):
        if exact:
            close = a == b
        else:
            close = np.abs(a - b) <= ATOL + RTOL * np.abs(b)
        close |= both_nan | ((a == b) & np.isinf(a))
    bad = np.argwhere(~close)
    if not len(bad):
        return 0, ""
    idx = tuple(int(i) for i in bad[0])
    return len(bad), f"at {list(idx)}: {_num(a[idx])} vs {_num(b[idx])}"


def _num(v: float) -> str:
    if math.isnan(v) or math.isinf(v):
        return str(v)
    return f"{v:.6g}"
