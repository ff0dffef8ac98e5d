"""Run a concrete launch: bind arguments to kernel parameters, execute every program of every
launch in order over shared memory, and collect the Spec.
"""

from __future__ import annotations

import ast
import dataclasses
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np

from ..dsl.term import Term, sym
from ..errors import SourceLoc, SpecError, SymexError
from ..frontend.concrete import ConcreteLaunch, ConcreteStep, DType, RealSym, TensorPtr
from ..frontend.source import FunctionRef, SourceIndex
from .interp import Frame, Interpreter
from .memory import Finding, Memory, make_buffer, resolve_unreachable
from .values import DTypeV, Tile, as_objects, numeric_array


@dataclass(frozen=True)
class Spec:
    """What the kernel(s) computed at one concrete size: for every output tensor, an object array
    over its logical index holding the element's Term (None where nothing was written)."""

    sizes: dict[str, int]
    choice: dict[str, int]
    outputs: dict[str, np.ndarray]
    shapes: dict[str, tuple[int, ...]]
    findings: tuple[Finding, ...]
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)  # declared int data ranges

    def elements(self):
        """(tensor, index, term) for every written output element, in index order."""
        for name, arr in self.outputs.items():
            for idx in np.ndindex(arr.shape):
                t = arr[idx]
                if t is not None:
                    yield name, idx, t


def is_constexpr(arg: ast.arg) -> bool:
    return arg.annotation is not None and "constexpr" in ast.unparse(arg.annotation)


def bind_args(fn: FunctionRef, step: ConcreteStep, launch: ConcreteLaunch, interp: Interpreter) -> dict[str, Any]:
    spec = launch.spec
    base = ("launch",) if len(spec.steps) > 1 or "[[launch]]" in spec.source_text else ()
    params = fn.node.args
    if params.vararg or params.kwarg or params.kwonlyargs:
        raise SymexError(f"kernel {fn.name} has *args/**kwargs", fn.loc())
    names = [a.arg for a in params.posonlyargs + params.args]
    for k in step.args:
        if k not in names:
            raise SpecError(f"unknown parameter {k!r}: kernel {fn.name} takes {', '.join(names)}",
                            spec.loc(*base, "args", k))
    defaults = dict(zip(names[len(names) - len(params.defaults):], params.defaults, strict=True))
    bound: dict[str, Any] = {}
    for a in params.posonlyargs + params.args:
        if a.arg in step.args:
            bound[a.arg] = _value(step.args[a.arg], is_constexpr(a), launch, spec.loc(*base, "args", a.arg))
        elif a.arg in defaults:
            bound[a.arg] = interp.eval(defaults[a.arg], Frame(fn.module))
        else:
            raise SpecError(f"missing argument {a.arg!r} for kernel {fn.name} ({fn.loc()})", spec.loc(*base, "args"))
    return bound


def _value(v: Any, constexpr: bool, launch: ConcreteLaunch, loc: SourceLoc) -> Any:
    if isinstance(v, TensorPtr):
        t = launch.tensors[v.tensor]
        return Tile(np.array(v.offset, dtype=np.int64), t.dtype, v.tensor)
    if isinstance(v, RealSym):
        if constexpr:
            raise SpecError(f"the constexpr parameter cannot take the symbolic real {v.name}", loc)
        arr = np.empty((), dtype=object)
        arr[()] = sym(v.name, "real")
        return Tile(arr, "fp32")
    if isinstance(v, DType):
        return DTypeV(v.name)
    if v is None or isinstance(v, str) or constexpr:
        return v
    if isinstance(v, bool):
        return Tile(np.array(v), "int1")
    if isinstance(v, int):
        return Tile(np.array(v, dtype=np.int64), "int32" if -(2**31) <= v < 2**31 else "int64")
    if isinstance(v, float):
        return Tile(np.array(v, dtype=np.float64), "fp32")
    return v


def run_launch(launch: ConcreteLaunch, index: SourceIndex | None = None) -> Spec:
    """Symbolically execute every launch of `launch`; raise on unsupported constructs."""
    spec = launch.spec
    index = index or SourceIndex()
    base_dir = Path(spec.path).parent
    memory = Memory({n: make_buffer(t, t.init) for n, t in launch.tensors.items()})
    for step in launch.steps:
        kbase = ("launch",) if len(spec.steps) > 1 or "[[launch]]" in spec.source_text else ()
        fn = index.kernel(step.kernel, base_dir, spec.loc(*kbase, "kernel"))
        if step.elementwise:
            _run_elementwise(fn, step, launch, memory, index)
            continue
        for z, y, x in product(range(step.grid[2]), range(step.grid[1]), range(step.grid[0])):
            interp = Interpreter(index, memory, (x, y, z), step.grid)
            args = bind_args(fn, step, launch, interp)
            interp.run_kernel(fn, args)
    outputs: dict[str, np.ndarray] = {}
    shapes: dict[str, tuple[int, ...]] = {}
    for name, buf in memory.buffers.items():
        t = buf.tensor
        if t.direction not in ("out", "inout"):
            continue
        arr = np.empty(t.shape, dtype=object)
        for off, idx in buf.index_of.items():
            if buf.written[off]:
                arr[idx] = resolve_unreachable(buf.cells[off])
            elif t.init is not None:
                arr[idx] = buf.cells[off]  # untouched, holding what the host filled in
        outputs[name] = arr
        shapes[name] = t.shape
    ranges = {n: t.value_range for n, t in launch.tensors.items() if t.value_range is not None}
    at = dict(launch.sizes)  # every finding says at which sizes it was found
    findings = tuple(dataclasses.replace(f, sizes=at) for f in memory.findings)
    return Spec(dict(launch.sizes), dict(launch.choice), outputs, shapes, findings, ranges)


def _run_elementwise(fn: FunctionRef, step: ConcreteStep, launch: ConcreteLaunch, memory: Memory,
                     index: SourceIndex) -> None:
    shape = launch.tensors[step.outputs[0]].shape
    interp = Interpreter(index, memory, (0, 0, 0), (1, 1, 1))
    args: dict[str, Any] = {}
    for k, v in step.args.items():
        if isinstance(v, TensorPtr):
            buf = memory.buffers[v.tensor]
            if buf.tensor.shape != shape:
                raise SpecError(f"elementwise launch: {v.tensor} has shape {buf.tensor.shape}, outputs {shape}",
                                launch.spec.loc("args", k))
            cells = np.empty(shape, dtype=object)
            for off, idx in buf.index_of.items():
                cells[idx] = buf.cells[off]
            args[k] = Tile(cells, buf.tensor.dtype)
        else:
            args[k] = _value(v, False, launch, launch.spec.loc("args", k))
    bound = bind_args_elementwise(fn, args, launch)
    result = interp.call_function(fn, [], bound)
    results = list(result) if isinstance(result, tuple) else [result]
    if len(results) != len(step.outputs):
        raise SymexError(f"{fn.name} returns {len(results)} values for {len(step.outputs)} outputs", fn.loc())
    for name, r in zip(step.outputs, results, strict=True):
        buf = memory.buffers[name]
        t = r if isinstance(r, Tile) else Tile(numeric_array(r, buf.tensor.dtype) if not isinstance(r, Term) else _obj(r), buf.tensor.dtype)
        data = np.broadcast_to(as_objects(t.data), shape)
        for off, idx in buf.index_of.items():
            from .values import lane_term

            buf.cells[off] = lane_term(data[idx])
            buf.written[off] = True


def _obj(t: Term) -> np.ndarray:
    a = np.empty((), dtype=object)
    a[()] = t
    return a


def bind_args_elementwise(fn: FunctionRef, args: dict[str, Any], launch: ConcreteLaunch) -> dict[str, Any]:
    names = [a.arg for a in fn.node.args.posonlyargs + fn.node.args.args]
    for k in args:
        if k not in names:
            raise SpecError(f"unknown parameter {k!r}: {fn.name} takes {', '.join(names)}", launch.spec.loc("args", k))
    return args
