"""Triton's launch rules (symex/tritonrules.py at concrete sizes, verify/launchrules.py for every
size): a launch Triton rejects is an error naming the sizes, never PROVED; a tile that only grows
past 2**20 elements where the spec leaves sizes unbounded restricts what the proof covers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tritonlift.errors import LaunchRejected
from tritonlift.options import Options
from tritonlift.pipeline import lift, load
from tritonlift.result import Status
from tritonlift.symex.tritonrules import check_arange, check_other, check_shape
from tritonlift.user_formula import parse_user_formula
from tritonlift.verify.prove import prove

ROOT = Path(__file__).resolve().parents[2]
ADV, KERNELS = ROOT / "tests" / "soundness" / "adversarial", ROOT / "tests" / "kernels"
OPTS = Options(simplify=False)


def test_concrete_rules_follow_triton():
    assert check_arange(0, 8, None) == (0, 8)
    assert check_arange(4, 8, None) == (4, 8)
    for start, end, words in [(0, 3, "power of two"), (1, 4, "power of two"), (4, 4, "greater"),
                              (0, 2**21, "maximum")]:
        with pytest.raises(LaunchRejected, match=words):
            check_arange(start, end, None)
    with pytest.raises(LaunchRejected, match="tl.constexpr"):
        check_arange(0, object(), None)
    check_shape((16, 64), "tile", None)
    with pytest.raises(LaunchRejected, match="extent 1"):
        check_shape((16, 6), "tile", None)
    with pytest.raises(LaunchRejected, match="maximum"):
        check_shape((2048, 1024), "tile", None)
    check_other(object(), 0.0, None)
    with pytest.raises(LaunchRejected, match="mask"):
        check_other(None, 0.0, None)


@pytest.mark.parametrize("name, words", [("arange_non_pow2", "tl.arange(0, 3) has 3 elements"),
                                         ("other_without_mask", "`other=` but no `mask=`"),
                                         ("arange_not_constexpr", "tl.constexpr"),
                                         ("zeros_non_pow2", "not a power of two"),
                                         ("block_even_round", "tl.arange(0, 6)")])
def test_a_launch_triton_rejects_is_an_error_with_its_location_and_sizes(name, words):
    r = lift(ADV / f"{name}.toml", OPTS)
    assert r.status is Status.ERROR and r.formula is None
    assert words in r.reason and "(at " in r.reason, r.reason
    assert r.error is not None and r.error.loc is not None and r.error.loc.line > 0
    assert [f.kind for f in r.findings] == ["launch"] and r.findings[0].sizes, r.findings


def test_a_rule_broken_only_past_the_checked_sizes_is_found_by_the_prover():
    spec = load(KERNELS / "intwidth" / "block_max64.toml")
    v = prove(spec, parse_user_formula("y[i] = x[i] + 1.0", spec))
    assert v.status is Status.ERROR
    assert "at N=65" in v.message and "BLOCK = max(64, N)" in v.message
    assert [(f.kind, dict(f.sizes)) for f in v.findings] == [("launch", {"N": 65})]


def test_a_tile_past_2_20_within_the_specs_bound_is_an_error():
    r = lift(ADV / "tile_over_2_20.toml", OPTS)
    assert r.status is Status.ERROR and "N=1048577" in r.reason and "2**20" in r.reason


def test_an_unbounded_next_power_of_2_tile_restricts_the_claim():
    r = lift(KERNELS / "softmax_row.toml", OPTS)
    assert r.status is Status.PROVED
    assert any("has at most 2**20 elements (Triton's limit)" in c for c in r.covers), r.covers
