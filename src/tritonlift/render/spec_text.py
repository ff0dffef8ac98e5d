"""Printing a Spec: one line per written output element, text or JSON."""

from __future__ import annotations

from typing import Any

from ..dsl.printer import to_text_shared
from ..frontend.launch import LaunchSpec
from ..result import SCHEMA_VERSION
from ..symex.runner import Spec


def _sizes(spec: Spec) -> str:
    return ", ".join(f"{k}={v}" for k, v in spec.sizes.items()) or "-"


def spec_text(launch: LaunchSpec, spec: Spec) -> str:
    kernels = ", ".join(s.kernel for s in launch.steps)
    lines = [f"{launch.op or launch.path.stem}: {kernels}  at {_sizes(spec)}"]
    if spec.choice:
        lines.append("  autotune choice: " + ", ".join(f"{k}={v}" for k, v in spec.choice.items()))
    elements = list(spec.elements())
    defs, texts = to_text_shared([t for _, _, t in elements])
    if defs:  # long sub-terms several elements share, printed once (the output stays linear)
        lines.append("where (shared sub-terms):")
        lines += [f"  {name} = {text}" for name, text in defs]
    for (name, idx, _), text in zip(elements, texts, strict=True):
        lines.append(f"{name}[{', '.join(map(str, idx))}] = {text}")
    if not elements:
        lines.append("(no output element written)")
    for f in spec.findings:
        lines.append(f"finding: {f.text(sizes=False)}")  # the sizes head the output
    return "\n".join(lines)


def spec_json(launch: LaunchSpec, spec: Spec) -> dict[str, Any]:
    elements = list(spec.elements())
    defs, texts = to_text_shared([t for _, _, t in elements])
    return {
        "schema_version": SCHEMA_VERSION,
        "launch": str(launch.path),
        "op": launch.op,
        "kernels": [s.kernel for s in launch.steps],
        "sizes": spec.sizes,
        "choice": spec.choice,
        "shared": dict(defs),  # `$k` in an element's expr stands for shared[`$k`]
        "outputs": {
            name: {"shape": list(spec.shapes[name]),
                   "elements": [{"index": list(idx), "expr": text}
                                for (n2, idx, _), text in zip(elements, texts, strict=True) if n2 == name]}
            for name in spec.outputs
        },
        "findings": [f.to_json() for f in spec.findings],
    }
