"""Rendering a CheckResult (a function of the record only): text and JSON.

A refutation leads with one replayable line, `file:line: error: ...` (the kernel's definition),
naming the element, both values, every input and the sizes, so the run can be repeated by hand.
"""

from __future__ import annotations

from typing import Any

from ..result import CheckResult, Counterexample, Status
from .lift_text import assumption_lines, finding_lines, not_proved_text
from .unicode import to_unicode


def check_text(r: CheckResult, verbose: bool = False) -> str:
    lines = []
    if r.counterexample is not None:
        lines.append(f"{r.location}: error: {counterexample_text(r.counterexample)}")
    claim = f"BOUNDED at {len(r.checked_sizes)} sizes" if r.status is Status.BOUNDED else str(r.status)
    lines.append(f"{r.op or r.ident}  ({', '.join(r.kernels)})  {claim}  {r.seconds:.2f} s")
    if r.formula is not None:
        for o in r.formula.outputs:
            lines.append(f"  {o.tensor}[{', '.join(o.index_vars)}] = {to_unicode(o.body)}")
    if len(r.outputs) > 1:
        for v in r.outputs:
            lines.append(f"  {v.tensor}: {v.status}" + (f" ({v.detail})" if v.detail and v.status is not Status.REFUTED else ""))
    if r.status in (Status.PROVED, Status.BOUNDED, Status.FINDINGS) and r.checked_sizes:
        lines.append("  checked exactly at: " + "; ".join(_sizes(s) for s in r.checked_sizes))
    if r.status is Status.PROVED and r.coverage is not None:
        lines.append("  proved for: " + "; ".join(r.coverage.lines()))
    if r.status is Status.BOUNDED:
        lines.append(f"  not proved for all sizes: {not_proved_text(r.verdict)}")
    elif r.counterexample is not None:
        lines.append(f"  counterexample found by {r.counterexample.found_by}; values in float64, "
                     f"kernel side from its symbolic execution")
    elif r.status is Status.FINDINGS:
        lines.append(f"  bug found in the kernel: {len(r.bugs)} finding{'s' if len(r.bugs) != 1 else ''} below"
                     + (f"; {r.reason}" if r.reason else ""))
    elif r.reason:
        lines.append(f"  reason: {r.reason}")
    if r.unstated:
        lines.append(f"  not checked (not stated in the formula): {', '.join(r.unstated)}")
    lines += finding_lines(r.findings)
    if r.status is not Status.ERROR and r.formula is not None:
        lines += assumption_lines(r.assumptions)
    if verbose and r.timings:
        lines.append("  timings: " + ", ".join(f"{k} {v:.3f} s" for k, v in r.timings.items()))
    if verbose and r.verdict is not None:
        lines.extend("  " + line for line in r.verdict.explain().splitlines())
    return "\n".join(lines)


def counterexample_text(c: Counterexample) -> str:
    """`y[0, 1] = 0.2689 (kernel) but formula gives 0.5 when x = [[1.0, 2.0]] at M=1, N=2`."""
    elem = f"{c.tensor}[{', '.join(map(str, c.index))}]"
    if c.kernel_value is None:
        head = f"{elem} is never written by the kernel, but formula gives {_num(c.formula_value)}"
    else:
        k, f = _pair(c.kernel_value, c.formula_value)
        head = f"{elem} = {k} (kernel) but formula gives {f}"
    values = [f"{n} = {_value(v)}" for n, v in c.inputs.items()] + [f"{n} = {v!r}" for n, v in c.reals.items()]
    when = f" when {', '.join(values)}" if values else ""
    # the first autotune configuration is the default; name the choice only when it is another
    choice = (f" (autotune choice {', '.join(f'{k}={v}' for k, v in c.choice.items())})"
              if any(c.choice.values()) else "")
    return f"{head}{when} at {_sizes(c.sizes)}{choice}"


def _pair(k: float, f: float) -> tuple[str, str]:
    """Both values with the fewest significant digits (at least 4) that tell them apart."""
    for digits in range(4, 18):
        a, b = f"{k:.{digits}g}", f"{f:.{digits}g}"
        if a != b:
            return a, b
    return repr(k), repr(f)


def _num(v: float) -> str:
    return f"{v:.6g}" if isinstance(v, float) else str(v)


def _value(v: Any) -> str:
    # Python's repr of the stored lists: floats print exactly (inputs are multiples of 1/16)
    return repr(v)


def _sizes(s: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in s.items()) or "(no sizes)"
