"""The stated bounds of concrete symbolic execution, checked on a concrete launch before any
program runs: past a bound, an UNSUPPORTED result that names the bound, never a hang.

Symbolic execution runs every program of the grid, lane by lane, with every loop unrolled, so
its cost grows with the grid, the tile size (superlinearly: a 4096-lane tile takes ~40 s), the
tensors' storage and the unrolled iterations. Checked here, from the launch and the kernel's AST
(`measure`):

- every size value                 <= MAX_SIZE
- storage elements of each tensor  <= MAX_TENSOR_ELEMENTS
- programs of each launch's grid    <= MAX_PROGRAMS
- lanes of one tile                 <= MAX_LANES (tl.arange spans, tl.zeros/tl.full shapes whose
                                       extents are constants or kernel parameters)
- unrolled loop iterations per program, estimated from `range`/`tl.range`/`tl.static_range`
  bounds that are constants or parameters  <= MAX_UNROLLED
- programs x lanes of the largest tile  <= MAX_LANE_PROGRAMS
- programs x unrolled iterations    <= MAX_WORK

The kernel-side figures are estimates from what the AST shows directly (a tile size computed
inside a helper is not seen): the executor itself has the last word. A `while` loop whose
condition is a constant true and whose body has no `break` or `return` never ends: reported as
a kernel bug.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BoundExceeded, SymexError, TritonLiftError
from .concrete import ConcreteLaunch, ConcreteStep
from .launch import LaunchSpec
from .source import FunctionRef, SourceIndex

# The corpus and tests/kernels need at most: 70 programs, 512 lanes, 12 unrolled iterations,
# 240 program-iterations, 2016 storage elements (tests/frontend/test_bounds.py keeps it so).
MAX_SIZE = 1 << 20
MAX_TENSOR_ELEMENTS = 1 << 16
MAX_PROGRAMS = 1 << 12
MAX_LANES = 1 << 11
MAX_LANE_PROGRAMS = 1 << 15
MAX_UNROLLED = 1 << 12
MAX_WORK = 1 << 16

TILE_SHAPE_CALLS = {"zeros", "full", "ones", "empty"}
RANGE_CALLS = {"range", "static_range"}


@dataclass(frozen=True)
class Measures:
    """What a concrete launch asks of the executor (the largest over its launches)."""

    programs: int = 0
    lanes: int = 0
    unrolled: int = 0
    work: int = 0
    elements: int = 0
    lane_programs: int = 0


def check_bounds(conc: ConcreteLaunch, index: SourceIndex | None) -> Measures:
    """Raise BoundExceeded (naming the bound, located where the figure comes from) when the launch
    is past a bound; return the measures otherwise. Without a source index only the launch-side
    bounds (sizes, storage, grid) are checked."""
    spec = conc.spec
    check_size_bound(spec, conc.sizes)
    elements = 0
    for name, t in conc.tensors.items():
        n = t.storage_size
        elements = max(elements, n)
        if n > MAX_TENSOR_ELEMENTS:
            raise BoundExceeded(f"tensor {name} has {n} storage elements at {_fmt(conc.sizes)}, past the "
                                f"bound of {MAX_TENSOR_ELEMENTS} elements per tensor", spec.loc("tensors", name))
    best = Measures(elements=elements)
    multi = len(spec.steps) > 1 or "[[launch]]" in spec.source_text
    for step in conc.steps:
        prefix: tuple[str | int, ...] = ("launch", step.index) if multi else ()
        programs = math.prod(step.grid)
        if programs > MAX_PROGRAMS:
            raise BoundExceeded(f"the grid {list(step.grid)} has {programs} programs at {_fmt(conc.sizes)}, past "
                                f"the bound of {MAX_PROGRAMS} programs per launch", spec.loc(*prefix, "grid"))
        lanes = unrolled = 0
        if index is not None and not step.elementwise:
            fn = index.kernel(step.kernel, Path(spec.path).parent, spec.loc(*prefix, "kernel"))
            lanes, unrolled = _kernel_measures(fn, step)
        work = programs * max(unrolled, 1)
        if work > MAX_WORK:
            raise BoundExceeded(f"{programs} programs x {unrolled} unrolled loop iterations = {work} at "
                                f"{_fmt(conc.sizes)}, past the bound of {MAX_WORK} program-iterations per launch",
                                spec.loc(*prefix, "grid"))
        lane_programs = programs * max(lanes, 1)
        if lane_programs > MAX_LANE_PROGRAMS:
            raise BoundExceeded(f"{programs} programs x tiles of {lanes} lanes = {lane_programs} at "
                                f"{_fmt(conc.sizes)}, past the bound of {MAX_LANE_PROGRAMS} lane-programs per launch",
                                spec.loc(*prefix, "grid"))
        best = Measures(max(best.programs, programs), max(best.lanes, lanes), max(best.unrolled, unrolled),
                        max(best.work, work), elements, max(best.lane_programs, lane_programs))
    return best


def check_program_bounds(conc: ConcreteLaunch, index: SourceIndex, max_elements: int) -> None:
    """The bounds of running a few programs of `conc` (a partial run, `run_launch(programs=...)`):
    the sizes, the tiles and unrolled loops of one program, and the tensors' storage within
    `max_elements` in all (the grid and the program-iterations are not bounded: the grid is not run)."""
    spec = conc.spec
    check_size_bound(spec, conc.sizes)
    storage = sum(t.storage_size for t in conc.tensors.values())
    if storage > max_elements:
        raise BoundExceeded(f"the tensors have {storage} storage elements at {_fmt(conc.sizes)}, past the bound of "
                            f"{max_elements} for running some of the programs", spec.loc("tensors"))
    for step in conc.steps:
        fn = index.kernel(step.kernel, Path(spec.path).parent)
        _kernel_measures(fn, step)


def check_size_bound(spec: LaunchSpec, sizes: Mapping[str, int], key: tuple[str, ...] | None = None) -> None:
    """Every size value within MAX_SIZE (checked before the spec's expressions are evaluated at
    them, so an absurd size is named as such); located at `key`, else at the size."""
    for name, v in sizes.items():
        if isinstance(v, int) and v > MAX_SIZE:
            raise BoundExceeded(f"size {name}={v} is past the bound of {MAX_SIZE} for a size symbol "
                                f"(symbolic execution runs at concrete sizes: use a smaller one)",
                                spec.loc(*(key or ("sizes", name))))


def _fmt(sizes: Mapping[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sizes.items()) or "(no sizes)"


# -- the kernel side ------------------------------------------------------------------------------

def _kernel_measures(fn: FunctionRef, step: ConcreteStep) -> tuple[int, int]:
    env = {k: v for k, v in step.args.items() if isinstance(v, int) and not isinstance(v, bool)}
    env.update(_single_assignments(fn.node, env))
    lanes = 0
    for node in ast.walk(fn.node):
        if isinstance(node, ast.Call):
            n = _tile_lanes(node, env)
            if n is not None:
                if n > MAX_LANES:
                    raise BoundExceeded(f"a tile of {n} lanes, past the bound of {MAX_LANES} lanes per tile "
                                        f"(symbolic execution keeps one term per lane)", fn.module.loc(node))
                lanes = max(lanes, n)
    return lanes, _iterations(fn.node.body, env, fn)


def _leaf(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _tile_lanes(call: ast.Call, env: Mapping[str, int]) -> int | None:
    leaf = _leaf(call.func)
    if leaf == "arange" and len(call.args) == 2:
        lo, hi = (_static(a, env) for a in call.args)
        return None if lo is None or hi is None else hi - lo
    if leaf in TILE_SHAPE_CALLS and isinstance(call.func, ast.Attribute) and call.args:
        shape = call.args[0]
        if isinstance(shape, (ast.List, ast.Tuple)):
            dims = [_static(d, env) for d in shape.elts]
            if dims and all(d is not None for d in dims):
                return math.prod(d for d in dims if d is not None)
    return None


def _single_assignments(fn: ast.FunctionDef, env: Mapping[str, int]) -> dict[str, int]:
    """Local names assigned exactly once to an expression of constants and parameters
    (`num_iters = tl.cdiv(n, BLOCK)`), evaluated in order."""
    counts: dict[str, int] = {}
    assigns: list[tuple[str, ast.expr]] = []
    for node in ast.walk(fn):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, (ast.AugAssign, ast.AnnAssign, ast.For)) else []
        for t in targets:
            for name in (n.id for n in ast.walk(t) if isinstance(n, ast.Name)):
                counts[name] = counts.get(name, 0) + 1
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigns.append((node.targets[0].id, node.value))
    out: dict[str, int] = {}
    local = dict(env)
    for name, value in sorted(assigns, key=lambda a: getattr(a[1], "lineno", 0)):
        if counts.get(name) == 1 and name not in env:
            v = _static(value, local)
            if v is not None:
                out[name] = local[name] = v
    return out


def _iterations(body: list[ast.stmt], env: Mapping[str, int], fn: FunctionRef) -> int:
    """Unrolled loop iterations of `body` (loops whose trip count the AST shows; others count one)."""
    total = 0
    for st in body:
        if isinstance(st, ast.For):
            trips = _trips(st.iter, env)
            inner = _iterations(st.body, env, fn)
            n = (trips if trips is not None else 1) * (1 + inner)
            if n > MAX_UNROLLED:
                raise BoundExceeded(f"this loop unrolls to {n} iterations per program, past the bound of "
                                    f"{MAX_UNROLLED} unrolled loop iterations", fn.module.loc(st))
            total += n
        elif isinstance(st, ast.While):
            if _always_true(st.test) and not _exits(st.body):
                raise SymexError("this `while` loop never ends: its condition is always true and its body "
                                 "has no break or return", fn.module.loc(st))
            total += 1 + _iterations(st.body, env, fn)
        elif isinstance(st, ast.If):
            total += max(_iterations(st.body, env, fn), _iterations(st.orelse, env, fn))
        elif isinstance(st, (ast.With, ast.Try)):
            total += _iterations(st.body, env, fn)
        if total > MAX_UNROLLED:
            raise BoundExceeded(f"the kernel unrolls to more than {MAX_UNROLLED} loop iterations per program "
                                f"(the bound of unrolled loop iterations)", fn.module.loc(st))
    return total


def _trips(it: ast.expr, env: Mapping[str, int]) -> int | None:
    if not isinstance(it, ast.Call) or _leaf(it.func) not in RANGE_CALLS:
        return None
    vals = [_static(a, env) for a in it.args]
    if not vals or any(v is None for v in vals):
        return None
    ints = [v for v in vals if v is not None]
    start, stop, step = (0, ints[0], 1) if len(ints) == 1 else (ints[0], ints[1], ints[2] if len(ints) > 2 else 1)
    if step == 0:
        return None
    return max(0, -(-(stop - start) // step)) if step > 0 else max(0, -(-(start - stop) // -step))


def _always_true(test: ast.expr) -> bool:
    return isinstance(test, ast.Constant) and bool(test.value)


def _exits(body: list[ast.stmt]) -> bool:
    """A `break` for this loop or a `return` anywhere in `body` (not inside nested loops' own
    breaks, which only leave those loops)."""
    stack = list(body)
    while stack:
        st = stack.pop()
        if isinstance(st, (ast.Break, ast.Return)):
            return True
        if isinstance(st, (ast.For, ast.While)):
            stack.extend(n for n in ast.walk(st) if isinstance(n, ast.Return))
            continue
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for child in ast.iter_child_nodes(st):
            if isinstance(child, ast.stmt):
                stack.append(child)
            elif isinstance(child, ast.excepthandler):
                stack.extend(child.body)
    return False


_LIMIT = 1 << 62


def _static(node: ast.expr, env: Mapping[str, int]) -> int | None:
    """The integer value of `node` from constants and known names, or None (also when a value
    would leave ±2**62)."""
    try:
        v = _eval(node, env, 0)
    except (ArithmeticError, ValueError, TypeError, TritonLiftError):
        return None
    return v if v is not None and abs(v) <= _LIMIT else None


def _eval(node: ast.expr, env: Mapping[str, int], depth: int) -> int | None:
    if depth > 30:
        return None
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, int) and not isinstance(node.value, bool) else None
    if isinstance(node, ast.Name):
        return env.get(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        v = _eval(node.operand, env, depth + 1)
        return None if v is None else -v
    if isinstance(node, ast.BinOp):
        a, b = _eval(node.left, env, depth + 1), _eval(node.right, env, depth + 1)
        if a is None or b is None or abs(a) > _LIMIT or abs(b) > _LIMIT:
            return None
        op = type(node.op)
        if op is ast.Add:
            return a + b
        if op is ast.Sub:
            return a - b
        if op is ast.Mult:
            return a * b
        if op is ast.FloorDiv and b:
            return a // b
        if op is ast.Mod and b:
            return a % b
        if op is ast.LShift and 0 <= b <= 62:
            return a << b
        if op is ast.Pow and 0 <= b <= 62 and abs(a) <= 2:
            return a**b
        return None
    if isinstance(node, ast.Call) and not node.keywords:
        leaf = _leaf(node.func)
        args = [_eval(a, env, depth + 1) for a in node.args]
        if any(a is None for a in args):
            return None
        vals: list[Any] = args
        if leaf == "cdiv" and len(vals) == 2 and vals[1]:
            return -(-vals[0] // vals[1])
        if leaf in ("min", "minimum") and vals:
            return min(vals)
        if leaf in ("max", "maximum") and vals:
            return max(vals)
        if leaf == "next_power_of_2" and len(vals) == 1:
            return 1 if vals[0] <= 1 else 1 << (vals[0] - 1).bit_length()
    return None
