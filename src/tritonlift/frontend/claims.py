"""What a result about a launch spec covers and assumes, in the spec's own words: the `Coverage`
and `Assumptions` records every lift and check result carries (text and JSON)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..result import Assumptions, Coverage
from .launch import LaunchSpec


def coverage(spec: LaunchSpec, checked: Iterable[Mapping[str, int]] = (), conditions: Iterable[str] = ()) -> Coverage:
    """Every size (with its constraints), every block size given as an expression of sizes,
    every autotune configuration; `checked`: the sizes executed exactly."""
    sizes = tuple(f"{n} ≥ 1" + "".join(f", {c.text}" for c in cs) for n, cs in spec.sizes.items())
    configs, n_configs, blocks = [], 1, []
    for step in spec.steps:
        joint = {k: a for k, a in step.args.items() if a.kind == "joint"}
        if joint:
            n = len(next(iter(joint.values())).value)
            n_configs *= n
            rows = ", ".join("(" + ", ".join(_shown(a.value[i]) for a in joint.values()) + ")" for i in range(n))
            configs.append(f"({', '.join(joint)}) ∈ {{{rows}}}")
        for k, a in step.args.items():
            if a.kind == "values":
                n_configs *= len(a.value)
                shown = ", ".join(_shown(v) for v in a.value)
                configs.append(f"{k} ∈ {{{shown}}}")
            elif a.kind == "int" and a.expr is not None and ("(" in a.expr.text or a.expr.names & set(spec.lets)):
                lets = [f" = {spec.lets[n].text}" for n in sorted(a.expr.names & set(spec.lets)) if a.expr.text == n]
                blocks.append(f"{k} = {a.expr.text}{''.join(lets)}")
    return Coverage(sizes, tuple(c.text for c in spec.constraints), tuple(blocks), tuple(configs), n_configs,
                    tuple(dict(s) for s in checked), tuple(conditions))


def assumptions(spec: LaunchSpec, lemmas: Iterable[str] = (), constants: Iterable[str] = ()) -> Assumptions:
    """The spec's preconditions (size constraints, integer data ranges, real constraints), the
    lemmas a proof used and the constants the simplifier assumed."""
    sizes = [f"{n} ≥ 1" + "".join(f", {c.text}" for c in cs) for n, cs in spec.sizes.items()]
    sizes += [c.text for c in spec.constraints]
    data = []
    for name, d in spec.tensors.items():
        if d.value_range is not None:
            lo, hi = d.value_range
            also = "".join(f" or is {a.text}" for a in d.also)
            data.append(f"every element of {name} lies in [{lo.text}, {hi.text}){also}")
        if d.distinct:
            data.append(f"the elements of {name} are pairwise distinct")
    for name, cs in spec.reals.items():
        data.append(f"{name} real" + "".join(f", {c}" for c in cs))
    return Assumptions(sizes=tuple(sizes), data=tuple(data), lemmas=_unique(lemmas), constants=_unique(constants))


def _shown(v) -> str:
    return v.expr.text if v.expr is not None else str(v.value)


def _unique(xs: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for x in xs:
        if x not in out:
            out.append(x)
    return tuple(out)
