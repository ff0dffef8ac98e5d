"""Replaying a solver model: the kernel executed at the sizes a failed obligation's model names.

A model of a failed obligation (`Obligation.model`: the size symbols, program ids `p0..p2` and
lanes `l0..`) is only a hint: math functions are uninterpreted in the solver. It becomes a
counterexample when the kernel, executed at those sizes, and the formula differ numerically
(`verify.counterexample`). Sizes are taken as the model gives them, however large (size-threshold
bugs live at N = 780 or 66561): the whole launch is executed when it is within the executor's
bounds, else only the model's program and its neighbours along axis 0 (`run_launch(programs=)`),
which is the launch's result for the elements they write unless they read memory other programs
write or use atomics (then no counterexample is claimed).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import BoundExceeded, TritonLiftError
from ..frontend.bounds import MAX_SIZE, check_program_bounds
from ..frontend.concrete import ConcreteLaunch, instantiate
from ..frontend.launch import LaunchSpec
from ..frontend.source import SourceIndex
from ..symex.runner import Spec, run_launch

PARTIAL_MAX_ELEMENTS = 1 << 22  # storage of all tensors when only some programs run
MAX_REPLAY_ELEMENTS = 256  # written elements searched for a difference after a partial run


@dataclass(frozen=True)
class ModelPoint:
    """What a solver model names: a value for every size symbol, and the program (x, y, z) and
    lanes of the failing store when the model has them."""

    sizes: dict[str, int]
    program: tuple[int, int, int] | None = None
    lanes: tuple[int, ...] = ()

    @staticmethod
    def from_model(spec: LaunchSpec, model: tuple[tuple[str, str], ...] | dict[str, str]) -> ModelPoint | None:
        vals = dict(model)
        sizes: dict[str, int] = {}
        for name in spec.sizes:
            v = _int(vals.get(name))
            if v is None or not 1 <= v <= MAX_SIZE:
                return None
            sizes[name] = v
        pids = [_int(vals.get(f"p{a}")) for a in range(3)]
        program = None if any(p is None or p < 0 for p in pids) else (pids[0], pids[1], pids[2])  # type: ignore[assignment]
        lanes = []
        for k in range(8):
            v = _int(vals.get(f"l{k}"))
            if v is None:
                break
            lanes.append(v)
        return ModelPoint(sizes, program, tuple(lanes))


def _int(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return None


def execute_at(spec: LaunchSpec, point: ModelPoint, choice: dict[str, int], index: SourceIndex) -> tuple[ConcreteLaunch, Spec] | None:
    """The launch instantiated at the point's sizes and executed: whole when within the bounds,
    else only the point's program and its axis-0 neighbours. None when it cannot be executed or
    a partial run's outputs may not be the launch's."""
    from ..pipeline import execute

    try:
        conc = instantiate(spec, point.sizes, dict(choice))
    except TritonLiftError:
        return None
    try:
        return conc, execute(conc, index)
    except BoundExceeded:
        pass
    except (TritonLiftError, RecursionError):
        return None
    if point.program is None or len(conc.steps) != 1 or conc.steps[0].elementwise:
        return None
    grid = conc.steps[0].grid
    x, y, z = point.program
    if not (x < grid[0] and y < grid[1] and z < grid[2]):
        return None
    programs = frozenset((px, y, z) for px in (x - 1, x, x + 1) if 0 <= px < grid[0])
    try:
        check_program_bounds(conc, index, PARTIAL_MAX_ELEMENTS)
        sp = run_launch(conc, index, programs)
    except (TritonLiftError, RecursionError):
        return None
    return (conc, sp) if not sp.partial_caveat else None


def written_elements(sp: Spec, tensors: list[str], point: ModelPoint | None = None) -> list[tuple[str, tuple[int, ...]]]:
    """The elements of `tensors` the run wrote, at most MAX_REPLAY_ELEMENTS: first those the
    point's program stored from the point's lanes, then its program's others, then the rest
    (evenly spread)."""
    out = [(name, idx) for name, idx, _ in sp.elements() if name in tensors]

    def rank(e: tuple[str, tuple[int, ...]]) -> int:
        who = sp.stored_by.get(e)
        if point is None or who is None or tuple(who[0]) != point.program:
            return 2
        return 0 if who[1][:len(point.lanes)] == point.lanes else 1

    first = [e for e in out if rank(e) < 2]
    first.sort(key=rank)
    rest = [e for e in out if rank(e) == 2]
    room = max(MAX_REPLAY_ELEMENTS - len(first), 0)
    if len(rest) > room:
        step = len(rest) / max(room, 1)
        rest = [rest[int(k * step)] for k in range(room)]
    return (first + rest)[:max(MAX_REPLAY_ELEMENTS, 1)]


__all__ = ["ModelPoint", "execute_at", "written_elements"]
