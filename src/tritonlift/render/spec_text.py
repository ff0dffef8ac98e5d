"""Printing a Spec: one line per written output element, text or JSON."""

from __future__ import annotations

from typing import Any

from ..dsl.printer import to_text
from ..frontend.launch import LaunchSpec
from ..symex.runner import Spec


def _sizes(spec: Spec) -> str:
    return ", ".join(f"{k}={v}" for k, v in spec.sizes.items()) or "-"


def spec_text(launch: LaunchSpec, spec: Spec) -> str:
    kernels = ", ".join(s.kernel for s in launch.steps)
    lines = [f"{launch.op or launch.path.stem}: {kernels}  at {_sizes(spec)}"]
    if spec.choice:
        lines.append("  autotune choice: " + ", ".join(f"{k}={v}" for k, v in spec.choice.items()))
    n = 0
    for name, idx, term in spec.elements():
        lines.append(f"{name}[{', '.join(map(str, idx))}] = {to_text(term)}")
        n += 1
    if n == 0:
        lines.append("(no output element written)")
    for f in spec.findings:
        lines.append(f"finding: {f.text(sizes=False)}")  # the sizes head the output
    return "\n".join(lines)


def spec_json(launch: LaunchSpec, spec: Spec) -> dict[str, Any]:
    return {
        "launch": str(launch.path),
        "op": launch.op,
        "kernels": [s.kernel for s in launch.steps],
        "sizes": spec.sizes,
        "choice": spec.choice,
        "outputs": {
            name: {"shape": list(spec.shapes[name]),
                   "elements": [{"index": list(idx), "expr": to_text(t)}
                                for n2, idx, t in spec.elements() if n2 == name]}
            for name in spec.outputs
        },
        "findings": [f.to_json() for f in spec.findings],
    }
