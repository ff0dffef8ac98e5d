"""Rendering a LiftResult as text: a function of the record only (JSON: `LiftResult.to_json`).

Every result that states a formula or a finding also states what it covers and rests on: the
semantics, the spec's size constraints and data ranges, the lemmas and assumed constants.
"""

from __future__ import annotations

from ..result import SEMANTICS as _SEMANTICS
from ..result import Assumptions, Finding, LiftResult, Status, Verdict, sizes_text
from .unicode import to_unicode

SEMANTICS = "semantics: " + "; ".join(_SEMANTICS)


def claim_text(status: Status, checked: int) -> str:
    if status is Status.BOUNDED:
        return f"BOUNDED at {checked} sizes"
    if status is Status.PROVED:
        return "PROVED for all sizes satisfying the launch spec"
    return str(status)


def lift_text(r: LiftResult, verbose: bool = False) -> str:
    head = f"{r.op or r.ident}  ({', '.join(r.kernels)})"
    lines = [f"{head}  {claim_text(r.status, len(r.checked_sizes))}  {r.seconds:.2f} s"]
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
    if r.formula is not None and r.checked_sizes:
        lines.append("  checked exactly at: " + "; ".join(sizes_text(s) for s in r.checked_sizes))
    if r.status is Status.BOUNDED:
        lines.append(f"  not proved for all sizes: {not_proved_text(r.verdict)}")
    elif r.status is Status.FINDINGS:
        lines.append(f"  bug found: {len(r.bugs)} finding{'s' if len(r.bugs) != 1 else ''} below"
                     + (f"; {r.reason}" if r.reason else ""))
    elif r.reason and r.status is not Status.PROVED:
        lines.append(f"  reason: {r.reason}")
    lines += finding_lines(r.findings)
    if r.formula is not None or r.status is Status.FINDINGS:
        lines += assumption_lines(r.assumptions)
    if verbose and r.timings:
        lines.append("  timings: " + ", ".join(f"{k} {v:.3f} s" for k, v in r.timings.items()))
    if verbose and r.simplification is not None:
        lines.extend("  " + line for line in r.simplification.explain().splitlines())
    if verbose and r.verdict is not None:
        lines.extend("  " + line for line in r.verdict.explain().splitlines())
    return "\n".join(lines)


def not_proved_text(v: Verdict | None) -> str:
    """Why a BOUNDED result is not PROVED, from the prover's verdict (None: it did not run)."""
    if v is None:
        return "the prover did not run (--no-prove)"
    return v.message or str(v.status)


def finding_lines(findings: tuple[Finding, ...]) -> list[str]:
    return [f"  {'finding' if f.bug else 'note'}: {f}" for f in findings]


def assumption_lines(a: Assumptions) -> list[str]:
    """The semantics line, the spec's preconditions, then the lemmas and assumed constants."""
    lines = ["  " + SEMANTICS]
    pre = [*a.sizes, *a.data]
    if pre:
        lines.append("  assumes: " + "; ".join(pre))
    if a.trusted():
        lines.append("  assumptions: " + ", ".join(a.trusted()) + " (tritonlift assumptions)")
    return lines
