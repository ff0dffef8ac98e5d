"""The CI floor of the public benchmark: at least `corpus/FLOOR.toml`'s `min_lifted` items lift
(BOUNDED or better), every row that is not PROVED says why, and no formula is stated in terms of
the launch (block-size constexprs, program ids, strides), which DESIGN §2 rules out.

The bench runs once per session, through the runner (as `tritonlift bench corpus/` does). Items
whose primary spec is a generated FlagGems kernel need `tritonlift gen-flaggems`; when those
kernels are missing the items are left out, the floor is lowered by their number, and
`test_generated_items_are_benchmarked` is skipped saying so.
"""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from tritonlift.bench.runner import BenchReport, is_primary, launch_specs, run_bench, spec_meta
from tritonlift.errors import TritonLiftError
from tritonlift.options import Options
from tritonlift.pipeline import generated_provider, load, source_index
from tritonlift.result import Status

pytestmark = pytest.mark.corpus

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
FLOOR = tomllib.loads((CORPUS / "FLOOR.toml").read_text())["min_lifted"]
BLOCK_SIZE_NAME = re.compile(r"BLOCK|TILE|GROUP", re.IGNORECASE)
LAUNCH_WORDS = re.compile(r"program_id|\bpid\b|stride", re.IGNORECASE)


@dataclass(frozen=True)
class CorpusRun:
    report: BenchReport
    left_out: tuple[str, ...]  # ids of items left out for missing generated kernels


def _needs_missing_generated(path: Path, opts: Options) -> bool:
    provide = generated_provider(opts)
    for step in load(path).steps:
        if step.kernel.startswith("pointwise_dynamic:"):
            try:
                provide(step.kernel)
            except TritonLiftError:
                return True
    return False


@pytest.fixture(scope="session")
def corpus_run() -> CorpusRun:
    from tritonlift.frontend.source import SourceIndex

    if SourceIndex().find_module("flag_gems.ops.sum") is None:
        pytest.skip("the [corpus] extra (flag-gems, liger-kernel) is not installed")
    opts = Options()
    specs = launch_specs(CORPUS)
    left_out = {spec_meta(p)[0] for p in specs if is_primary(p) and _needs_missing_generated(p, opts)}
    run = [p for p in specs if spec_meta(p)[0] not in left_out]
    return CorpusRun(run_bench(run, opts, progress=False), tuple(sorted(left_out, key=int)))


def test_items_lifted_reach_the_floor(corpus_run):
    s = corpus_run.report.summary
    floor = FLOOR - len(corpus_run.left_out)
    lost = sorted({r.id for r in corpus_run.report.rows if r.primary and r.status > Status.BOUNDED}, key=int)
    assert s.items_lifted >= floor, (
        f"{s.items_lifted} of {s.items} benchmark items lifted, below the floor {floor} "
        f"(corpus/FLOOR.toml min_lifted = {FLOOR}, {len(corpus_run.left_out)} items left out); "
        f"not lifted: {', '.join(lost)}")


def test_generated_items_are_benchmarked(corpus_run):
    if corpus_run.left_out:
        pytest.skip(f"generated FlagGems kernels missing: items {', '.join(corpus_run.left_out)} were left "
                    "out of the floor check (run `tritonlift gen-flaggems`)")


def test_every_row_that_is_not_proved_says_why(corpus_run):
    silent = [r.launch for r in corpus_run.report.rows if r.status > Status.PROVED and not r.reason.strip()]
    assert not silent, f"rows without a reason: {silent}"


def _block_size_names(path: Path) -> set[str]:
    """Constexpr kernel parameters that look like block sizes (BLOCK, TILE, GROUP in the name),
    the spec's names bound to them (`BLOCK_SIZE = "BLOCK"`), and `[let]` names that look so. The
    pattern also catches tile flags (`ONE_TILE_PER_CTA`, `NUM_TILES`): launch details too."""
    spec = load(path)
    index = source_index(Options())
    names = {n for n in spec.lets if BLOCK_SIZE_NAME.search(n)}
    for step in spec.steps:
        fn = index.kernel(step.kernel, Path(spec.path).parent)
        for a in fn.node.args.posonlyargs + fn.node.args.args:
            constexpr = a.annotation is not None and "constexpr" in ast.unparse(a.annotation)
            if constexpr and BLOCK_SIZE_NAME.search(a.arg) and a.arg in step.args:
                names.add(a.arg)
                bound = step.args[a.arg].expr
                if bound is not None and str(bound).isidentifier():
                    names.add(str(bound))
    return names


def test_formulas_are_free_of_launch_details(corpus_run):
    bad = []
    for r in corpus_run.report.rows:
        if r.formula is None:
            continue
        for name in sorted(_block_size_names(Path(r.launch))):
            if re.search(rf"\b{re.escape(name)}\b", r.formula):
                bad.append(f"{Path(r.launch).name}: block size {name} in {r.formula!r}")
        if LAUNCH_WORDS.search(r.formula):
            bad.append(f"{Path(r.launch).name}: launch detail in {r.formula!r}")
    assert not bad, "\n".join(bad)
