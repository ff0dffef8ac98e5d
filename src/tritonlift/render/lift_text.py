"""Rendering a LiftResult: the short text block and JSON (a function of the record only)."""

from __future__ import annotations

from ..result import LiftResult, Status
from .unicode import to_unicode

SEMANTICS = ("semantics: real arithmetic; exp, log, sqrt, ... as functions on ℝ; ±inf only as constants; "
             "NaN and integer wrap-around not modelled")


def _sizes(s: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in s.items()) or "(no sizes)"


def lift_text(r: LiftResult, verbose: bool = False) -> str:
    head = f"{r.op or r.ident}  ({', '.join(r.kernels)})"
    if r.status is Status.BOUNDED:
        claim = f"BOUNDED at {len(r.checked_sizes)} sizes"
    elif r.status is Status.PROVED:
        claim = "PROVED for all sizes satisfying the launch spec"
    else:
        claim = str(r.status)
    lines = [f"{head}  {claim}  {r.seconds:.2f} s"]
    if r.formula is not None:
        from .shared import abbreviate, mark_old_values, shared_subterms

        shown = mark_old_values(r.formula)
        names = shared_subterms(shown)
        for o in shown.outputs:
            lines.append(f"  {o.tensor}[{', '.join(o.index_vars)}] = {to_unicode(abbreviate(o.body, names))}")
        for k, (name, term, idx) in enumerate(names):
            inner = abbreviate(term, names[:k])
            lines.append(f"    where {name}[{', '.join(idx)}] = {to_unicode(inner)}")
    if r.lifted is not None:
        lines.append("  as written by the kernel (before simplification):")
        for o in r.lifted.outputs:
            lines.append(f"  {o.tensor}[{', '.join(o.index_vars)}] = {to_unicode(o.body)}")
    if r.status is Status.PROVED and r.covers:
        lines.append("  proved for: " + "; ".join(r.covers))
    if r.status in (Status.BOUNDED, Status.PROVED):
        lines.append("  checked exactly at: " + "; ".join(_sizes(s) for s in r.checked_sizes))
    if r.status is Status.BOUNDED:
        lines.append(f"  not proved for all sizes: {r.reason.split('not proved for all sizes')[-1].lstrip(': ') or '-'}")
    elif r.reason and r.status is not Status.PROVED:
        lines.append(f"  reason: {r.reason}")
    for f in r.findings:
        lines.append(f"  finding: {f}")
    if r.formula is not None:
        lines.append("  " + SEMANTICS)
    if verbose and r.timings:
        lines.append("  timings: " + ", ".join(f"{k} {v:.3f} s" for k, v in r.timings.items()))
    if verbose and r.simplification:
        lines.extend("  " + line for line in r.simplification.splitlines())
    if verbose and r.proof:
        lines.extend("  " + line for line in r.proof.splitlines())
    if r.status in (Status.PROVED, Status.BOUNDED) and r.assumptions:
        lines.append("  assumptions: " + ", ".join(r.assumptions) + " (tritonlift assumptions)")
    return "\n".join(lines)
