"""A store that the same program overwrites later: its value matters only where it survives.

Liger's cross entropy writes the gradient of a whole row in a loop and then fixes up one entry
(`tl.store(X_ptr + y, X_y)`, the target column). The loop's store holds the formula's value
everywhere except at that entry; the last store of the program decides it. For a store S1
followed, in program order, by a store S2 of the same program with one lane and outside any
loop over a symbolic trip count (a fix-up), S1's value obligation is asked only where S2 does
not write the same element:

    mask₁ ∧ ¬(mask₂ ∧ index₂ = index₁)

Sound only if no *other* program's S1 writes an element that S2 fixes up (then the two programs
race, and the stale value could be the last one): the `overwrite` obligation asks that every
program q and lane whose S1 writes S2's element of program p is p itself.
"""

from __future__ import annotations

from typing import Any

import z3

from ..dsl import build
from ..dsl.term import Op, Term, const, var
from . import termops as TO
from .lanebuiltins import Access


def _eq(a: tuple[Term, ...], b: tuple[Term, ...]) -> Term:
    out: Term = const(True)
    for x, y in zip(a, b, strict=True):
        out = build.logical_and(out, build.compare(Op.EQ, x, y))
    return out


def surviving(world: Any, sites: list[Access]) -> list[Access]:
    """`sites` (one launch's stores to one tensor, in program order) with each mask narrowed to
    the elements no later single-lane store of the same program overwrites; each narrowing is
    justified by an `overwrite` obligation (recorded in world.done). A narrowing whose
    obligation fails is not made."""
    out = []
    for k, s in enumerate(sites):
        mask = s.mask
        for later in sites[k + 1:]:
            if later.shape or later.loops or later.value is None:
                continue
            if _owned(world, s, later):
                mask = build.logical_and(mask, build.logical_not(build.logical_and(later.mask, _eq(later.index, s.index))))
        out.append(s if mask is s.mask else Access(s.kind, s.tensor, s.offset, s.index, mask, s.shape, s.value, s.loc,
                                                  s.decoding, s.loops))
    return out


def _other(name: str) -> str:
    """The variable of another program's copy: p0 → q0, l1 → r1, t3 → s3."""
    return {"p": "q", "l": "r", "t": "s"}[name[0]] + name[1:]


def _owned(world: Any, first: Access, later: Access) -> bool:
    """No other program's `first` writes the element `later` writes for program p."""
    grid = [f"p{a}" for a in range(len(world.grid))]
    names = grid + [f"l{k}" for k in range(len(first.shape))] + [t for t, _ in first.loops]
    ren = {n: var(_other(n)) for n in names}
    idx1 = tuple(TO.subst(i, ren) for i in first.index)
    m1 = TO.subst(first.mask, ren)
    enc = world.enc
    hyps = [*world.model.hyps, *world.pid_hyps(), enc.boolean(later.mask), enc.boolean(m1), enc.boolean(_eq(idx1, later.index))]
    for a, g in enumerate(world.grid):
        q = enc.var(_other(f"p{a}"))
        hyps.append(z3.And(0 <= q, q < g))
    for k, n in enumerate(first.shape):
        x = enc.var(_other(f"l{k}"))
        hyps.append(z3.And(0 <= x, x < enc.int_(n)))
    for t, K in first.loops:
        x = enc.var(_other(t))
        hyps.append(z3.And(0 <= x, x < enc.int_(TO.subst(K, ren))))
    goal = z3.And(*[enc.var(_other(f"p{a}")) == enc.var(f"p{a}") for a in range(len(world.grid))]) if grid else z3.BoolVal(True, world.T.ctx)
    line = later.loc.line if later.loc else 0
    return world.check("overwrite", f"{first.tensor}@{line} (overwrites only its own program's earlier store)",
                       hyps, goal, later.loc).proved


__all__ = ["surviving"]
