"""The rewrite rules, as data: read them top to bottom.

Each rule is `lhs -> rhs` in the DSL's own text syntax, with its side conditions. Pattern
variables:
- lower-case names (`a`, `b`, `x`, `lo`, `hi`, `n`) match any sub-formula;
- upper-case names (`C`, `C1`) match a numeric constant; in a right side, arithmetic on constants
  only (`C + 1`, `-C`) is computed exactly (rationals);
- the variable of a binder pattern (`v` in `sum(v, lo, hi, body)`) matches the bound index name.

Side conditions (all must hold):
- `free(c, v)`: the value of `c` does not depend on the bound index `v` (analysis.py); required
  of every sub-formula a rule moves into or out of a binder over `v` (binders keep their names,
  so this is what rules out capture; test_rules.py checks every rule for it);
- `pos(t)`, `nonneg(t)`, `nonzero(t)`: `t > 0`, `t >= 0`, `t != 0`, for a sub-formula `t` of the
  left side (analysis.py derives them: exp(_) > 0, sizes >= 1, sums of positives, ...);
- `nonempty(lo, hi)`: the range [lo, hi) has an element;
- `int(C)`: the constant is an integer;
- comparisons of constants (`C < 0`), and `small(expr)`: a folded constant stays readable
  (denominator <= 2**16, magnitude <= 10**6), so a product of two long float literals is not
  replaced by a 40-digit fraction; `nondyadic(C)`: no power of two clears C's denominator (1/6,
  not 1/4: a decimal literal prints 1/4 exactly, 1/6 only as 0.16666666666666666).

Soundness, as tests/simplify/test_rules.py proves it with z3 for every rule: on every input where
the left side is defined (no division by zero, log of a positive number, sqrt of a non-negative
one), the side conditions imply that the right side is defined and equal. Rules with binders are
proved for every range length up to a bound by unrolling, and for every length by induction.

Most rules only *add* their right side to the e-class, and extraction picks the cheaper spelling
(language.py's costs make the textbook forms cheaper). A rule with `replace=True` also removes the
e-node its left side matched (egglog's `subsume`): used where both spellings cost the same (`a + -1`
against `a - 1`, `x * x` against `x ** 2`) or where the left side is never wanted (a max-shift).
Subsumption is per e-node, and an e-node stands for every combination of its child classes, so a
replacing rule must not match a shape another rule needs (measured: a replacing `c + (a - c) -> a`
also removed `1 + tanh(...)` once `tanh` joined the class of `2·σ(2y) − 1`, and gelu was no longer
recognised). Replacing rules must not form cycles either, so a class never loses its last e-node.

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
    replace: bool = False
    why: str = ""  # one line for readers, when the rule is not obvious

    @property
    def has_binder(self) -> bool:
        return any(b in self.lhs for b in ("sum(", "prod(", "max_over(", "min_over("))


# -- constants folded ------------------------------------------------------------------------
FOLD: tuple[Rule, ...] = (
    Rule("fold-add", "C1 + C2", "C1 + C2", ("small(C1 + C2)",), replace=True),
    Rule("fold-sub", "C1 - C2", "C1 - C2", ("small(C1 - C2)",), replace=True),
    Rule("fold-mul", "C1 * C2", "C1 * C2", ("small(C1 * C2)",), replace=True),
    Rule("fold-div", "C1 / C2", "C1 / C2", ("C2 != 0", "small(C1 / C2)"), replace=True),
    Rule("fold-neg", "-C", "-C", replace=True),
    Rule("one-mul", "C * a", "a", ("C == 1",), why="a right side such as tanh(C / 2 * x) at C = 2 (the "
         "parser folds a literal 1 * a, so the pattern names the constant)"),
    Rule("mul-one", "a * C", "a", ("C == 1",)),
    # (a + 0, a ** 1 need no rules: the decoder's DSL constructors fold them exactly)
)

# -- canonical forms: subtraction, negation, division, powers ----------------------------------
CLEANUP: tuple[Rule, ...] = (
    Rule("sub-neg-one", "a + -1 * b", "a - b", replace=True),
    Rule("sub-neg-one-r", "a + b * -1", "a - b", replace=True),
    Rule("sub-neg-mul", "a + -b * c", "a - b * c", replace=True),
    Rule("sub-neg", "a + -b", "a - b", replace=True),
    Rule("neg-add", "-a + b", "b - a", replace=True),
    Rule("sub-sub-neg", "a - -b", "a + b", replace=True),
    Rule("neg-one-mul", "-1 * a", "-a", replace=True),
    Rule("mul-neg-one", "a * -1", "-a", replace=True),
    Rule("add-neg-const", "a + C", "a - -C", ("C < 0",), replace=True, why="x + -1.0 reads x - 1.0"),
    Rule("sub-neg-const", "a - C", "a + -C", ("C < 0",), replace=True),
    Rule("pow-neg-one", "a ** -1", "1 / a", replace=True),
    Rule("mul-recip", "a * (1 / b)", "a / b"),
    Rule("recip-mul", "1 / b * a", "a / b"),
    Rule("div-recip", "a / (1 / b)", "a * b"),
    Rule("rsqrt", "rsqrt(v)", "1 / sqrt(v)", why="x·rsqrt(v) becomes x / sqrt(v) with mul-recip"),
    Rule("mul-unit-fraction", "a * C", "a / (1 / C)", ("C != 0", "int(1 / C)", "nondyadic(C)"), replace=True,
         why="x·(1/6) reads x / 6: the kernel's 1.0 / 6.0 is kept exact, and prints as a division"),
    Rule("unit-fraction-mul", "C * a", "a / (1 / C)", ("C != 0", "int(1 / C)", "nondyadic(C)"), replace=True),
    Rule("div-neg-const", "a / (C * b)", "-(a / (-C * b))", ("C < 0",), replace=True,
         why="1 / (-2 * M) * a reads -(a / (2 * M))"),
    Rule("square", "a * a", "a ** 2", replace=True),
    Rule("pow-succ", "a ** C * a", "a ** (C + 1)", ("int(C)",), replace=True),
    Rule("square-left", "b * a * a", "b * a ** 2", replace=True),
    Rule("pow-succ-left", "b * a ** C * a", "b * a ** (C + 1)", ("int(C)",), replace=True),
    Rule("sub-of-sub", "a - (b - c)", "a - b + c"),
    Rule("cancel-add-sub", "a + c - c", "a"),
    Rule("cancel-add-sub-left", "c + a - c", "a"),
    Rule("cancel-sub-add", "a - c + c", "a"),
    Rule("cancel-add-of-sub", "c + (a - c)", "a"),
    Rule("not-eq", "not a == b", "a != b"),
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
         ("free(c, v)",), why="stable softmax: exp(-c) cancels from numerator and denominator", replace=True),
    Rule("logsumexp-shift", "log(sum(v, lo, hi, exp(b - c)))", "log(sum(v, lo, hi, exp(b))) - c",
         ("free(c, v)",), why="log Σ exp(b - c) = log(exp(-c)·Σ exp(b)); then the + c of the kernel cancels", replace=True),
    Rule("sum-div", "sum(v, lo, hi, a / c)", "sum(v, lo, hi, a) / c", ("free(c, v)", "nonempty(lo, hi)"),
         why="Σ (x/N) is the mean Σx / N; on an empty range the left side is 0 whatever c is", replace=True),
    Rule("mean-square-swap", "(sum(u, lo, hi, b) / n - a) ** 2", "(a - sum(u, lo, hi, b) / n) ** 2",
         why="(μ − x)² reads (x − μ)² when μ is a mean", replace=True),
    Rule("variance-one-pass", "sum(v, 0, n, a ** 2) / n - (sum(v, 0, n, a) / n) ** 2",
         "sum(v, 0, n, (a - sum(v, 0, n, a) / n) ** 2) / n", ("free(n, v)",), replace=True,
         why="E[x²] - E[x]² is the two-pass Σ(x - μ)²/N; n moves into the binder, so it must not "
             "name v (the inner sum rebinds v: it is closed)"),
    Rule("sigmoid", "1 / (1 + exp(-x))", "sigmoid(x)"),
    Rule("silu-div", "x / (1 + exp(-x))", "silu(x)"),
    Rule("silu", "x * sigmoid(x)", "silu(x)"),
    Rule("silu-right", "sigmoid(x) * x", "silu(x)"),
    Rule("silu-left", "b * x * sigmoid(x)", "b * silu(x)"),
    Rule("tanh-sigmoid", "2 * sigmoid(C * x) - 1", "tanh(C / 2 * x)", why="tanh(y) = 2·σ(2y) − 1"),
    Rule("tanh-exp", "1 - 2 / (exp(C * x) + 1)", "tanh(C / 2 * x)",
         why="tanh(y) = (exp(2y) − 1)/(exp(2y) + 1) = 1 − 2/(exp(2y) + 1); kernels without tanh write this"),
    Rule("tanh-exp-r", "1 - 2 / (1 + exp(C * x))", "tanh(C / 2 * x)"),
    Rule("tanh-exp-ratio", "(exp(C * x) - 1) / (exp(C * x) + 1)", "tanh(C / 2 * x)"),
    Rule("gelu", "0.5 * x * (1 + erf(x / sqrt(2)))", "gelu(x)"),
    Rule("gelu-r", "0.5 * x * (erf(x / sqrt(2)) + 1)", "gelu(x)"),
    Rule("gelu-tanh", "0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x ** 3)))", "gelu_tanh(x)"),
    Rule("softplus", "log(1 + exp(x))", "softplus(x)"),
    Rule("softplus-log1p", "log1p(exp(x))", "softplus(x)"),
    Rule("logsigmoid", "-softplus(-x)", "logsigmoid(x)", why="log σ(x) = −log(1 + exp(−x))"),
    Rule("logsigmoid-stable", "min(x, 0) - softplus(-abs(x))", "logsigmoid(x)",
         why="the overflow-free form: for x < 0, x − log(1 + exp(x)) = −log(1 + exp(−x))"),
)

RULES: tuple[Rule, ...] = FOLD + CLEANUP + TEXTBOOK
BY_NAME: dict[str, Rule] = {r.name: r for r in RULES}
assert len(BY_NAME) == len(RULES), "rule names must be unique"
