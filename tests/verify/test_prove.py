"""The unbounded prover (verify/prove.py) on the kernels it is for, and its soundness.

- Element-wise and single-tile kernels of the corpus and of tests/kernels: the formula `lift`
  finds is PROVED for every size, each proof well under 2 s, every obligation unsat.
- Buggy kernels (tests/kernels/buggy/) against their intended formula are never PROVED: REFUTED
  with a counterexample that replays numerically, or UNKNOWN when the bug only shows at sizes no
  bounded check reaches.
- Wrong formulas for correct kernels are REFUTED (replayed); constructs outside the prover's
  class are UNSUPPORTED with their location.
"""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path

import pytest

from tritonlift.check import replay
from tritonlift.errors import TritonLiftError
from tritonlift.options import Options
from tritonlift.pipeline import generated_provider, lift, load
from tritonlift.result import Status
from tritonlift.user_formula import parse_user_formula
from tritonlift.verify.lemmas import LEMMA
from tritonlift.verify.normalize import RULES
from tritonlift.verify.prove import ProveConfig, prove
from tritonlift.verify.solver import default_backend

ROOT = Path(__file__).resolve().parents[2]
CORPUS, KERNELS, BUGGY = ROOT / "corpus", ROOT / "tests" / "kernels", ROOT / "tests" / "kernels" / "buggy"

ELEMENTWISE = ["01_abs", "02_neg", "03_add", "04_sub", "05_mul", "06_div", "07_pow", "08_exp", "09_rsqrt",
               "10_relu", "11_sigmoid", "12_silu", "13_tanh", "14_gelu"]
PROVED_CORPUS = [*ELEMENTWISE, *(f"{n}.scalar" for n in ELEMENTWISE),
                 "01_abs.loop", "15_sum", "16_sum_dim", "17_mean_dim", "18_max", "19_max_dim", "19_max_dim.small", "20_min", "21_prod", "22_argmax", "23_softmax", "24_log_softmax", "25_layer_norm", "26_rms_norm",
                 "28_cumsum", "31_addmm.small", "40_liger_kl_div.small", "42_liger_jsd.small", "34_liger_rms_norm", "35_liger_layer_norm", "36_liger_swiglu", "37_liger_geglu",
                 "38_liger_softmax", "39_liger_cross_entropy", "39_liger_cross_entropy.small", "40_liger_kl_div", "41_liger_rope", "42_liger_jsd"]
PROVED_KERNELS = ["argmax_row", "argmin_blocks", "atomic_absmax", "atomic_sum", "axpy", "bool_mask_and", "bool_or_select", "col_sum_loop", "column_sum_atomic", "count_positive",
                  "cummax_loop", "cummax_scan", "cumsum_scan_loop",
                  "cross_entropy_row", "cumsum_loop", "cumsum_row", "early_return", "embedding_gather", "flat_affine",
                  "geglu_sibling_import", "gelu_libdevice", "gelu_tanh_act", "grid_stride_1d", "grid_stride_2d",
                  "hardtanh_abs", "ignore_row", "inplace_double", "layer_norm", "leaky_relu", "math_mix",
                  "online_softmax", "optional_residual", "optional_residual_none", "perlane_max", "perlane_sumsq",
                  "poly_horner", "poly_horner_clamped", "rms_norm", "row0_bias", "row_dot_f16",
                  "row_min_max_index", "row_prod_reduce", "row_l1_while", "row_sum_loop", "row_sum_max", "scale_bias_2d",
                  "softmax_row", "strided_rows_scale", "swiglu", "transpose_copy", "two_stage_norm",
                  "unary_exp_affine"]

SOFTMAX = "y[i, j] = exp(x[i, j] - max_{k<N} x[i, k]) / Σ_{l<N} exp(x[i, l] - max_{k<N} x[i, k])"
LOG_SOFTMAX = "y[i, j] = x[i, j] - (max_{k<N} x[i, k] + log(Σ_{l<N} exp(x[i, l] - max_{k<N} x[i, k])))"
# buggy kernel -> (its intended formula, the verdict it must get)
BUGS = {
    "softmax_offbyone": (SOFTMAX, Status.REFUTED),
    "softmax_other_zero": (SOFTMAX, Status.REFUTED),
    # pads are unspecified: taken as 0 (what the interpreter loads), they enter the max and the sum
    "softmax_no_other": (SOFTMAX, Status.REFUTED),
    "rms_norm_nm1": ("y[i, j] = x[i, j] * rsqrt(Σ_{k<N} x[i, k] * x[i, k] / N + eps) * w[j]", Status.REFUTED),
    "mean_nm1": ("out[i] = (Σ_{k<N} x[i, k]) / N", Status.REFUTED),
    "scale_swapped_strides": ("y[i, j] = 2.0 * x[i, j]", Status.REFUTED),
    "store_drops_last": ("y[i] = x[i] * 3.0 + 1.0", Status.REFUTED),
    # wrong only past the checked sizes: the solver model's sizes (or the kernel's threshold) executed
    "large_only": ("y[i] = x[i] * 3.0 + 1.0", Status.REFUTED),
    "large_only_value": ("out[i] = Σ_{k<N} x[i, k]", Status.REFUTED),
    "sum_loop_no_tail": ("out[i] = Σ_{k<N} x[i, k]", Status.REFUTED),
    "online_softmax_no_rescale": (SOFTMAX.replace("n_cols", "N"), Status.REFUTED),
    "early_return_off_by_one": ("y[i, j] = 2.0 * x[i, j]", Status.UNKNOWN),  # values right, row M out of bounds
    # (value, index) pair rows: ties to the last block, the block start dropped, a stale running value
    "argmax_blocks_last_tie": ("idx[i] = argmax_{k<N} x[i, k]", Status.REFUTED),
    "argmax_blocks_no_offset": ("idx[i] = argmax_{k<N} x[i, k]", Status.REFUTED),
    "argmax_blocks_stale_value": ("idx[i] = argmax_{k<N} x[i, k]", Status.REFUTED),
    # scan carries: never applied (wrong from the second block, N > 64), overwritten (wrong from N > 512):
    # the prover cannot decide the value obligation; the refutation executes sizes past each threshold
    "cummax_loop_no_carry": ("y[i, j] = max_over(k, 0, j + 1, x[i, k])", Status.REFUTED),
    "cumsum_scan_stale_carry": ("y[i, j] = Σ_{k<j+1} x[i, k]", Status.REFUTED),
    "colsum_store": ("out[j] = Σ_{i<M} x[i, j]", Status.REFUTED),  # row blocks race: tl.store, not atomic_add
    "colsum_not_zeroed": ("out[j] = Σ_{i<M} x[i, j]", Status.REFUTED),  # atomics into unspecified memory (taken as 1)
    "colsum_fill_one": ("out[j] = Σ_{i<M} x[i, j]", Status.REFUTED),  # atomics on top of a fill with 1.0
    # per-lane online softmax: padded lanes compute NaN without the -inf guard (NaN is not modelled: UNKNOWN)
    "perlane_softmax_no_guard": (LOG_SOFTMAX, Status.UNKNOWN),
    "perlane_softmax_no_rescale": (LOG_SOFTMAX, Status.REFUTED),  # no invariant row (the sum is not rescaled): executed
}
WRONG = [
    ("01_abs", "out[i] = x[i]"),
    ("03_add", "out[i] = x[i] + y[i]"),
    ("08_exp", "out[i] = exp(x[i]) + 1"),
    ("16_sum_dim", "out[i] = Σ_{k<N-1} inp[i, k]"),
    ("17_mean_dim", "out[i] = (Σ_{k<N} inp[i, k]) / (N + 1)"),
    ("22_argmax", "out_index[i] = argmin_{k<N} inp[i, k]"),
    ("23_softmax", "out[i, j] = exp(inp[i, j]) / Σ_{k<N} exp(inp[i, k] - max_{l<N} inp[i, l])"),
    ("25_layer_norm", "y[i, j] = (x[i, j] - Σ_{k<N} x[i, k] / N) * weight[j] + bias[j]; mean[i] = Σ_{k<N} x[i, k] / N; "
                      "rstd[i] = 1.0"),
    ("36_liger_swiglu", "c[i, j] = a[i, j] * sigmoid(a[i, j]) * b[i, j]"),
    ("38_liger_softmax", "y[i, j] = exp(x[i, j] - max_{k<N} x[i, k]) / Σ_{l<N} exp(x[i, j] - max_{k<N} x[i, k])"),
    ("28_cumsum", "out[i, j] = Σ_{k<j} x[i, k]"),
]


@pytest.fixture(scope="module")
def config():
    with default_backend() as backend:
        yield ProveConfig(backend=backend)


def _corpus(name: str) -> Path:
    path = CORPUS / f"{name}.toml"
    spec = load(path)
    kernel = spec.steps[0].kernel
    if kernel.startswith("pointwise_dynamic:"):
        try:
            if not generated_provider(Options())(kernel).exists():
                raise TritonLiftError("missing")
        except TritonLiftError:
            pytest.skip(f"{name}: the generated FlagGems kernel is not cached (`tritonlift gen-flaggems`)")
        module = kernel.split(":")[1]
    else:
        module = kernel.split(":")[0]
    if importlib.util.find_spec(module.split(".")[0]) is None:
        pytest.skip(f"{name}: {module.split('.')[0]} is not installed (the [corpus] extra)")
    return path


def _lift_and_prove(path: Path, config: ProveConfig):
    r = lift(path, Options(prove=False, simplify=False))
    assert r.status is Status.BOUNDED and r.formula is not None, r.reason
    return prove(load(path), r.formula, config=config)


@pytest.mark.parametrize("name", PROVED_CORPUS)
def test_corpus_item_is_proved(name, config):
    v = _lift_and_prove(_corpus(name), config)
    assert v.status is Status.PROVED, v.explain()
    assert all(o.proved for o in v.obligations)
    assert {"value", "coverage", "no-conflict"} <= {o.kind for o in v.obligations}


@pytest.mark.parametrize("name", PROVED_KERNELS)
def test_test_kernel_is_proved(name, config):
    v = _lift_and_prove(KERNELS / f"{name}.toml", config)
    assert v.status is Status.PROVED, v.explain()


def test_softmax_proof_cites_the_masked_tail_lemmas_and_the_block_size_model(config):
    v = _lift_and_prove(KERNELS / "softmax_row.toml", config)
    kinds = [o.kind for o in v.obligations]
    assert kinds.count("in-bounds") == 2  # the load and the store
    assert {"max_masked_tail", "sum_masked_tail"} <= set(v.assumptions)
    assert any("BLOCK = next_power_of_2(N)" in a for a in v.assumptions)
    side = [o for o in v.obligations if o.kind == "side-condition"]
    assert side and all(o.proved for o in side)


@pytest.mark.parametrize("bug", list(BUGS))
def test_buggy_kernel_is_never_proved(bug, config):
    text, expected = BUGS[bug]
    spec = load(BUGGY / f"{bug}.toml")
    v = prove(spec, parse_user_formula(text, spec), config=replace(config, refute_unsupported=True))
    assert v.status is expected, v.explain()
    if expected is Status.REFUTED:
        c = v.counterexample
        assert c is not None
        kernel, formula = replay(c, BUGGY / f"{bug}.toml", text)
        assert formula == pytest.approx(c.formula_value)
        assert kernel is None or abs(kernel - formula) > 1e-6 * max(abs(kernel), abs(formula), 1.0)
    elif expected is Status.UNSUPPORTED:  # a construct refused with its reason (e.g. unknown initial content)
        assert v.message.startswith("not supported by the prover:"), v.message
    else:
        assert v.failed is not None and v.failed.status in ("failed", "unknown")


@pytest.mark.parametrize("bug", ["large_only", "large_only_value"])
def test_a_bug_beyond_the_checked_sizes_is_refuted_at_the_solver_models_sizes(bug, config):
    r = lift(BUGGY / f"{bug}.toml", Options(prove=False, simplify=False))
    assert r.status is Status.BOUNDED  # correct at every size the bounded tier checks
    v = prove(load(BUGGY / f"{bug}.toml"), r.formula, config=config)
    # the model's sizes (past 1000 columns, past element 4096) are executed, not only small ones
    assert v.status is Status.REFUTED, v.explain()
    c = v.counterexample
    assert c is not None and max(c.sizes.values()) > 1000
    text = str(r.formula)
    kernel, formula = replay(c, BUGGY / f"{bug}.toml", text)
    assert formula == pytest.approx(c.formula_value)
    assert kernel is None or abs(kernel - formula) > 1e-6 * max(abs(kernel), abs(formula), 1.0)


@pytest.mark.parametrize(("name", "text"), WRONG, ids=[w[0] for w in WRONG])
def test_wrong_formula_for_a_correct_kernel_is_refuted(name, text, config):
    path = _corpus(name)
    spec = load(path)
    v = prove(spec, parse_user_formula(text, spec), config=config)
    assert v.status is Status.REFUTED, v.explain()
    kernel, formula = replay(v.counterexample, path, text)
    assert kernel is None or abs(kernel - formula) > 1e-6 * max(abs(kernel), abs(formula), 1.0)


def test_a_per_lane_loop_accumulator_is_proved_by_swapping_the_reductions(config):
    # acc[l] += x[start + l], summed after the loop: Σ over lanes of Σ over iterations, swapped
    # (sum_swap) into Σ over iterations of tiles, then flattened and its masked tail cut
    spec = load(KERNELS / "row_sum_loop.toml")
    r = lift(KERNELS / "row_sum_loop.toml", Options(prove=False, simplify=False))
    v = prove(spec, r.formula, config=config)
    assert v.status is Status.PROVED, v.explain()
    assert {"sum_swap", "tiles_flat_sum", "sum_masked_tail"} <= set(v.assumptions)


def test_nested_reductions_of_different_operators_are_not_swapped(config):
    # max over lanes of per-lane sums is not the sum of the maxima: no lemma applies, never PROVED
    spec = load(BUGGY / "perlane_max_of_sums.toml")
    v = prove(spec, parse_user_formula("out[i] = Σ_{k<N} x[i, k]", spec), config=replace(config, refute_unsupported=True))
    assert v.status is Status.REFUTED, v.explain()


def test_a_loop_update_no_pattern_covers_is_unsupported_naming_the_variable(config):
    # ties across blocks to the last one (`>=`): not the pair row, which needs a strict update
    spec = load(BUGGY / "argmax_blocks_last_tie.toml")
    v = prove(spec, parse_user_formula("idx[i] = argmax_{k<N} x[i, k]", spec), config=config)
    assert v.status is Status.UNSUPPORTED and "'best_i'" in v.message, v.message
    assert "argmax_blocks_last_tie.py:14" in v.location  # the loop's line


def test_two_launches_through_a_temp_buffer_are_proved(config):
    r = lift(KERNELS / "two_stage_norm.toml", Options(prove=False, simplify=False))
    v = prove(load(KERNELS / "two_stage_norm.toml"), r.formula, config=config)
    assert v.status is Status.PROVED, v.explain()
    kinds = {(o.kind, o.name) for o in v.obligations}
    assert {("coverage", "partial"), ("value", "partial"), ("coverage", "out")} <= {(k, n.split("@")[0]) for k, n in kinds}


def test_every_autotune_configuration_is_proved(tmp_path, config):
    text = (KERNELS / "unary_exp_affine.toml").read_text()
    text = text.replace('kernel = "unary_exp_affine.py::', f'kernel = "{KERNELS / "unary_exp_affine.py"}::')
    path = tmp_path / "autotuned.toml"
    path.write_text(text.replace("BLOCK = 4", "BLOCK = [2, 4, 8]"))
    v = prove(load(path), parse_user_formula("y[i] = exp(x[i]) * 2.0 + 1.0", load(path)), config=config)
    assert v.status is Status.PROVED, v.explain()
    # all three in one proof, BLOCK a symbol constrained to its list (verify/blocks.py)
    assert len([o for o in v.obligations if o.kind == "value"]) == 1


def test_dump_smt_writes_every_query(tmp_path, config):
    from dataclasses import replace

    v = _lift_and_prove(KERNELS / "softmax_row.toml", replace(config, dump_smt=tmp_path))
    files = sorted(p.name for p in tmp_path.glob("*.smt2"))
    # every recorded obligation's query, plus the side conditions the normalizer tried and dropped
    assert len(files) >= len([o for o in v.obligations if o.status != "derived"]) > 0
    assert "(check-sat)" in (tmp_path / files[0]).read_text()


def test_every_rewrite_rule_is_a_proved_lemma():
    assert all(r.lemma in LEMMA for r in RULES)


# -- building blocks -------------------------------------------------------------------------------

def test_next_power_of_2_is_a_symbol_covering_its_argument():
    import z3

    from tritonlift.verify.sizemodel import SizeModel
    from tritonlift.verify.theory import Z3Theory

    T = Z3Theory()
    m = SizeModel.build(load(KERNELS / "softmax_row.toml"), T)
    N, B = m.sizes["N"], m.syms["BLOCK"]
    s = z3.Solver(ctx=T.ctx)
    s.add(*m.hyps, z3.Not(z3.And(N <= B, B < 2 * N)))
    assert s.check() == z3.unsat  # N ≥ 1 makes B = 1 fall under B < 2N too


def test_offsets_decode_by_strides():
    from tritonlift.dsl.term import const, sym, var
    from tritonlift.verify.obligations import Layout, _split

    N, M, one = sym("N"), sym("M"), const(1)
    p, lane = var("p0"), var("l0")
    row_major = Layout((M, N), (N, one), True, "in", "fp32")
    assert _split(p * N + lane, row_major) == (p, lane)
    assert _split(lane, row_major) == (const(0), lane)  # a flat offset: the in-bounds check rejects it
    col_major = Layout((M, N), (one, M), False, "in", "fp32")
    assert _split(lane + p * M, col_major) == (lane, p)


def test_mask_guards_give_the_logical_range():
    from tritonlift.dsl import build
    from tritonlift.dsl.term import Op, const, sym, var
    from tritonlift.verify.normalize import upper_bound

    k, N = var("b1"), sym("N")
    assert upper_bound(build.compare(Op.LT, k, N), "b1") is N
    assert upper_bound(build.compare(Op.LE, k, N), "b1") is build.add(N, 1)
    assert upper_bound(build.compare(Op.LT, build.add(k, 4), N), "b1") is build.sub(N, 4)
    assert upper_bound(build.compare(Op.LT, build.mul(2, k), N), "b1") is None  # stride 2: not a prefix
    assert upper_bound(build.compare(Op.LT, N, k), "b1") is None
    assert upper_bound(build.compare(Op.LT, k, const(3)), "b1").value == 3
