"""Symbolic execution of every launch spec we have (tests/kernels and the public corpus) at two
sizes, plus exact checks of what a few kernels compute."""

from pathlib import Path

import pytest

from tritonlift.bench.runner import launch_specs
from tritonlift.dsl import Op, read, to_text
from tritonlift.options import Options
from tritonlift.pipeline import default_sizes, load, run_spec

ROOT = Path(__file__).resolve().parents[2]
KERNEL_SPECS = sorted((ROOT / "tests" / "kernels").glob("*.toml"))
CORPUS_SPECS = launch_specs(ROOT / "corpus")  # FLOOR.toml is not a launch spec


def _generated_available(spec_path: Path) -> bool:
    text = spec_path.read_text()
    if "pointwise_dynamic:" not in text:
        return True
    return any(Options().generated_dir.glob("*_rank_1.py"))


def _flaggems_installed() -> bool:
    from tritonlift.frontend.source import SourceIndex

    return SourceIndex().find_module("flag_gems.ops.sum") is not None


@pytest.mark.parametrize("path", KERNEL_SPECS, ids=lambda p: p.stem)
def test_kernel_specs_execute_at_two_sizes(path):
    spec = load(path)
    sizes = default_sizes(spec)[:2]
    for s in sizes:
        result = run_spec(spec, s)
        assert any(True for _ in result.elements()), f"{path.name} at {s} wrote nothing"


@pytest.mark.corpus
@pytest.mark.parametrize("path", CORPUS_SPECS, ids=lambda p: p.stem)
def test_corpus_specs_execute_at_two_sizes(path):
    if not _flaggems_installed():
        pytest.skip("the [corpus] extra (flag-gems, liger-kernel) is not installed")
    if not _generated_available(path):
        pytest.skip("generated FlagGems kernels missing: run `tritonlift gen-flaggems`")
    spec = load(path)
    for s in default_sizes(spec)[:2]:
        result = run_spec(spec, s)
        assert any(True for _ in result.elements())


def test_softmax_row_is_max_shifted_softmax():
    spec = load(ROOT / "tests" / "kernels" / "softmax_row.toml")
    result = run_spec(spec, {"M": 1, "N": 2})
    (name, idx, term), *_ = list(result.elements())
    x0, x1 = read("x", 0, 0), read("x", 0, 1)
    assert term.op is Op.DIV
    assert "max(x[0, 0], x[0, 1])" in to_text(term) and x0 in list(term.args[0].args[0].args)
    assert not any("undef" in to_text(t) for _, _, t in result.elements())
    assert x1 is read("x", 0, 1)


def test_masked_tail_is_never_stored():
    spec = load(ROOT / "tests" / "kernels" / "unary_exp_affine.toml")
    result = run_spec(spec, {"N": 5})
    written = [idx for _, idx, _ in result.elements()]
    assert written == [(0,), (1,), (2,), (3,), (4,)]
    assert not result.findings
