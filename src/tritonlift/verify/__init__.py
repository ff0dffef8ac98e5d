"""verify stage: proving lifted formulas for every size (DESIGN.md section 7).

How the pieces fit, and how verification-condition (VC) generation is meant to use them:

- `query.py`, `solver.py`, `engines.py`, `worker.py`: the solver boundary. A VC is assembled as
  z3 expressions, serialised once to SMT-LIB text (`Query.from_z3`), and checked by a `Backend`:
  z3 by default, then cvc5 (default, then finite model finding) as a second opinion only when z3
  says unknown (`default_backend()`). Each check runs in a killable worker process, under a time
  limit, an optional z3 rlimit and a fixed seed; `dump(query, dir)` implements `--dump-smt DIR`.
  `unsat` proves a VC, `sat` refutes it (with a model that is only a *candidate* counterexample:
  math functions are uninterpreted, so it must be replayed numerically), `unknown` carries why.

- `theory.py`, `axioms.py`: the symbols (`f_exp_1`, ..., the extended reals) and every trusted
  fact about them, as one table that `render.assumptions.assumptions_text()` prints. VC generation asserts only
  the entries a VC needs, as quantified formulas with their triggers or, preferably, as ground
  instances it picks itself (`Axiom.instance`): cvc5 ignores triggers that contain arithmetic,
  and a single bad trigger can turn a millisecond proof into a timeout.

- `reductions.py`, `induction.py`, `lemmas.py`: binders (Σ, max, argmax over [lo, hi)) become
  recursive functions; facts about them that need induction are lemmas, each proved by base +
  step + conclusion queries in the tests. A VC uses a lemma through `Lemma.axiom(R)` (quantified,
  with explicit, plain-variable triggers) or `Lemma.instance(R, ...)` (ground), where `R` is a
  `Reductions` built over the kernel's body: the proof was for an uninterpreted body, so it holds
  for every body, and VC generation may cite it without re-proving. Loop invariants from the
  invariant patterns (prefix sum, online-softmax pair, argmax pair, tiled dot, scan carry) turn
  into initiation/preservation/exit VCs whose preservation step is a lemma instance
  (`tile_step`, `online_softmax_step`, `argmax_split`, `scan_carry`, ...).

- Exp-heavy VCs should reach the solver pre-normalised (notes section 3.2): the rewrite layer
  turns exp(a − b) into exp(a)/exp(b) and each exp(x_j) into a fresh positive value, so the
  query is quantifier-free nonlinear arithmetic, which both proves fast and yields real `sat`
  counterexamples. Quantified exp axioms are the fallback, with exp_add triggered on the product.

- `prove.py` (`prove(spec, formula) -> Verdict`), the unbounded tier: `sizemodel.py` makes sizes z3 integers under the spec's constraints
  (next_power_of_2 as `N ≤ P < 2N`); `vcgen.py` + `lanebuiltins.py` + `lanetile.py` run the kernel
  once for a symbolic program and symbolic lanes (a tile is one term over its lane variables, a
  reduction over a tile axis a binder term), recording every load and store with its decoded
  index; `normalize.py` rewrites reductions over masked lanes into reductions over the logical
  range by the masked-tail lemmas (their hypotheses discharged by the solver); `encode.py` lowers
  both sides into this vocabulary, one `Reductions` per distinct body; `obligations.py` builds
  and runs the queries (in-bounds, value, side conditions, coverage; no-conflict follows).
  Loops over symbolic trip counts (`loops.py`): each loop-carried value gets a closed form from
  its update's pattern (v + h, v·h, max, min, overwrite), which holds by the definition of the
  reduction over iterations; the normalizer then flattens "reduction over iterations of a
  reduction over a tile" into one reduction over the flat range (`tiles_flat_*` lemmas), merges
  adjacent ranges (`*_split`, e.g. a peeled tail) and removes `x mod m` where 0 ≤ x < m.
  Launches through `temp` buffers are composed: the temp's content is proved like an output and
  substituted for the later launch's loads. In-place (`inout`) tensors get a read-before-write
  obligation (`inout.py`).

- Loop-carried values appear in VCs as constants tied down by hypotheses (m = max_{[0,i)} f),
  not as nested terms: z3's preprocessing rewrites nested terms so that triggers stop matching,
  and a conjunction of goals is checked as one query per conjunct (both measured in
  `online_softmax_step`).
"""
