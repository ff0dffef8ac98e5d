"""Simplification: the lifted (implementation-form) formula to the textbook form, proved equal.

    simplify(formula, SimplifyContext.from_spec(spec, sizes)) -> SimplifyResult

Stages, each a module:
1. assumptions.py: float literals read as constants (exp2(x·1.4426950408889634) is exp(x)); the
   only inexact step, listed in the result;
2. egraph.py with rules.py, analysis.py, compile.py, language.py: egglog rewriting under
   limits, then extraction of the cheapest term by a readability cost;
3. check.py: the result is compared with the formula of step 1 exactly at the sample sizes; when
   that fails the lifted formula is returned unchanged and the failure is reported. An unchecked
   simplification is never returned.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..dsl.term import Op, Term, free_vars, walk
from ..result import Formula, OutputFormula, SimplifyReport
from .assumptions import (
    ASSUMED_CONSTANTS,
    BY_KEY,
    AssumedConstant,
    apply_assumptions,
    assumptions_of,
)
from .check import EqualityCheck
from .egraph import EGraphRun, Limits, RunStats, rename_shadowed
from .rules import RULES, Rule

__all__ = ["ASSUMED_CONSTANTS", "Limits", "SimplifyContext", "SimplifyResult", "simplify"]


@dataclass(frozen=True)
class SimplifyContext:
    """What the check and the side conditions need to know about the operator.

    sizes: the sample sizes to check at (e.g. LiftResult.checked_sizes);
    shapes: per size, the shape of each output tensor (needed only when a binder's range
        depends on an output index, as in a prefix sum); may be empty;
    ranges: declared integer data ranges (tensor -> [lo, hi)), as in symex Specs;
    positive: real symbols known to be > 0 (from `eps > 0`); size symbols are >= 1 anyway.
    """

    sizes: tuple[Mapping[str, int], ...] = ()
    shapes: tuple[Mapping[str, tuple[int, ...]], ...] = ()
    ranges: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    positive: frozenset[str] = frozenset()

    @classmethod
    def from_spec(cls, spec, sizes: Sequence[Mapping[str, int]]) -> SimplifyContext:
        """From a frontend LaunchSpec and the sizes the formula was checked at."""
        from ..frontend.concrete import instantiate as concrete

        shapes, ranges = [], {}
        for s in sizes:
            launch = concrete(spec, dict(s))
            shapes.append({n: tuple(t.shape) for n, t in launch.tensors.items()})
            ranges.update({n: t.value_range for n, t in launch.tensors.items() if t.value_range is not None})
        return cls(tuple(dict(s) for s in sizes), tuple(shapes), ranges, positive_reals(spec.reals))


def positive_reals(reals: Mapping[str, Sequence[str]]) -> frozenset[str]:
    """Real symbols whose constraints say `name > c` (c >= 0) or `c < name`."""
    import re

    out = set()
    for name, texts in reals.items():
        for text in texts if not isinstance(texts, str) else (texts,):
            for part in re.split(r"\band\b|,", text):
                m = re.fullmatch(rf"\s*{re.escape(name)}\s*>\s*([0-9.eE+-]+)\s*", part) or \
                    re.fullmatch(rf"\s*([0-9.eE+-]+)\s*<\s*{re.escape(name)}\s*", part)
                if m and float(m.group(1)) >= 0:
                    out.add(name)
    return frozenset(out)


@dataclass(frozen=True)
class SimplifyResult:
    formula: Formula  # simplified and checked, or the lifted formula unchanged
    original: Formula
    checked: bool  # the simplified formula was shown equal at every sample size
    rules_fired: tuple[str, ...]  # in table order
    assumptions: tuple[AssumedConstant, ...]  # literals read as constants, when `formula` relies on them
    seconds: float
    reason: str = ""  # why the lifted formula was kept ("" when simplified, or nothing to do)
    stats: RunStats | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.formula is not self.original

    def report(self) -> SimplifyReport:
        """The record a LiftResult carries."""
        s = self.stats
        egraph = "" if s is None else (f"{s.iterations} iterations, {s.nodes} e-nodes, "
                                       + ("saturated" if s.saturated else f"stopped by the {s.stopped_by} limit"))
        return SimplifyReport(self.changed, self.checked, self.rules_fired, tuple(a.text for a in self.assumptions),
                              self.reason, egraph, self.seconds, tuple(str(o) for o in self.original.outputs),
                              tuple(str(o) for o in self.formula.outputs))

    def explain(self) -> str:
        """Before and after, the rules that fired, the assumptions and the e-graph's run."""
        lines = [f"before: {o}" for o in self.original.outputs]
        lines += [f"after:  {o}" for o in self.formula.outputs] if self.changed else [f"after:  unchanged{f' ({self.reason})' if self.reason else ''}"]
        if self.rules_fired:
            lines.append("rules: " + ", ".join(self.rules_fired))
        lines += [f"assumption: {a.text}" for a in self.assumptions]
        if self.stats is not None:
            s = self.stats
            lines.append(f"e-graph: {s.iterations} iterations, {s.nodes} e-nodes, "
                         + ("saturated" if s.saturated else f"stopped by the {s.stopped_by} limit")
                         + f"; {self.seconds:.3f} s")
        return "\n".join(lines)


def simplify(formula: Formula, context: SimplifyContext | None = None, limits: Limits | None = None,
             rules: tuple[Rule, ...] = RULES) -> SimplifyResult:
    """The textbook form of `formula`, checked equal to it at `context.sizes` (see module doc).
    Never raises for a formula it cannot handle: the result then holds the formula unchanged and
    says why in `reason`. `rules` replaces the rule table (tests, ablations)."""
    t0 = time.monotonic()
    context = context or SimplifyContext()
    limits = limits or Limits()
    timings: dict[str, float] = {}

    def keep(reason: str, stats: RunStats | None = None, fired: tuple[str, ...] = ()) -> SimplifyResult:
        return SimplifyResult(formula, formula, False, fired, (), time.monotonic() - t0, reason, stats, timings)

    if any(n.op is Op.CONST and isinstance(n.value, float) and math.isinf(n.value)
           for o in formula.outputs for n in walk(o.body)):
        return keep("the formula holds an infinite constant (rules are proved over the reals)")
    assumed: list[Term] = []
    used: set[str] = set()
    for o in formula.outputs:
        body, keys = apply_assumptions(o.body)
        assumed.append(body)
        used |= keys
    t = time.monotonic()
    run = EGraphRun(context.positive, limits, rules)
    for body in assumed:
        run.add(body)
    try:
        stats = run.run()
        bodies = [rename_shadowed(run.extract(k), frozenset(o.index_vars)) for k, o in enumerate(formula.outputs)]
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # egglog's own errors, and pyo3's PanicException (a BaseException)
        timings["egraph"] = time.monotonic() - t
        return keep(f"e-graph failed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
    else:
        run.close()  # only after a clean run: a failed e-graph is dropped, never reused
    timings["egraph"] = time.monotonic() - t
    fired = tuple(r.name for r in rules if stats.matches.get(r.name))
    if all(b is o.body for b, o in zip(bodies, formula.outputs, strict=True)):
        return keep("", stats, fired)
    for b, o in zip(bodies, formula.outputs, strict=True):
        if not free_vars(b) <= free_vars(o.body) | set(o.index_vars):
            return keep(f"{o.tensor}: the simplified body names a bound index outside its binder", stats, fired)
    if not context.sizes:
        return keep("no sample sizes to check the simplified formula at", stats, fired)
    t = time.monotonic()
    check = EqualityCheck(context.ranges, context.positive)
    for k, (b, o) in enumerate(zip(bodies, formula.outputs, strict=True)):
        shapes = [s.get(o.tensor) for s in context.shapes] if context.shapes else [None] * len(context.sizes)
        bad = check.output(assumed[k], b, o.index_vars, context.sizes, shapes)
        if bad is not None:
            timings["check"] = time.monotonic() - t
            return keep(f"{o.tensor}: simplified formula {bad}; kept the lifted one", stats, fired)
    timings["check"] = time.monotonic() - t
    outs = tuple(OutputFormula(o.tensor, o.index_vars, b) for o, b in zip(formula.outputs, bodies, strict=True))
    for b in bodies:
        used |= assumptions_of(b)
    return SimplifyResult(Formula(outs), formula, True, fired, tuple(BY_KEY[k] for k in BY_KEY if k in used),
                          time.monotonic() - t0, "", stats, timings)

