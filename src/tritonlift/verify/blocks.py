"""Every autotune configuration at once: listed constexpr values as one symbol each.

A launch spec lists the values an autotuned constexpr takes (`BLOCK_M = [16, 32, 64, 128, 256]`);
the configurations are their cartesian product, and the prover used to evaluate and prove the
kernel once per configuration (FlagGems mm: 60 times). Instead each listed parameter becomes a
size-like symbol constrained to its list (`BLOCK_M ∈ {16, 32, 64, 128, 256}`), and the kernel is
evaluated and proved once, for all of them together: one proof for every size and every listed
value, so it covers each configuration. Where a kernel needs the number itself (Python control
flow on a constexpr, a `static_range` bound), the evaluation is refused and the caller falls back
to one proof per configuration, so no verdict is lost, only the time of the attempt.
"""

from __future__ import annotations

import z3

from ..frontend.launch import LaunchSpec
from .sizemodel import SizeModel

SYMBOLIC = -1  # the `choice` index of a parameter bound to its symbol
SECONDS = 3.0  # solver time per query of the all-configurations attempt (it replaces many)


def listed(spec: LaunchSpec) -> dict[str, tuple[int, ...]] | None:
    """`"<step>.<param>"` -> its listed values, when every listed value of every parameter is a
    positive constant integer (block sizes, group sizes); None otherwise."""
    out: dict[str, tuple[int, ...]] = {}
    for s in spec.steps:
        for k, a in s.args.items():
            if a.kind != "values":
                continue
            vals = []
            for v in a.value:
                if v.kind != "int" or v.expr is None:
                    return None
                try:
                    n = v.expr.eval({})
                except Exception:  # noqa: BLE001 - names a size or let: not a plain constant
                    return None
                if not isinstance(n, int) or isinstance(n, bool) or n < 1:
                    return None
                vals.append(n)
            out[f"{s.index}.{k}"] = tuple(vals)
    return out or None


def symbol_name(key: str, model: SizeModel) -> str:
    """The symbol of parameter `"<step>.<param>"`: its own name unless a size or let has it."""
    step, param = key.split(".", 1)
    name = param if step == "0" else f"{param}_{step}"
    while name in model.syms or name in model.spec.sizes or name in model.spec.lets:
        name += "_"
    return name


def bind(model: SizeModel, values: dict[str, tuple[int, ...]]) -> dict[str, str]:
    """Declare one symbol per listed parameter, constrained to its values; key -> symbol name.
    The constraint joins `model.hyps` (every obligation assumes it); it is the spec's own list,
    which the result's coverage states, so it is no assumption of the proof."""
    names = {}
    for key, vals in values.items():
        name = symbol_name(key, model)
        v = z3.Int(name, model.T.ctx)
        model.syms[name] = v
        model.hyps.append(z3.Or(*[v == n for n in vals]))
        names[key] = name
    model.listed.update(names)
    return names


class Abandoned(Exception):
    """An obligation of the all-configurations attempt was not proved: stop it there."""


class FirstFailureStops(list):
    """The obligation record of the all-configurations attempt: that attempt only counts when
    everything is proved, so the first obligation that is not ends it (its caller then proves
    the configurations one by one, which reports every obligation)."""

    def append(self, ob) -> None:
        super().append(ob)
        if not ob.proved:
            raise Abandoned(str(ob))

    def __iadd__(self, obs):
        for ob in obs:
            self.append(ob)
        return self

    def extend(self, obs) -> None:
        for ob in obs:
            self.append(ob)
