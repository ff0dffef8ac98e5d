"""The relations rules use as side conditions, and the facts that derive them, as data.

- `free(e, v)`: the value of e-class `e` does not depend on the bound index named `v`. Derived
  structurally for every constructor (egraph.py generates those rules from its constructor table):
  constants and symbols are free of every bound name, `Var u` of every name but `u`, an operation
  when all its arguments are, a binder over `u` when its bounds are and (for a name other than
  `u`) its body is. Reads and other opaque leaves get their facts from the DSL's free variables.
  A class is free of `v` when *one* of its members is: equal values, one of them independent of
  `v`, make the class independent (a rule may move it out of the binder; extraction could still
  pick a member naming `v`, so the result's free variables are checked after decoding).
- `nonempty(lo, hi)`: `lo < hi`, given for binder ranges by the encoder (sizes are >= 1, output
  indices >= 0).
- `pos(e)`, `nonneg(e)`: `e > 0`, `e >= 0`, from the facts below (every row is proved in
  tests/simplify/test_rules.py: premises imply the conclusion wherever `e` is defined).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fact:
    relation: str  # pos | nonneg
    term: str  # a pattern, in rules.py's syntax
    premises: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.relation}: {self.term}" + (f" if {', '.join(self.premises)}" if self.premises else "")


FACTS: tuple[Fact, ...] = (
    Fact("pos", "C", ("C > 0",)),
    Fact("nonneg", "C", ("C >= 0",)),
    Fact("pos", "exp(a)"),
    Fact("pos", "exp2(a)"),
    Fact("pos", "sigmoid(a)"),
    Fact("pos", "softplus(a)"),
    Fact("nonneg", "a", ("pos(a)",)),
    Fact("nonneg", "sqrt(a)"),
    Fact("pos", "sqrt(a)", ("pos(a)",)),
    Fact("nonneg", "abs(a)"),
    Fact("nonneg", "a ** 2"),
    Fact("pos", "a + b", ("pos(a)", "nonneg(b)")),
    Fact("pos", "a + b", ("nonneg(a)", "pos(b)")),
    Fact("nonneg", "a + b", ("nonneg(a)", "nonneg(b)")),
    Fact("pos", "a * b", ("pos(a)", "pos(b)")),
    Fact("nonneg", "a * b", ("nonneg(a)", "nonneg(b)")),
    Fact("pos", "a / b", ("pos(a)", "pos(b)")),
    Fact("nonneg", "a / b", ("nonneg(a)", "pos(b)")),
    Fact("pos", "max(a, b)", ("pos(a)",)),
    Fact("nonneg", "max(a, b)", ("nonneg(a)",)),
    Fact("nonneg", "max(a, b)", ("nonneg(b)",)),
    Fact("pos", "sum(v, lo, hi, a)", ("pos(a)", "nonempty(lo, hi)")),
    Fact("nonneg", "sum(v, lo, hi, a)", ("nonneg(a)",)),
)

RELATIONS = {"free": ("R", "String"), "nonempty": ("R", "R"), "pos": ("R",), "nonneg": ("R",),
             "bound-name": ("String",)}
