"""The solver boundary: one Term -> SMT lowering (`lower.py`); the backends, queries and worker
live in verify/ (solver.py, query.py, worker.py) and are reached through `equal.decide`, the
prover and the rule proofs alike."""
