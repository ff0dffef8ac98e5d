"""Triton's launch rules (issue 11, point 3), at concrete sizes and as obligations over all sizes.

What Triton 3.x rejects when it compiles a kernel (`triton/language/semantic.py`: `arange`,
`load`; `triton/_utils.py`: `validate_block_shape`, `TRITON_MAX_TENSOR_NUMEL = 2**20`):

- `tl.arange(start, end)`: both bounds compile-time integers (`tl.constexpr`), end > start, the
  range end − start a power of two;
- a tile shape (`tl.zeros`, `tl.full`, every block type): each extent a power of two, at most
  2**20 elements in all;
- `tl.load(..., other=...)` without `mask=`.

And what the CUDA driver rejects at launch: a grid of more than 2**31 − 1 programs on axis 0 or
more than 65535 on axes 1 and 2.

The symbolic executor applies the rules at its concrete sizes (`symex/tritonrules.py`). The prover records every tile extent while it evaluates
the kernel (`LaunchRuleHooks`) and proves each rule for every allowed size (`obligations`): an
extent is a power of two and at most 2**20 when it is one of 2**0 ... 2**20 (a finite
disjunction, exact); a `next_power_of_2` of the launch spec is a power of two. A rule that fails
at some allowed size is a `launch-rule` obligation that failed, with the sizes of the solver's
model: the result is an error naming them. A grid past the driver's limits only restricts what
the proof covers (the launch fails loudly there, it computes nothing wrong).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import z3

from ..dsl.printer import to_text
from ..dsl.term import Op, Term
from ..errors import SourceLoc
from ..result import Finding, FindingKind
from ..symex.tritonrules import MAX_NUMEL, check_other, is_pow2
from .lanetile import Lanes

GRID_LIMITS = (2**31 - 1, 65535, 65535)


@dataclass(frozen=True)
class Extent:
    """A tile shape created at `loc` (`what`: arange, full), as terms over sizes."""

    shape: tuple[Term, ...]
    what: str
    loc: SourceLoc | None


class LaunchRuleHooks:
    """Mixed into the prover's evaluator: records tile shapes (`extents`: aranges, tl.zeros/full,
    and every new shape a broadcast makes) and refuses `other=` without `mask=`."""

    loc: SourceLoc | None
    extents: list[Extent]

    def _extent(self, shape: tuple[Term, ...], what: str) -> None:
        if not hasattr(self, "extents"):
            self.extents = []
        self.extents.append(Extent(shape, what, self.loc))

    def tl_arange(self, start: Any, end: Any) -> Lanes:
        r = super().tl_arange(start, end)  # type: ignore[misc]
        self._extent(r.shape, "tl.arange")
        return r

    def tl_full(self, shape: Any, value: Any, dtype: Any = None) -> Lanes:
        r = super().tl_full(shape, value, dtype)  # type: ignore[misc]
        self._extent(r.shape, "a tile (tl.zeros/tl.full)")
        return r

    def _combined(self, r: Any) -> Any:
        # a shape made by broadcasting (`rows[:, None] + cols[None, :]`, tl.where, tl.dot) is a
        # tile of its own: each extent is some operand's, but the product can pass 2**20
        if isinstance(r, Lanes) and r.rank >= 2:
            seen = self.__dict__.setdefault("_combined_shapes", set())
            if r.shape not in seen:
                seen.add(r.shape)
                self._extent(r.shape, "a tile")
        return r

    def binary(self, op: Any, a: Any, b: Any) -> Any:
        return self._combined(super().binary(op, a, b))  # type: ignore[misc]

    def where(self, c: Any, a: Any, b: Any) -> Any:
        return self._combined(super().where(c, a, b))  # type: ignore[misc]

    def tl_broadcast_to(self, x: Any, *shape: Any) -> Any:
        return self._combined(super().tl_broadcast_to(x, *shape))  # type: ignore[misc]

    def tl_dot(self, a: Any, b: Any, *args: Any, **kw: Any) -> Any:
        return self._combined(super().tl_dot(a, b, *args, **kw))  # type: ignore[misc]

    def tl_load(self, pointer: Any, mask: Any = None, other: Any = None, **kw: Any) -> Lanes:
        check_other(mask, other, self.loc)
        return super().tl_load(pointer, mask, other, **kw)  # type: ignore[misc]


def _is_pow2(x: z3.ArithRef, top: int) -> z3.BoolRef:
    return z3.Or(*[x == 2**k for k in range(top + 1)])


def pow2_facts(world: Any) -> list[z3.BoolRef]:
    """`next_power_of_2(e)` of the launch spec is a power of two (the size model states only
    e ≤ P < 2e)."""
    return [_is_pow2(p, 62) for p in getattr(world.model, "pow2", [])]


def obligations(world: Any, extents: list[Extent], grid_text: tuple[str, ...]) -> None:
    """`launch-rule` obligations: every recorded tile shape has power-of-two extents and at most
    2**20 elements at every allowed size; the grid fits the driver's limits (else a `covers`
    restriction)."""
    from ..result import Obligation

    hyps = [*world.model.hyps, *pow2_facts(world)]
    seen: set[tuple[Term, ...]] = set()
    for e in extents:
        if e.shape in seen or not e.shape:
            continue
        seen.add(e.shape)
        if all(d.op is Op.CONST for d in e.shape):  # decided here; the executor raises at every size
            ok = all(is_pow2(int(d.value)) for d in e.shape) and math.prod(int(d.value) for d in e.shape) <= MAX_NUMEL
            world.done.append(Obligation(f"{e.what} [{', '.join(str(d.value) for d in e.shape)}]", "launch-rule",
                                         "proved" if ok else "failed", 0.0, "constant shape" if ok else
                                         f"Triton rejects the launch at every size: {e.what} of shape "
                                         f"{[d.value for d in e.shape]} (not powers of two, or more than 2**20 "
                                         f"elements)", (), str(e.loc or "")))
            continue
        dims = [world.enc.int_(d) for d in e.shape]
        numel = z3.Product(*dims) if len(dims) > 1 else dims[0]
        text = _shape_text(world, e.shape)
        pow2 = z3.And(*[_is_pow2(d, 62) for d in dims])
        ob = world.check("launch-rule", f"{e.what} [{text}] power of two", hyps, pow2, e.loc, record=False)
        if not ob.proved:
            world.done.append(_rejected(world, ob, e, text, "must have power-of-two extents", hyps, pow2))
            continue
        world.done.append(ob)
        ob = world.check("launch-rule", f"{e.what} [{text}] at most 2**20 elements", hyps, numel <= MAX_NUMEL, e.loc,
                         record=False)
        if not ob.proved:
            # past 2**20 elements Triton refuses to compile: an error where the spec bounds the sizes
            # (it claims them), else the proof covers the sizes where the tile fits
            bounded = world.check("launch-rule", f"{e.what} [{text}] bounded", hyps, numel <= 2**40, e.loc,
                                  record=False)
            if bounded.proved:
                ob = _rejected(world, ob, e, text, "must have at most 2**20 elements", hyps, numel <= MAX_NUMEL)
            else:
                from dataclasses import replace

                cover = f"{e.what} of shape [{text}] ({e.loc}) has at most 2**20 elements (Triton's limit)"
                ob = replace(ob, status="proved", answer=f"holds only for the sizes where {cover}", covers=cover)
        world.done.append(ob)
    for a, g in enumerate(world.grid):
        fixed = z3.simplify(g)
        if z3.is_int_value(fixed) and fixed.as_long() <= GRID_LIMITS[a]:
            continue
        from dataclasses import replace

        from .intwidth import ordinary, ordinary_implied, ordinary_text

        cover = f"grid axis {a} ({grid_text[a] if a < len(grid_text) else g}) ≤ {GRID_LIMITS[a]} programs"
        if ("grid", a, cover) in world.memo:  # past the limit in another configuration: claiming less is sound
            world.done.append(Obligation(f"grid axis {a} ≤ {GRID_LIMITS[a]}", "launch-rule", "proved", 0.0,
                                         f"holds only for the sizes where {cover}", (), "", covers=cover))
            continue
        # at ordinary sizes first (the grid almost always fits there); the ordinary restriction is
        # what the proof covers unless the spec's own constraints imply it (intwidth's memo)
        ob = world.check("launch-rule", f"grid axis {a} ≤ {GRID_LIMITS[a]}", [*world.model.hyps, *ordinary(world)],
                         g <= GRID_LIMITS[a], None, record=False)
        if ob.proved:
            world.done.append(ob if ordinary_implied(world) else replace(ob, answer="unsat for tensors of at most 2**30 elements",
                                                         covers=ordinary_text(world)))
            continue
        ob = world.check("launch-rule", f"grid axis {a} ≤ {GRID_LIMITS[a]}", list(world.model.hyps),
                         g <= GRID_LIMITS[a], None, record=False)
        if not ob.proved:
            world.memo[("grid", a, cover)] = True
            ob = replace(ob, status="proved", answer=f"holds only for the sizes where {cover} (CUDA's limit: "
                         f"past it the launch fails)", covers=cover)
        world.done.append(ob)


def _shape_text(world: Any, shape: tuple[Term, ...]) -> str:
    """The extents in the spec's words: a launch value the size model names `E_<arg>` is shown
    with its expression."""
    text = ", ".join(to_text(d) for d in shape)
    for step in world.model.spec.steps:
        for name, a in step.args.items():
            if f"E_{name}" in text and a.expr is not None:
                text = text.replace(f"E_{name}", f"{name} = {a.expr.text}")
    return text


def _rejected(world: Any, ob: Any, e: Extent, text: str, rule: str, hyps: list, goal: z3.BoolRef) -> Any:
    from dataclasses import replace

    from .intwidth import sizes_of, smallest

    vals = dict(ob.model)
    sizes = (smallest(world, hyps, goal) if ob.status == "failed" else "") or \
        ", ".join(f"{n}={vals[n]}" for n in world.model.spec.sizes if n in vals)
    at = f" at {sizes}" if sizes else " at some allowed size"
    if ob.status == "failed":
        msg = f"Triton rejects the launch{at}: {e.what} of shape [{text}] {rule}"
        found = Finding(FindingKind.LAUNCH, f"Triton rejects the launch: {e.what} of shape [{text}] {rule}", e.loc,
                        (), sizes_of(sizes))
        return replace(ob, answer=msg, finding=found)
    return replace(ob, answer=f"{e.what} of shape [{text}] not shown to satisfy Triton's rule ({rule}): {ob.answer}")


__all__ = ["Extent", "LaunchRuleHooks", "obligations"]
