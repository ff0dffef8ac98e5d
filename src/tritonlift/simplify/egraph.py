"""Formulas into the e-graph and back: encode, run the rules under limits, extract, decode.

The run is bounded three ways (the notes' AC blow-up is the reason): egglog's back-off scheduler
(a rule matching too often is banned for a while), an iteration cap, and a node limit checked
between rounds of iterations. Hitting a limit is not an error: the best term found so far is
extracted.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction

import egglog.bindings as eb

from ..dsl import build
from ..dsl.named import NAMED_FUNCTIONS
from ..dsl.term import BINDERS, Op, Term, const, free_vars, var, walk
from .compile import program_rules
from .language import (
    BINDER_OPS,
    BY_CONSTRUCTOR,
    CONSTRUCTORS,
    declarations,
    named_constructor,
    named_of,
    rat,
)
from .rules import RULES, Rule


@dataclass(frozen=True)
class Limits:
    iterations: int = 24  # rule iterations in total
    per_round: int = 4  # iterations between node-count checks
    nodes: int = 20_000  # stop when the e-graph holds more e-nodes
    match_limit: int = 1_000  # back-off: a rule matching more often in one iteration is banned
    seconds: float = 0.25  # stop starting new rounds after this long (the budget is 0.5 s in all)


@dataclass
class RunStats:
    iterations: int = 0
    nodes: int = 0
    saturated: bool = False
    stopped_by: str = ""  # "", "iterations", "nodes", "time"
    matches: dict[str, int] = field(default_factory=dict)  # rule name -> matches


class Encoder:
    """DSL terms to egglog `let` bindings, one per distinct node (the text stays linear in the
    DAG's size); opaque leaves are remembered for decoding."""

    def __init__(self, positive_symbols: frozenset[str]) -> None:
        self.lines: list[str] = []
        self.names: dict[Term, str] = {}
        self.leaves: list[Term] = []
        self.symbols: dict[str, Term] = {}
        self.positive = positive_symbols
        self.bound: set[str] = set()

    def encode(self, t: Term) -> str:
        for n in walk(t):
            if n not in self.names:
                self.names[n] = self._node(n)
        return self.names[t]

    def _let(self, n: Term, expr: str) -> str:
        name = f"$t{len(self.names)}"
        self.lines.append(f"(let {name} {expr})")
        return name

    def _node(self, n: Term) -> str:
        op = n.op
        if op is Op.CONST and not isinstance(n.value, bool):
            return self._let(n, f"(Num {rat(n.value)})")
        if op is Op.VAR:
            return self._let(n, f'(Var "{n.attrs[0]}")')
        if op is Op.SYM:
            self.symbols[n.attrs[0]] = n
            name = self._let(n, f'(Sym "{n.attrs[0]}")')
            if n.attrs[1] == "size" or n.attrs[0] in self.positive:
                self.lines.append(f"(pos {name})")
            return name
        args = [self.names[a] for a in n.args]
        if op in BINDER_OPS:
            self.bound.add(n.attrs[0])
            name = self._let(n, f'({CONSTRUCTORS[op][0]} "{n.attrs[0]}" {" ".join(args)})')
            if _nonempty(n.args[0], n.args[1], self.positive):
                self.lines.append(f"(nonempty {args[0]} {args[1]})")
            return name
        if op is Op.CALL and n.attrs[0] in NAMED_FUNCTIONS:
            return self._let(n, f"({named_constructor(n.attrs[0])} {' '.join(args)})")
        if op in CONSTRUCTORS:
            return self._let(n, f"({CONSTRUCTORS[op][0]} {' '.join(args)})")
        self.leaves.append(n)
        return self._let(n, f"(Leaf {len(self.leaves) - 1})")

    def facts(self) -> list[str]:
        """bound-name facts, and free(leaf, v) for every leaf not mentioning v."""
        out = [f'(bound-name "{v}")' for v in sorted(self.bound)]
        for leaf in self.leaves:
            fv = free_vars(leaf)
            out += [f'(free {self.names[leaf]} "{v}")' for v in sorted(self.bound - fv)]
        return out


def _nonempty(lo: Term, hi: Term, positive: frozenset[str]) -> bool:
    """lo < hi for every size the formula is used at: [0, N) with N a size (>= 1), [0, j + c)
    with j an index (>= 0) and c >= 1, or constant bounds."""
    if lo.op is not Op.CONST or isinstance(lo.value, bool):
        return False
    if hi.op is Op.CONST and not isinstance(hi.value, bool):
        return hi.value > lo.value
    if lo.value != 0:
        return False
    if hi.op is Op.SYM:
        return hi.attrs[1] == "size" or hi.attrs[0] in positive
    if hi.op is Op.ADD and hi.args[0].op is Op.VAR and hi.args[1].op is Op.CONST:
        return hi.args[1].value >= 1
    return False


# E-graphs with the declarations and a rule table loaded, one per table, ready to reuse: building
# one (parsing and loading about 400 rules) costs more than most simplifications. A run takes it
# out of the pool, works inside `(push)`, and `close()` pops back to the bare rules and returns it;
# a run that is never closed just drops it.
_PREPARED: dict[tuple[Rule, ...], eb.EGraph] = {}


def _prepared(rules: tuple[Rule, ...]) -> eb.EGraph:
    eg = _PREPARED.pop(rules, None)
    if eg is None:
        eg = eb.EGraph()
        eg.run_program(*eg.parse_program("\n".join([declarations(), program_rules(rules)])))
    eg.run_program(*eg.parse_program("(push)"))
    return eg


class EGraphRun:
    """One e-graph holding every output of a formula (shared sub-formulas are shared)."""

    def __init__(self, positive_symbols: frozenset[str] = frozenset(), limits: Limits | None = None,
                 rules: tuple[Rule, ...] = RULES) -> None:
        self.limits = limits or Limits()
        self.rules = rules
        self.enc = Encoder(positive_symbols)
        self.roots: list[str] = []
        self.egraph = _prepared(rules)

    def close(self) -> None:
        """Pop this run's terms and hand the rules-only e-graph back for the next run."""
        eg, self.egraph = self.egraph, None
        if eg is None:
            return
        try:
            eg.run_program(*eg.parse_program("(pop)"))
        except Exception:  # an e-graph in an unknown state is dropped, never reused
            return
        _PREPARED[self.rules] = eg

    def add(self, t: Term) -> int:
        self.roots.append(self.enc.encode(t))
        return len(self.roots) - 1

    def _run(self, text: str) -> list:
        return self.egraph.run_program(*self.egraph.parse_program(text))

    def run(self) -> RunStats:
        stats = RunStats()
        setup = [*self.enc.lines, *self.enc.facts()]
        self._run("\n".join(setup))
        t0 = time.monotonic()
        lim = self.limits
        while True:
            if stats.iterations >= lim.iterations:
                stats.stopped_by = "iterations"
                break
            if time.monotonic() - t0 > lim.seconds:
                stats.stopped_by = "time"
                break
            k = min(lim.per_round, lim.iterations - stats.iterations)
            out = self._run(
                f"(run-schedule (let-scheduler bo (back-off :match-limit {lim.match_limit})) "
                f"(repeat {k} (seq (saturate (run analysis)) (run-with bo rules))))")
            report = out[0].report
            for name, n in report.num_matches_per_rule.items():
                if n and not name.startswith("("):  # unnamed rules are the analysis ones
                    stats.matches[name] = stats.matches.get(name, 0) + n
            stats.iterations += k
            stats.nodes = self.size()
            if not report.updated:
                stats.saturated = True
                break
            if stats.nodes > lim.nodes:
                stats.stopped_by = "nodes"
                break
        return stats

    def size(self) -> int:
        """E-nodes of the term constructors (relations left out)."""
        out = self._run("(print-size)")
        return sum(n for name, n in out[0].sizes if name[:1].isupper())

    def extract(self, root: int) -> Term:
        out = self._run(f"(extract {self.roots[root]})")
        best = out[0]
        return Decoder(best.termdag, self.enc).decode(best.term)


class Decoder:
    def __init__(self, dag, enc: Encoder) -> None:
        self.dag = dag
        self.enc = enc
        self.memo: dict[int, Term] = {}

    def decode(self, tid: int) -> Term:
        r = self.memo.get(tid)
        if r is None:
            r = self.memo[tid] = self._decode(self.dag.get(tid))
        return r

    def _lit(self, tid: int):
        t = self.dag.get(tid)
        v = t.value
        return getattr(v, "value", v)

    def _decode(self, t) -> Term:
        name = t.name
        if name == "Num":
            return _rational(self._rat(self.dag.get(t.args[0])))
        if name == "Leaf":
            return self.enc.leaves[self._lit(t.args[0])]
        if name == "Var":
            return var(self._lit(t.args[0]))
        if name == "Sym":
            return self.enc.symbols[self._lit(t.args[0])]
        fn = named_of(name)
        if fn is not None:
            return build.call(fn, *(self.decode(a) for a in t.args))
        op = BY_CONSTRUCTOR[name]
        if op in BINDER_OPS:
            v = self._lit(t.args[0])
            return build.binder(op, v, *(self.decode(a) for a in t.args[1:]))
        return _apply_exact(op, tuple(self.decode(a) for a in t.args))

    def _rat(self, t) -> Fraction:
        # (bigrat (from-string "p") (from-string "q")) or (bigrat (bigint p) (bigint q))
        p, q = (self._lit(self.dag.get(a).args[0]) for a in t.args)
        return Fraction(int(p), int(q))


_EXACT = {Op.ADD: lambda x, y: x + y, Op.SUB: lambda x, y: x - y, Op.MUL: lambda x, y: x * y}


def _apply_exact(op: Op, args: tuple[Term, ...]) -> Term:
    """build.apply, except that constant `+ - *` fold only when exact (the DSL folds floats in
    float64; an e-graph constant the rules left unfolded stays so)."""
    if op in _EXACT and all(a.op is Op.CONST and not isinstance(a.value, bool) for a in args) \
            and any(isinstance(a.value, float) for a in args):
        if any(math.isinf(a.value) for a in args):
            return build.apply(op, *args)
        exact = _EXACT[op](Fraction(args[0].value), Fraction(args[1].value))
        if Fraction(float(exact)) != exact:
            return Term.make(op, args)
    return build.apply(op, *args)


def _rational(f: Fraction) -> Term:
    """The DSL constant for a rational: an int, a float when one is exactly `f`, else `p / q`."""
    if f.denominator == 1:
        return const(int(f.numerator))
    x = f.numerator / f.denominator
    if Fraction(x) == f:
        return const(x)
    return build.div(const(int(f.numerator)), const(int(f.denominator)))


def rename_shadowed(t: Term, reserved: frozenset[str]) -> Term:
    """Give a binder whose name is already bound around it (or is an output index) a fresh name:
    rules may nest a binder inside another of the same name (correct, but hard to read)."""
    used = {n.attrs[0] for n in walk(t) if n.op in BINDERS or n.op is Op.VAR} | set(reserved)

    def fresh() -> str:
        for suffix in ("", *map(str, range(1, 10))):
            for c in "klmnpqrstuvwabcdefgh":
                if c + suffix not in used:
                    used.add(c + suffix)
                    return c + suffix
        raise RuntimeError("no fresh index name")  # pragma: no cover

    memo: dict[tuple, Term] = {}

    def go(n: Term, scope: frozenset[str], ren: dict[str, str]) -> Term:
        key = (n, scope, tuple(sorted(ren.items())))
        if key not in memo:
            memo[key] = _go(n, scope, ren)
        return memo[key]

    def _go(n: Term, scope: frozenset[str], ren: dict[str, str]) -> Term:
        if n.op is Op.VAR:
            return var(ren[n.attrs[0]]) if n.attrs[0] in ren else n
        if not n.args:
            return n
        if n.op in BINDERS:
            lo, hi = go(n.args[0], scope, ren), go(n.args[1], scope, ren)
            v = n.attrs[0]
            inner = dict(ren)
            if v in scope:
                inner[v] = fresh()
            else:
                inner.pop(v, None)
            body = go(n.args[2], scope | {inner.get(v, v)}, inner)
            return build.binder(n.op, inner.get(v, v), lo, hi, body)
        args = tuple(go(a, scope, ren) for a in n.args)
        if all(a is b for a, b in zip(args, n.args, strict=True)):
            return n
        if n.op in (Op.READ, Op.CALL):
            return Term.make(n.op, args, n.attrs)
        return build.apply(n.op, *args)

    return go(t, frozenset(reserved), {})
