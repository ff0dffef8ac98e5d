"""Every simplification rule and every analysis fact, proved sound with z3 (rule_smt.py says what
"sound" means: on every input where the left side is defined, the side conditions imply the right
side is defined and equal).

Rules with binders are proved twice: exactly for every range length 0..MAX_LENGTH by unrolling,
and for every length by induction on the range's upper end (base, step, conclusion: three z3
queries), with the invariant listed in INDUCTION. A binder rule needs no invariant when its proof
does not look inside the sums (they stay uninterpreted recursive functions). The induction steps
may use HINTS: ground instances of the verifier's axioms at the element the step adds (sound:
instances of trusted facts), because z3 does not invent exp(u)·exp(v) terms on its own.

No rule is assumed: every rule in rules.py is proved here (test_every_rule_is_proved).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import z3

from tritonlift.simplify.analysis import FACTS, Fact
from tritonlift.simplify.rules import RULES, Rule
from tritonlift.verify.axioms import BY_NAME as AXIOM
from tritonlift.verify.theory import Z3Theory

from .rule_smt import (
    Encoder,
    Symbolic,
    Unrolled,
    axioms,
    binder_contexts,
    bound_names,
    pat,
    relation,
)

MAX_LENGTH = 4
TIMEOUT_MS = 20_000


@dataclass(frozen=True)
class Induction:
    """P(h) for every h >= start, by induction on h; used in the conclusion at h = `at`.
    `invariant` is a DSL equation over the rule's pattern variables and the induction variable h."""

    invariant: str
    start: str = "lo"
    at: str = "hi"
    requires: tuple[str, ...] = ()  # facts independent of h that P needs (the conclusion re-derives them)


# Ground instances of the verifier's axioms a proof may use: (axiom, argument texts). An
# instance whose arguments depend on the bound index v is taken at every index of the range
# (unrolled) or at the element an induction step adds (v := h).
HINTS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    # for x < 0: exp(x + log(1 + exp(-x))) = exp(x)·(1 + exp(-x)) = exp(x) + 1 = exp(log(1 + exp(x))),
    # and exp is injective (increasing)
    "logsigmoid-stable": (("exp_add", ("x", "-x")), ("exp_add", ("x", "log(1 + exp(-x))")),
                          ("exp_log", ("1 + exp(x)",)), ("exp_log", ("1 + exp(-x)",)),
                          ("exp_mono", ("log(1 + exp(x))", "x + log(1 + exp(-x))")),
                          ("exp_mono", ("x + log(1 + exp(-x))", "log(1 + exp(x))"))),
    "softmax-shift": (("exp_add", ("a - c", "c")), ("exp_add", ("b - c", "c"))),
    "logsumexp-shift": (("exp_add", ("b - c", "c")),
                        ("exp_log", ("sum(v, lo, hi, exp(b - c))",)),
                        ("exp_add", ("log(sum(v, lo, hi, exp(b - c)))", "c")),
                        ("log_exp", ("log(sum(v, lo, hi, exp(b - c))) + c",))),
}

SHIFT = "sum(v, lo, h, exp(b - c)) * exp(c) == sum(v, lo, h, exp(b))"
INDUCTION: dict[str, Induction] = {
    "softmax-shift": Induction(SHIFT),
    "logsumexp-shift": Induction(SHIFT),
    "sum-div": Induction("c * sum(v, lo, h, a / c) == sum(v, lo, h, a)", requires=("c != 0",)),
    "variance-one-pass": Induction(
        "sum(v, 0, h, (a - sum(v, 0, n, a) / n) ** 2) == "
        "sum(v, 0, h, a ** 2) - 2 * (sum(v, 0, n, a) / n) * sum(v, 0, h, a) + h * (sum(v, 0, n, a) / n) ** 2",
        start="0", at="n"),
}
NO_INVARIANT = {"mean-square-swap"}  # (μ - a)² = (a - μ)² whatever the sum μ is


def _setup(lhs_text: str, when: tuple[str, ...], mode, extra_ints: tuple[str, ...] = ()):
    T = Z3Theory()
    lhs = pat(lhs_text)
    deps = dict(binder_contexts(lhs))
    for g in when:
        if g.startswith("free("):
            x, v = (s.strip() for s in g[5:-1].split(","))
            deps[x] = tuple(d for d in deps.get(x, ()) if d != v)
    names = bound_names(lhs) | set(extra_ints)
    if isinstance(mode, Unrolled):
        ints = {n: (0 if n == "lo" else mode.length) for n in names}
    else:
        ints = {n: z3.Int(n, T.ctx) for n in names}
    return T, Encoder(T, deps, ints, mode)


def _indexed(enc: Encoder, text: str) -> bool:
    """Does the hint argument depend on the bound index v (outside any sum it contains)?"""
    from tritonlift.dsl.term import BINDERS, Op

    def go(t) -> bool:
        if t.op in BINDERS:
            return False
        if t.op in (Op.VAR, Op.SYM):
            return "v" in enc.deps.get(t.attrs[0], ())
        return any(go(a) for a in t.args)

    return go(pat(text))


def _hints(enc: Encoder, rule: str, where: str, h=None) -> list[z3.BoolRef]:
    """where: "unrolled" (indexed hints at every index), "step" (indexed hints at v := h) or
    "conclusion" (unindexed hints only)."""
    out = []
    for name, args in HINTS.get(rule, ()):
        indexed = any(_indexed(enc, a) for a in args)
        if not indexed:
            envs = [enc.top] if where != "step" else []
        elif where == "unrolled":
            envs = [{**enc.top, "v": enc.T.int(k)} for k in range(int(enc.ints.get("hi", 0)))]
        elif where == "step":
            envs = [{**enc.top, "v": h}]
        else:
            envs = []
        # simplified, so that exp((b - c) + c) is syntactically exp(b) for the congruence closure
        out += [z3.simplify(AXIOM[name].instance(enc.T, *(enc.enc_top(pat(a), e) for a in args))) for e in envs]
    return out


def _unsat(T: Z3Theory, hyps, goal, timeout_ms: int = TIMEOUT_MS) -> z3.CheckSatResult:
    s = z3.Solver(ctx=T.ctx)
    s.set("timeout", timeout_ms)
    s.add(*hyps)
    s.add(z3.Not(goal))
    return s.check()


def prove_rule(rule: Rule, mode, timeout_ms: int = TIMEOUT_MS) -> z3.CheckSatResult:
    T, enc = _setup(rule.lhs, rule.when, mode)
    guards = [relation(enc, g, enc.top) for g in rule.when]
    enc.defined.clear()
    lhs = enc.enc_top(pat(rule.lhs), {})
    d_lhs, enc.defined = enc.defined, []
    rhs = enc.enc_top(pat(rule.rhs), {})
    goal = z3.And(*enc.defined, lhs == rhs)
    hints = _hints(enc, rule.name, "unrolled")  # (their own definedness is no obligation)
    return _unsat(T, [*axioms(T), *guards, *d_lhs, *hints], goal, timeout_ms)


def _lengths(rule: Rule):
    return range(MAX_LENGTH + 1) if rule.has_binder else [0]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_rule_is_sound(rule: Rule):
    """Non-binder rules: for all values. Binder rules: for every range length up to MAX_LENGTH."""
    for n in _lengths(rule):
        assert prove_rule(rule, Unrolled(n)) == z3.unsat, f"{rule.name} not proved at range length {n}"


BINDER_RULES = [r for r in RULES if r.has_binder]


@pytest.mark.parametrize("rule", BINDER_RULES, ids=lambda r: r.name)
def test_binder_rule_for_every_length(rule: Rule):
    if rule.name in NO_INVARIANT:
        assert prove_rule(rule, Symbolic()) == z3.unsat
        return
    ind = INDUCTION[rule.name]
    T, enc = _setup(rule.lhs, rule.when, Symbolic(), extra_ints=("h",))
    h = enc.ints["h"]
    start = enc.ints[ind.start] if ind.start in enc.ints else T.int(int(ind.start))
    P = enc.enc_top(pat(ind.invariant), {})
    requires = [enc.enc_top(pat(r), {}) for r in ind.requires]
    background = requires  # base and step are quantifier-free: ground hints only
    enc.defined.clear()  # the invariant's own divisions are facts of z3's total division
    base = _unsat(T, background, z3.substitute(P, (h, start)))
    assert base == z3.unsat, f"{rule.name}: induction base not proved"
    hints = _hints(enc, rule.name, "step", h)
    step = _unsat(T, [*background, h >= start, P, *hints], z3.substitute(P, (h, h + 1)))
    assert step == z3.unsat, f"{rule.name}: induction step not proved"
    # conclusion: sums uninterpreted (same bounds, h := at), related by the invariant
    T, enc = _setup(rule.lhs, rule.when, Symbolic(recursive=False))
    start = enc.ints[ind.start] if ind.start in enc.ints else T.int(int(ind.start))
    at = enc.ints[ind.at]
    enc.ints["h"] = at
    P_at = enc.enc_top(pat(ind.invariant), {})
    requires = [enc.enc_top(pat(r), {}) for r in ind.requires]
    enc.defined.clear()
    invariant = z3.Implies(z3.And(*requires, T.ctx), z3.Implies(at >= start, P_at))
    assert _conclusion(rule, enc, [invariant]) == z3.unsat, f"{rule.name}: conclusion"


def _conclusion(rule: Rule, enc: Encoder, extra) -> z3.CheckSatResult:
    T = enc.T
    guards = [relation(enc, g, enc.top) for g in rule.when]
    enc.defined.clear()
    lhs = enc.enc_top(pat(rule.lhs), {})
    d_lhs, enc.defined = enc.defined, []
    rhs = enc.enc_top(pat(rule.rhs), {})
    goal = z3.And(*enc.defined, lhs == rhs)
    hints = _hints(enc, rule.name, "conclusion")
    return _unsat(T, [*axioms(T), *guards, *d_lhs, *hints, *enc.facts, *extra], goal)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_no_rule_captures_a_bound_name(rule: Rule):
    """A pattern variable placed under a binder over v on the right side, but not on the left,
    would be captured if it named v: the rule must guard it with free(x, v). (Leaving a binder
    needs the guard too, and the proofs above already demand it: without it the variable is a
    function of v.)"""
    left, right = binder_contexts(pat(rule.lhs)), binder_contexts(pat(rule.rhs))
    guarded = {tuple(s.strip() for s in g[5:-1].split(",")) for g in rule.when if g.startswith("free(")}
    for x, names in right.items():
        for v in names:
            assert v in left.get(x, ()) or (x, v) in guarded, f"{rule.name}: {x} moves under a binder over {v}"


def test_every_rule_is_proved():
    """A binder rule is proved for every length (an invariant, or none needed); nothing is left
    as an assumption."""
    missing = [r.name for r in BINDER_RULES if r.name not in INDUCTION and r.name not in NO_INVARIANT]
    assert not missing
    assert set(INDUCTION) | NO_INVARIANT <= {r.name for r in BINDER_RULES}


FACT_HINTS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    # for x < 0: exp(x + log(1 + exp(-x))) = exp(x)·(1 + exp(-x)) = exp(x) + 1 = exp(log(1 + exp(x))),
    # and exp is injective (increasing)
    "logsigmoid-stable": (("exp_add", ("x", "-x")), ("exp_add", ("x", "log(1 + exp(-x))")),
                          ("exp_log", ("1 + exp(x)",)), ("exp_log", ("1 + exp(-x)",)),
                          ("exp_mono", ("log(1 + exp(x))", "x + log(1 + exp(-x))")),
                          ("exp_mono", ("x + log(1 + exp(-x))", "log(1 + exp(x))"))),
    # log(1 + exp(a)) > 0: exp is increasing, and exp(log(s)) = s
    "pos: softplus(a)": (("exp_mono", ("log(1 + exp(a))", "0")), ("exp_log", ("1 + exp(a)",))),
}


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f.name)
def test_fact_is_sound(fact: Fact):
    """premises ∧ defined(term) → relation(term); sums for every length up to MAX_LENGTH (a
    premise about a sum's body holds at every index)."""
    lengths = range(MAX_LENGTH + 1) if "sum(" in fact.term else [0]
    for n in lengths:
        T, enc = _setup(fact.term, (), Unrolled(n))
        prem = []
        for p in fact.premises:
            indexed = p.startswith(("pos(", "nonneg(")) and _indexed(enc, p[p.index("(") + 1:-1])
            envs = [{"v": T.int(k)} for k in range(n)] if indexed else [{}]
            prem += [relation(enc, p, {**enc.top, **e}) for e in envs]
        enc.defined.clear()
        x = enc.enc_top(pat(fact.term), {})
        goal = x > 0 if fact.relation == "pos" else x >= 0
        hints = [z3.simplify(AXIOM[a].instance(T, *(enc.enc_top(pat(t), {}) for t in args)))
                 for a, args in FACT_HINTS.get(fact.name, ())]
        assert _unsat(T, [*axioms(T), *prem, *enc.defined, *hints], goal) == z3.unsat, f"{fact.name} at length {n}"


UNSOUND = [
    Rule("no-free-guard", "exp(a - c) / sum(v, lo, hi, exp(b - c))", "exp(a) / sum(v, lo, hi, exp(b))"),
    Rule("sum-div-empty", "sum(v, lo, hi, a / c)", "sum(v, lo, hi, a) / c", ("free(c, v)",)),
    Rule("abs-unguarded", "abs(a)", "a"),
    Rule("exp-additive", "exp(a + b)", "exp(a) + exp(b)"),
    Rule("gelu-wrong-constant", "0.5 * x * (1 + erf(x / sqrt(3)))", "gelu(x)"),
    Rule("variance-unbiased", "sum(v, 0, n, a ** 2) / n - (sum(v, 0, n, a) / n) ** 2",
         "sum(v, 0, n, (a - sum(v, 0, n, a) / n) ** 2) / (n - 1)"),
    Rule("logsumexp-sign", "log(sum(v, lo, hi, exp(b - c)))", "log(sum(v, lo, hi, exp(b))) + c", ("free(c, v)",)),
]


@pytest.mark.parametrize("rule", UNSOUND, ids=lambda r: r.name)
def test_prover_rejects_unsound_rules(rule: Rule):
    """The proofs above mean something: a wrong rule is not proved at some length."""
    assert any(prove_rule(rule, Unrolled(n), timeout_ms=2000) != z3.unsat for n in _lengths(rule))
