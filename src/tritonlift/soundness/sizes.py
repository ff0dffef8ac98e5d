"""Sizes at which a claim is judged: past every cap and block size the launch spec (and the
kernel's own integer literals) mention, within a budget the interpreter can afford.

Every integer constant c ≥ 2 (not negated) of the spec's expressions (lets, arguments, autotune values, grids,
shapes, strides, constraints) and of the kernel functions, up to `CAP`, is a potential block
size, cap or threshold; the largest, C, sets the target L = max(2·C + 3, 19) (odd, not a power of
two, so a loop over blocks of C runs at least twice with a masked tail). Three points are judged:
every size at L; every size just past C (max(C + 1, 9)); sizes alternately L and 1. Each point is moved
to satisfy the spec's constraints and then shrunk until it fits the budget (elements of all
tensors, programs of all launches). Constants above `CAP` (grid caps such as 65536) cannot be
reached within the budget: `unreached` lists them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import SpecError
from ..frontend.concrete import instantiate
from ..frontend.launch import LaunchSpec

CAP = 1024
MAX_ELEMENTS = 40_000
MAX_PROGRAMS = 400


@dataclass(frozen=True)
class Plan:
    points: tuple[dict[str, int], ...]
    largest_constant: int
    unreached: tuple[int, ...]  # constants above CAP (caps the judged sizes do not pass)


def spec_constants(spec: LaunchSpec) -> set[int]:
    texts: list[str] = [e.text for e in spec.lets.values()]
    texts += [c.text for cs in spec.sizes.values() for c in cs] + [c.text for c in spec.constraints]
    for d in spec.tensors.values():
        texts += [e.text for e in d.shape] + [e.text for e in (d.strides or ())]
        texts += [e.text for e in (d.value_range or ())]
    out: set[int] = set()
    for s in spec.steps:
        texts += [g.text for g in s.grid]
        for a in s.args.values():
            if a.expr is not None:
                texts.append(a.expr.text)
            if a.kind in ("values", "joint"):
                out |= {int(v) for v in a.value if isinstance(v, int) and not isinstance(v, bool)}
    for t in texts:
        out |= _ints(t)
    return out


def _ints(text: str) -> set[int]:
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return set()
    return _positive_ints(tree)


def _positive_ints(tree: ast.AST) -> set[int]:
    """Integer literals, except negated ones (`ignore_index = -100` is no size threshold)."""
    negated = {id(n.operand) for n in ast.walk(tree) if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub)}
    return {n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and type(n.value) is int and id(n) not in negated}


def kernel_constants(tree: ast.Module, functions: Iterable[str]) -> set[int]:
    """Integer literals of the kernels' bodies (parameter defaults are overridden by the spec)."""
    names = set(functions)
    out: set[int] = set()
    for fn in tree.body:
        if isinstance(fn, ast.FunctionDef) and fn.name in names:
            for st in fn.body:
                out |= _positive_ints(st)
    return out


def _cost(spec: LaunchSpec, sizes: dict[str, int], choice: dict[str, int] | None = None) -> tuple[int, int]:
    conc = instantiate(spec, sizes, choice)
    elements = sum(t.storage_size for t in conc.tensors.values())
    programs = sum(s.grid[0] * s.grid[1] * s.grid[2] for s in conc.steps)
    return elements, programs


def _ok(spec: LaunchSpec, sizes: dict[str, int]) -> bool:
    try:
        elements, programs = _cost(spec, sizes)
    except (SpecError, ZeroDivisionError, ValueError, OverflowError):
        return False
    return elements <= MAX_ELEMENTS and programs <= MAX_PROGRAMS


def _valid(spec: LaunchSpec, sizes: dict[str, int]) -> bool:
    try:
        instantiate(spec, sizes)
        return True
    except (SpecError, ZeroDivisionError, ValueError, OverflowError):
        return False


def _candidates(v: int) -> list[int]:
    out = [v, v + 1, v - 1, v + 2, v - 2, v + 3, v + 4, v - 3]
    x = v
    while x > 1:
        x = x // 2
        out += [x + 1, x, x + 2]
    out += [1, 2, 3, 4]
    return [c for c in dict.fromkeys(out) if c >= 1]


def _violations(spec: LaunchSpec, sizes: dict[str, int]) -> int:
    env: dict = dict(sizes)
    try:
        for name, e in spec.lets.items():
            env[name] = e.eval(env)
    except Exception:  # a let undefined at these sizes
        return 1_000
    bad = 0
    for c in [c for cs in spec.sizes.values() for c in cs] + list(spec.constraints):
        try:
            bad += not c.eval(env)
        except Exception:
            bad += 1
    return bad + sum(v < 1 for v in sizes.values())


def fit(spec: LaunchSpec, target: dict[str, int]) -> dict[str, int] | None:
    """`target` moved to satisfy the constraints (each symbol in turn takes the nearest value that
    breaks the fewest constraints), then shrunk (largest symbol first) until it fits the budget;
    None if nothing is found."""
    point = dict(target)
    for _ in range(3):
        if _valid(spec, point):
            break
        for name in spec.sizes:
            best = min(_candidates(point[name]), key=lambda c: _violations(spec, {**point, name: c}))
            point[name] = best
    if not _valid(spec, point):
        return None
    for _ in range(64):
        if _ok(spec, point):
            return point
        name = max(point, key=lambda n: point[n])
        if point[name] <= 1:
            return None
        shrunk = None
        for c in _candidates(max(1, point[name] * 2 // 3)):
            trial = {**point, name: c}
            if c < point[name] and _valid(spec, trial):
                shrunk = trial
                break
        if shrunk is None:
            return None
        point = shrunk
    return None


def plan(spec: LaunchSpec, extra_constants: Iterable[int] = ()) -> Plan:
    consts = spec_constants(spec) | set(extra_constants)
    reachable = {c for c in consts if 2 <= c <= CAP}
    largest = max(reachable | {4})
    names = list(spec.sizes)
    if not names:
        return Plan(({},), largest, ())
    big = max(2 * largest + 3, 19)
    mid = max(largest + 1, 9)
    targets = [{n: big for n in names}, {n: mid for n in names},
               {n: (big if i % 2 == 0 else 1) for i, n in enumerate(names)}]
    points: list[dict[str, int]] = []
    for t in targets:
        p = fit(spec, t)
        if p is not None and p not in points:
            points.append(p)
    unreached = tuple(sorted(c for c in consts if c > CAP))
    return Plan(tuple(points), largest, unreached)
