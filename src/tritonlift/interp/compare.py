"""Compare the formula lifted from a traced launch spec with the one from a hand-written spec of the
same kernels: tensors and reals are renamed through the kernel parameters both specs bind, then the
printed formulas (simplified form, with their `where` lines) are compared as text.

No torch: only the core (pipeline, renderers) is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..frontend.launch import LaunchSpec, load_launch
from ..options import Options


@dataclass
class Comparison:
    traced_status: str
    hand_status: str
    traced_formula: list[str]  # renamed to the hand spec's names
    hand_formula: list[str]
    renaming: dict[str, str]

    @property
    def same_formula(self) -> bool:
        return bool(self.hand_formula) and sorted(self.traced_formula) == sorted(self.hand_formula)

    @property
    def same_status(self) -> bool:
        return self.traced_status == self.hand_status


def renaming(traced: LaunchSpec, hand: LaunchSpec) -> dict[str, str]:
    """Traced tensor/real name -> hand-written name, through the parameters both specs bind."""
    out: dict[str, str] = {}
    hand_steps = list(hand.steps)
    for st in traced.steps:
        match = next((h for h in hand_steps if _same_kernel(h.kernel, st.kernel)), None)
        if match is None:
            continue
        hand_steps.remove(match)
        for p, a in st.args.items():
            b = match.args.get(p)
            if b is not None and a.kind == b.kind and a.kind in ("tensor", "real") and a.name and b.name:
                out.setdefault(a.name, b.name)
    return out


def _same_kernel(a: str, b: str) -> bool:
    return a.rsplit(":", 1)[-1] == b.rsplit(":", 1)[-1]


def formula_lines(text: str) -> list[str]:
    """The formula lines of `lift_text` output: after the header, before `as written`/`checked`."""
    lines = text.splitlines()[1:]
    out = []
    for line in lines:
        s = line.strip()
        if s.startswith(("as written", "checked", "semantics", "assumptions", "assumes", "reason", "finding", "note:",
                         "bug found", "proved for", "not proved", "covers")):
            break
        if s:
            out.append(s)
    return out


def rename_text(line: str, names: dict[str, str]) -> str:
    if not names:
        return line
    pat = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(names, key=len, reverse=True)) + r")\b")
    return pat.sub(lambda m: names[m.group(1)], line)


def compare(traced_path: str | Path, hand_path: str | Path, opts: Options | None = None) -> Comparison:
    from ..pipeline import lift
    from ..render.lift_text import lift_text

    opts = opts or Options()
    names = renaming(load_launch(traced_path), load_launch(hand_path))
    rt = lift(traced_path, opts)
    rh = lift(hand_path, opts)
    traced = [rename_text(x, names) for x in formula_lines(lift_text(rt))]
    hand = formula_lines(lift_text(rh))
    return Comparison(rt.status.name, rh.status.name, traced, hand, names)
