"""Regressions found by kernels the tool had not seen (tests/kernels/unseen/repro/): each lifts
to the exact formula now."""

from pathlib import Path

import pytest

from tritonlift.options import Options
from tritonlift.pipeline import lift, load, run_spec
from tritonlift.result import Status

REPRO = Path(__file__).resolve().parents[2] / "tests" / "kernels" / "unseen" / "repro"


@pytest.mark.parametrize("spec, formula", [
    # the path predicate is restored after a data-dependent if (stores afterwards are unguarded)
    ("branch_ifelse.toml", "y[i] = where(x[i] > 0, x[i] * 2.0, 0.0)\nz[i] = x[i] + 1.0"),
    ("branch_if_only.toml", "y[i] = where(x[i] > 0, x[i] * 2.0, 0.0)\nz[i] = x[i] + 1.0"),
    # an early return under a data-dependent condition leaves no unreachable undef behind
    ("early_return.toml", None),
    # atomic_add at a data-dependent offset updates every cell it may address
    ("scatter_atomic.toml", "dst[i] = sum(k, 0, N, where(idx[k] == i, src[k], 0))"),
])
def test_repro_lifts(spec, formula):
    r = lift(REPRO / spec, Options(prove=False, simplify=False))
    assert r.status is Status.BOUNDED, r.reason
    if formula is not None:
        assert str(r.formula) == formula


def test_init_value_counts_for_untouched_elements():
    spec = load(REPRO / "atomic_fixed.toml")
    sizes = {n: 3 for n in spec.sizes}
    result = run_spec(spec, sizes)
    arr = next(iter(result.outputs.values()))
    assert all(arr[idx] is not None for idx in [(k,) for k in range(arr.shape[0])])
