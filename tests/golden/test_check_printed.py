"""Acceptance (issue 12): for every PROVED result of the public corpus (corpus/), tests/kernels and
tests/kernels/idioms, `check` of the formula exactly as `lift` printed it (Unicode, named
functions, `where` clauses, `x_old`) is PROVED.

The printed formulas are cached in printed.txt (running every lift here would double the time);
regenerate them after a change to lifting, simplification or rendering with
`PYTHONPATH=src python tests/golden/printed.py` and review the diff. A cache entry whose spec no
longer exists fails the test, so the cache cannot silently go stale.

Slow (a `check` is a lift and a proof: about 10 s each, about 150 of them): runs with
`--slow` (`python -m pytest tests/golden/test_check_printed.py --slow`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.golden.printed import CACHE, ROOT, printed_formula, read_cache

from tritonlift.check import check_formula
from tritonlift.result import Status

ITEMS = read_cache()


def test_the_cache_exists_and_names_existing_specs():
    assert ITEMS, f"{CACHE} is empty: run `PYTHONPATH=src python tests/golden/printed.py`"
    missing = [k for k in ITEMS if not (ROOT / k).exists()]
    assert not missing, f"stale entries in {CACHE.name}: {missing}"
    assert all(text.strip() for text in ITEMS.values())


def test_printed_formula_block_is_extracted_as_printed():
    text = ("softmax  (softmax_row.py::k)  PROVED for all sizes  1.00 s\n"
            "  y[i, j] = exp(x[i, j] − mx[i]) / (Σ_{l<N} exp(x[i, l] − mx[i]))\n"
            "    where mx[i] = max_{k<N} x[i, k]\n"
            "  as written by the kernel (before simplification):\n"
            "  y[i, j] = ...\n")
    assert printed_formula(text) == ("y[i, j] = exp(x[i, j] − mx[i]) / (Σ_{l<N} exp(x[i, l] − mx[i]))\n"
                                     "where mx[i] = max_{k<N} x[i, k]")


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(ITEMS))
def test_check_of_what_lift_printed_is_proved(key):
    path = Path(ROOT / key)
    if "corpus" in path.parts:
        from tritonlift.frontend.source import SourceIndex

        if SourceIndex().find_module("flag_gems.ops.sum") is None:
            pytest.skip("the [corpus] extra (flag-gems, liger-kernel) is not installed")
    r = check_formula(path, ITEMS[key])
    assert r.status is Status.PROVED, f"{key}: {r.status}: {r.reason}\nformula:\n{ITEMS[key]}"
