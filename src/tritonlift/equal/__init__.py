"""Deciding the equality of two ground terms: one decider (decide.py) for synthesis, the
simplifier's final gate, `check` and the counterexample search; its normal forms (normal.py) and
canonical forms (canon.py). The solver tier goes through the solver backend (verify/solver.py)
with the one lowering of smt/lower.py."""

from .decide import Decider

__all__ = ["Decider"]
