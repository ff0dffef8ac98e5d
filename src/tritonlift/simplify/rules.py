"""The rewrite rules, as data: read them top to bottom.

Each rule is `lhs -> rhs` in the DSL's own text syntax, with its side conditions. Pattern
variables:
- lower-case names (`a`, `b`, `x`, `lo`, `hi`, `n`) match any sub-formula;
- upper-case names (`C`, `C1`) match a numeric constant; in a right side, arithmetic on constants
  only (`C + 1`, `-C`) is computed exactly (rationals);
- the variable of a binder pattern (`v` in `sum(v, lo, hi, body)`) matches the bound index name.

Side conditions (all must hold):
- `free(c, v)`: the value of `c` does not depend on the bound index `v` (analysis.py);
- `pos(t)`, `nonneg(t)`, `nonzero(t)`: `t > 0`, `t >= 0`, `t != 0`, for a sub-formula `t` of the
  left side (analysis.py derives them: exp(_) > 0, sizes >= 1, sums of positives, ...);
- `nonempty(lo, hi)`: the range [lo, hi) has an element;
- comparisons of constants (`C < 0`), and `small(expr)`: a folded constant stays readable
  (denominator <= 2**16, magnitude <= 10**6), so a product of two long float literals is not
  replaced by a 40-digit fraction.

Soundness, as tests/simplify/test_rules.py proves it with z3 for every rule: on every input where
the left side is defined (no division by zero, log of a positive number, sqrt of a non-negative
one), the side conditions imply that the right side is defined and equal. Rules with binders are
proved for every range length up to a bound by unrolling, and for every length by induction.

A rule with `replace=True` (the default) also removes its left side from the e-graph (egglog's
`subsume`): implementation forms are never extracted again and never matched again, which keeps
the e-graph small. Such rules must not form cycles (each makes the term smaller or more canonical),
so the left side of a class is never the only thing left.

Canonical forms the rules produce, and the textbook rules match:
- `a - b` (never `a + -1 * b`, `a + -b`); `-a` (never `-1 * a`);
- `a / b` (never `a * b ** -1`, `a * (1 / b)`); `1 / sqrt(v)` for `rsqrt(v)`;
- `a ** 2`, `a ** 3` for repeated factors; products stay as written (left-nested);
- the mean is `sum(k, 0, N, body) / N` (no separate node: render/ may print it as mean).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    name: str
    lhs: str
    rhs: str
    when: tuple[str, ...] = ()
    replace: bool = True
    why: str = ""  # one line for readers, when the rule is not obvious

    @property
    def has_binder(self) -> bool:
        return any(b in self.lhs for b in ("sum(", "prod(", "max_over(", "min_over("))


# -- constants folded ------------------------------------------------------------------------
FOLD: tuple[Rule, ...] = (
    Rule("fold-add", "C1 + C2", "C1 + C2", ("small(C1 + C2)",)),
    Rule("fold-sub", "C1 - C2", "C1 - C2", ("small(C1 - C2)",)),
    Rule("fold-mul", "C1 * C2", "C1 * C2", ("small(C1 * C2)",)),
    Rule("fold-div", "C1 / C2", "C1 / C2", ("C2 != 0", "small(C1 / C2)")),
    Rule("fold-neg", "-C", "-C"),
    Rule("add-zero", "a + 0", "a"),
    Rule("zero-add", "0 + a", "a"),
    Rule("sub-zero", "a - 0", "a"),
    Rule("mul-one", "a * 1", "a"),
    Rule("one-mul", "1 * a", "a"),
    Rule("div-one", "a / 1", "a"),
    Rule("pow-one", "a ** 1", "a"),
)

# -- canonical forms: subtraction, negation, division, powers ----------------------------------
CLEANUP: tuple[Rule, ...] = (
    Rule("sub-neg-one", "a + -1 * b", "a - b"),
    Rule("sub-neg-one-r", "a + b * -1", "a - b"),
    Rule("sub-neg", "a + -b", "a - b"),
    Rule("neg-add", "-a + b", "b - a"),
    Rule("sub-sub-neg", "a - -b", "a + b"),
    Rule("neg-one-mul", "-1 * a", "-a"),
    Rule("mul-neg-one", "a * -1", "-a"),
    Rule("add-neg-const", "a + C", "a - -C", ("C < 0",), why="x + -1.0 reads x - 1.0"),
    Rule("sub-neg-const", "a - C", "a + -C", ("C < 0",)),
    Rule("pow-neg-one", "a ** -1", "1 / a"),
    Rule("mul-recip", "a * (1 / b)", "a / b"),
    Rule("recip-mul", "1 / b * a", "a / b"),
    Rule("div-recip", "a / (1 / b)", "a * b"),
    Rule("rsqrt", "rsqrt(v)", "1 / sqrt(v)", why="x·rsqrt(v) becomes x / sqrt(v) with mul-recip"),
    Rule("div-neg-const", "a / (C * b)", "-(a / (-C * b))", ("C < 0",), why="1 / (-2 * M) * a reads -(a / (2 * M))"),
    Rule("square", "a * a", "a ** 2"),
    Rule("pow-succ", "a ** C * a", "a ** (C + 1)"),
    Rule("square-left", "b * a * a", "b * a ** 2"),
    Rule("pow-succ-left", "b * a ** C * a", "b * a ** (C + 1)"),
    Rule("sub-of-sub", "a - (b - c)", "a - b + c"),
    Rule("cancel-add-sub", "a + c - c", "a"),
    Rule("cancel-add-sub-left", "c + a - c", "a"),
    Rule("cancel-sub-add", "a - c + c", "a"),
    Rule("cancel-add-of-sub", "c + (a - c)", "a"),
    Rule("abs-nonneg", "abs(a)", "a", ("nonneg(a)",)),
    Rule("max-nonneg", "max(a, 0)", "a", ("nonneg(a)",)),
    Rule("sqrt-square", "sqrt(a ** 2)", "a", ("nonneg(a)",)),
    Rule("relu", "where(x > 0, x, 0)", "max(x, 0)"),
    Rule("relu-ge", "where(x >= 0, x, 0)", "max(x, 0)"),
    Rule("relu-lt", "where(0 < x, x, 0)", "max(x, 0)"),
)

# -- textbook forms: max-shifts removed, activations by name, variance ---------------------------
TEXTBOOK: tuple[Rule, ...] = (
    Rule("softmax-shift", "exp(a - c) / sum(v, lo, hi, exp(b - c))", "exp(a) / sum(v, lo, hi, exp(b))",
         ("free(c, v)",), why="stable softmax: exp(-c) cancels from numerator and denominator"),
    Rule("logsumexp-shift", "log(sum(v, lo, hi, exp(b - c)))", "log(sum(v, lo, hi, exp(b))) - c",
         ("free(c, v)",), why="log Σ exp(b - c) = log(exp(-c)·Σ exp(b)); then the + c of the kernel cancels"),
    Rule("variance-one-pass", "sum(v, 0, n, a ** 2) / n - (sum(v, 0, n, a) / n) ** 2",
         "sum(v, 0, n, (a - sum(v, 0, n, a) / n) ** 2) / n",
         why="E[x²] - E[x]² is the two-pass Σ(x - μ)²/N (the inner sum rebinds v: it is closed)"),
    Rule("sigmoid", "1 / (1 + exp(-x))", "sigmoid(x)"),
    Rule("silu-div", "x / (1 + exp(-x))", "silu(x)"),
    Rule("silu", "x * sigmoid(x)", "silu(x)"),
    Rule("silu-right", "sigmoid(x) * x", "silu(x)"),
    Rule("silu-left", "b * x * sigmoid(x)", "b * silu(x)"),
    Rule("gelu", "0.5 * x * (1 + erf(x / sqrt(2)))", "gelu(x)"),
    Rule("gelu-tanh", "0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x ** 3)))", "gelu_tanh(x)"),
    Rule("softplus", "log(1 + exp(x))", "softplus(x)"),
    Rule("softplus-log1p", "log1p(exp(x))", "softplus(x)"),
)

RULES: tuple[Rule, ...] = FOLD + CLEANUP + TEXTBOOK
BY_NAME: dict[str, Rule] = {r.name: r for r in RULES}
assert len(BY_NAME) == len(RULES), "rule names must be unique"
