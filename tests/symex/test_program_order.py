"""Races under more than one program order, partial runs of a few programs, and data-dependent
reads the declared data ranges let fall outside a tensor (issue 11, points 5 and 6)."""

from __future__ import annotations

from pathlib import Path

from tritonlift.frontend.concrete import instantiate
from tritonlift.options import Options
from tritonlift.pipeline import load, past_thresholds, run_spec, source_index, thresholds
from tritonlift.symex.runner import run_launch

ROOT = Path(__file__).resolve().parents[2]
ADV = ROOT / "tests" / "soundness" / "adversarial"
KERNELS = ROOT / "tests" / "kernels"

EMBED_OOB = '''
import triton
import triton.language as tl


@triton.jit
def gather_kernel(idx_ptr, w_ptr, y_ptr, D, stride_w, BLOCK_D: tl.constexpr):
    token = tl.program_id(0)
    cols = tl.arange(0, BLOCK_D)
    mask = cols < D
    row = tl.load(idx_ptr + token)
    vals = tl.load(w_ptr - row * stride_w + cols, mask=mask)
    tl.store(y_ptr + token * D + cols, vals, mask=mask)
'''

EMBED_SPEC = '''
op = "gather"
kernel = "k.py::gather_kernel"
grid = ["M"]
[sizes]
M = ""
V = ""
D = ""
[tensors]
idx = { dir = "in", dtype = "i32", shape = ["M"], range = ["0", "V"] }
w = "in f32[V, D]"
y = "out f32[M, D]"
[args]
idx_ptr = "idx"
w_ptr = "w"
y_ptr = "y"
D = "D"
stride_w = "D"
BLOCK_D = 4
'''


def test_reading_what_a_later_program_overwrites_is_a_race_in_reverse_order():
    spec = load(ADV / "inplace_reads_next_program.toml")
    sp = run_spec(spec, {"N": 9})  # three programs: program 0 reads the block program 1 rewrites
    assert sp.reverse is not None and sp.reverse.reversed_order
    assert any(f.kind == "race" and "program order" in f.message for f in sp.findings)
    assert sp.outputs["x"][0] is not sp.reverse.outputs["x"][0]
    # two programs: program 1 rewrites its block with the same values, the order cannot show
    assert run_spec(spec, {"N": 8}).reverse is None


def test_independent_programs_run_once():
    sp = run_spec(load(KERNELS / "axpy.toml"), {"N": 9})
    assert sp.reverse is None and not any(f.kind == "race" for f in sp.findings)


def test_last_writer_wins_is_a_race():
    sp = run_spec(load(ADV / "scalar_store_race.toml"), {"N": 3})
    assert sp.reverse is not None


def test_partial_run_executes_only_the_named_programs():
    spec = load(ADV / "threshold_780.toml")
    conc = instantiate(spec, {"N": 1000})
    whole = run_launch(conc, source_index(Options()))
    part = run_launch(conc, source_index(Options()), frozenset({(12, 0, 0)}))
    written = [idx for name, idx, _ in part.elements()]
    assert written == [(k,) for k in range(12 * 64, 13 * 64)]
    assert all(part.outputs["y"][i] is whole.outputs["y"][i] for i in written)
    assert part.programs == ((12, 0, 0),) and part.partial_caveat == ""
    assert part.stored_by[("y", (12 * 64 + 5,))] == ((12, 0, 0), (5,))


def test_partial_run_that_reads_other_programs_memory_says_so():
    spec = load(ADV / "inplace_reads_next_program.toml")
    part = run_launch(instantiate(spec, {"N": 12}), source_index(Options()), frozenset({(1, 0, 0)}))
    assert "programs not executed may write" in part.partial_caveat


def test_split_and_tile_sizes_are_thresholds():
    spec = load(ADV / "split_k_store.toml")  # grid cdiv(K, 64), loops by BLOCK = 16
    assert {16, 64} <= set(thresholds(spec))
    past = past_thresholds(spec, [{"M": 1, "K": 3}], None)
    assert any(p["K"] > 128 for p in past)  # three splits, the last one masked


def test_gather_outside_the_declared_range_is_an_out_of_bounds_finding(tmp_path):
    (tmp_path / "k.py").write_text(EMBED_OOB)
    (tmp_path / "k.toml").write_text(EMBED_SPEC)
    sp = run_spec(load(tmp_path / "k.toml"), {"M": 2, "V": 3, "D": 1})
    assert any(f.kind == "oob" and "declared range" in f.message for f in sp.findings)
    from tritonlift.dsl.term import walk

    assert any(n.attrs[:1] == ("out-of-bounds read of w",) for n in walk(sp.outputs["y"][0, 0]))


def test_gather_inside_the_declared_range_is_a_plain_read():
    sp = run_spec(load(KERNELS / "embedding_gather.toml"), {"M": 2, "V": 3, "D": 1})
    assert not any(f.kind == "oob" for f in sp.findings)


def test_bounded_names_the_branch_its_sizes_never_took():
    from tritonlift.pipeline import lift

    r = lift(ADV / "threshold_780.toml", Options(prove=False, simplify=False))
    assert "the if at threshold_780.py:13 was always false" in r.reason


def test_constexpr_branches_are_not_named():
    from tritonlift.symex.runner import unexercised

    sp = run_spec(load(KERNELS / "softmax_row.toml"), {"M": 2, "N": 3})
    assert unexercised([sp]) == []
