"""Regression test for the generalisation set in tests/kernels/unseen/ (kernels written without
the tool's author seeing them; results in tests/kernels/unseen/RESULTS.md).

For every launch spec there:
- `pipeline.lift(spec)` must give the status recorded in tests/kernels/unseen/expected.json;
- for a BOUNDED result, the formula must agree with the kernel at a random size the lift did not
  choose: the kernel's per-element Terms (`pipeline.run_spec`) and the formula instantiated at
  that size (`synth.instantiate.instantiate`) are both evaluated (`dsl.evaluate`) on random
  inputs and compared in float64.

No torch/triton needed: everything here is symbolic execution plus numpy.
"""

from __future__ import annotations

import json
import random
import zlib
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from tritonlift.dsl.evaluate import Env, evaluate
from tritonlift.errors import SpecError
from tritonlift.frontend.concrete import instantiate as concrete_instantiate
from tritonlift.options import Options
from tritonlift.pipeline import lift, load, run_spec
from tritonlift.synth.instantiate import instantiate

UNSEEN = Path(__file__).resolve().parent / "kernels" / "unseen"
EXPECTED: dict[str, str] = json.loads((UNSEEN / "expected.json").read_text())
SPECS = sorted(p.name for p in UNSEEN.glob("*.toml"))
SIZE_VALUES = (1, 2, 3, 5, 6, 7, 10)


def test_every_spec_has_an_expectation():
    assert sorted(EXPECTED) == SPECS, "update tests/kernels/unseen/expected.json (and RESULTS.md)"


@cache
def _lift(name: str):
    return lift(UNSEEN / name, Options(prove=False, simplify=False))  # the synthesis stage: BOUNDED at best


@pytest.mark.parametrize("name", SPECS)
def test_status(name):
    res = _lift(name)
    assert str(res.status) == EXPECTED[name], f"{name}: {res.status}: {res.reason}"


def _random_size(spec, rng: random.Random) -> tuple[dict[str, int], object]:
    for _ in range(200):
        sizes = {n: rng.choice(SIZE_VALUES) for n in spec.sizes}
        try:
            return sizes, concrete_instantiate(spec, sizes)
        except SpecError:
            continue
    raise AssertionError("no random size satisfies the constraints")


def _random_data(conc, rng: np.random.Generator) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    tensors: dict[str, np.ndarray] = {}
    for name, t in conc.tensors.items():
        if t.direction not in ("in", "inout"):
            continue
        if t.dtype.startswith(("fp", "bf")):
            tensors[name] = rng.standard_normal(t.shape)
        elif t.dtype == "int1":
            tensors[name] = rng.integers(0, 2, size=t.shape).astype(bool)
        else:
            lo, hi = t.value_range or (-8, 8)
            tensors[name] = rng.integers(lo, hi, size=t.shape, dtype=np.int64)
    # every real in these specs is either unconstrained or `r > 0`
    reals = {}
    for r, constraints in conc.spec.reals.items():
        positive = any(c.replace(" ", "") == f"{r}>0" for c in constraints)
        reals[r] = float(rng.uniform(0.2, 2.0) if positive else rng.uniform(-1.5, 1.5))
    return tensors, reals


BOUNDED = [n for n in SPECS if EXPECTED.get(n) == "BOUNDED"]


@pytest.mark.parametrize("name", BOUNDED)
def test_bounded_formula_matches_kernel_at_random_size(name):
    res = _lift(name)
    if res.formula is None:
        pytest.fail(f"{name}: no formula ({res.status}: {res.reason})")
    seed = zlib.crc32(name.encode())
    spec = load(UNSEEN / name)
    sizes, conc = _random_size(spec, random.Random(seed))
    kernel = run_spec(spec, sizes)
    assert {o.tensor for o in res.formula.outputs} == set(kernel.outputs), "outputs differ"
    np_rng = np.random.default_rng(seed)
    for trial in range(2):
        tensors, reals = _random_data(conc, np_rng)
        env = Env(tensors, reals, {})
        for o in res.formula.outputs:
            arr = kernel.outputs[o.tensor]
            for idx in (np.ndindex(arr.shape) if arr.shape else [()]):
                want_t = arr[idx]
                assert want_t is not None, f"{o.tensor}{list(idx)} not written at {sizes}"
                got_t = instantiate(o.body, {**conc.env, **dict(zip(o.index_vars, idx, strict=True))})
                want, got = float(evaluate(want_t, env)), float(evaluate(got_t, env))
                assert np.isclose(got, want, rtol=1e-9, atol=1e-9), (
                    f"{name}: {o.tensor}{list(idx)} at {sizes}, trial {trial}: formula {got!r}, kernel {want!r}")
