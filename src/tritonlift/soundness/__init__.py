"""The soundness suite (issue 11, point 9): AST mutants of the corpus and test kernels and
adversarial kernels, judged against the kernels run under ``TRITON_INTERPRET=1``.

    python -m tritonlift.soundness [--jobs 2] [--limit N] [--json FILE]
    python -m tritonlift.soundness adversarial

Modules: `mutate` (operators), `bases` (kernels, module copies, mutants on disk), `sizes` (sizes
past every cap), `runtime` (interpreter runs in either program order, numeric formula
evaluation), `judge` (the stages), `pool` (worker processes with time limits), `suite`
(orchestration, classification, summary), `adversarial` (the adversarial table). torch and
triton are imported inside functions only; nothing here is imported by the core.
"""
