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
from .memory import Finding, Memory, UndefResolver, make_buffer
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
    # a partial run (`run_launch(programs=...)`): the programs executed, and why its outputs may
    # not be the whole launch's (a read of memory other programs may write, an atomic); () and
    # "" for a run of every program
    programs: tuple[tuple[int, int, int], ...] = ()
    partial_caveat: str = ""
    stored_by: dict[tuple[str, tuple[int, ...]], tuple[tuple[int, ...], tuple[int, ...]]] = field(default_factory=dict)
    # the same launch with every grid's programs run in reverse order, when its outputs differ
    # from these (a race: the result depends on the program order); None otherwise
    reverse: Spec | None = None
    reversed_order: bool = False  # this run's programs ran last to first
    # branches taken (True/False) and loop trip counts seen, by (kind, location)
    coverage: dict[tuple[str, SourceLoc], frozenset] = field(default_factory=dict)

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


def run_launch(launch: ConcreteLaunch, index: SourceIndex | None = None,
               programs: frozenset[tuple[int, int, int]] | None = None, reverse: bool = False) -> Spec:
    """Symbolically execute every launch of `launch`; raise on unsupported constructs.

    `programs`: execute only these programs (x, y, z) of a single-step launch (replaying a solver
    model at sizes too large to execute whole). Their outputs are the launch's when no other
    program writes what they read or write: `Spec.partial_caveat` says when that is not known
    (they read memory the kernel writes that they did not write themselves, or use atomics).

    Programs run in launch order (`reverse`: last to first). When the result may depend on the
    order (a program read what another wrote, or two wrote different values to one element),
    the launch is run again in the other order; if an output differs, `Spec.reverse` holds that
    run and a race finding names the element."""
    spec = launch.spec
    index = index or SourceIndex()
    base_dir = Path(spec.path).parent
    if programs is not None and (len(launch.steps) != 1 or launch.steps[0].elementwise):
        raise SymexError("a partial run needs a single, non-elementwise launch step")
    memory = Memory({n: make_buffer(t, t.init) for n, t in launch.tensors.items()}, partial=programs is not None)
    for step in launch.steps:
        kbase = ("launch",) if len(spec.steps) > 1 or "[[launch]]" in spec.source_text else ()
        fn = index.kernel(step.kernel, base_dir, spec.loc(*kbase, "kernel"))
        if step.elementwise:
            _run_elementwise(fn, step, launch, memory, index)
            continue
        order = list(product(range(step.grid[2]), range(step.grid[1]), range(step.grid[0])))
        for z, y, x in reversed(order) if reverse else order:
            if programs is not None and (x, y, z) not in programs:
                continue
            memory.current = x + step.grid[0] * (y + step.grid[1] * z)
            interp = Interpreter(index, memory, (x, y, z), step.grid)
            args = bind_args(fn, step, launch, interp)
            interp.run_kernel(fn, args)
    outputs: dict[str, np.ndarray] = {}
    shapes: dict[str, tuple[int, ...]] = {}
    resolver = UndefResolver()  # shared: the elements' common sub-terms are resolved once
    for name, buf in memory.buffers.items():
        t = buf.tensor
        if t.direction not in ("out", "inout"):
            continue
        arr = np.empty(t.shape, dtype=object)
        for off, idx in buf.index_of.items():
            if buf.written[off]:
                arr[idx] = resolver.resolve(buf.cells[off])
            elif t.init is not None:
                arr[idx] = buf.cells[off]  # untouched, holding what the host filled in
        outputs[name] = arr
        shapes[name] = t.shape
    ranges = {n: t.value_range for n, t in launch.tensors.items() if t.value_range is not None}
    at = dict(launch.sizes)  # every finding says at which sizes it was found
    findings = [dataclasses.replace(f, sizes=at) for f in memory.findings]
    other: Spec | None = None
    if memory.order_sensitive and not reverse and programs is None:
        other = run_launch(launch, index, None, reverse=True)
        moved = _first_difference(outputs, other.outputs)
        if moved is None:
            other = None
        elif not any(f.kind == "race" for f in findings):  # a write conflict already says why
            name, idx = moved
            loc, program = memory.last_store.get((name, idx), (None, ()))
            findings.append(Finding("race", f"the result depends on the program order: {name}{list(idx)} differs "
                                            f"when the programs run in reverse order", loc, program, sizes=at))
    return Spec(dict(launch.sizes), dict(launch.choice), outputs, shapes, tuple(findings), ranges,
                tuple(sorted(programs)) if programs is not None else (), memory.caveat, memory.stored_by, other,
                reverse, {k: frozenset(v) for k, v in memory.coverage.items()})


def unexercised(specs: list[Spec]) -> list[str]:
    """The branches and loops these runs never exercised: an `if` on runtime values that always
    went one way, a loop over runtime bounds that never ran twice (constexpr ones are the same at
    every size and are not named)."""
    seen: dict[tuple[str, SourceLoc], set] = {}
    for sp in specs:
        for k, v in sp.coverage.items():
            seen.setdefault(k, set()).update(v)
    out = []
    for (kind, loc), outcomes in sorted(seen.items(), key=lambda kv: (str(kv[0][1].file), kv[0][1].line, kv[0][1].col)):
        where = f"{Path(loc.file).name}:{loc.line}"
        if kind == "if" and len(outcomes) < 2:
            out.append(f"the if at {where} was always {'true' if True in outcomes else 'false'}")
        elif kind == "loop" and max(outcomes, default=0) < 2:
            out.append(f"the loop at {where} never ran twice")
    return out


def _first_difference(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> tuple[str, tuple[int, ...]] | None:
    """The first output element whose term differs between two runs (terms are hash-consed)."""
    for name, arr in a.items():
        for idx in np.ndindex(arr.shape):
            if arr[idx] is not b[name][idx]:
                return name, tuple(int(i) for i in idx)
    return None


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
