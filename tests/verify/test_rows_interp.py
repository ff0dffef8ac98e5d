"""Kernels PROVED through the rows of verify/loops_argmax.py and verify/loops_scan.py, checked
against the kernels themselves under ``TRITON_INTERPRET=1``.

For each spec: `lift` must say PROVED; then the kernel runs under the interpreter at sizes past
every block cap the host has (several loop iterations and a masked tail at the real block sizes),
for every autotune configuration, and the PROVED formula, evaluated numerically on the same
inputs, must agree with every output element. Inputs are rounded to a few values where the row
is about ties (argmax: the first index must win across blocks, so equal maxima must occur in
different blocks).
"""

from __future__ import annotations

import importlib.util
import itertools
import os
from pathlib import Path

import numpy as np
import pytest

from tritonlift.options import Options
from tritonlift.result import Status

pytestmark = [pytest.mark.interp,
              pytest.mark.filterwarnings("ignore:warmup, rep, and use_cuda_graph parameters are deprecated")]

ROOT = Path(__file__).resolve().parents[2]


def _ties(tensors: dict[str, np.ndarray], rng: np.random.Generator) -> None:
    """Round float inputs to halves in [-2, 2]: a row of thousands of elements then holds its
    maximum many times, in several blocks."""
    for name, a in tensors.items():
        if a.dtype.kind == "f":
            tensors[name] = np.clip(np.round(a * 2) / 2, -2, 2).astype(a.dtype)


# spec -> (sizes past the caps, input edit)
CASES = {
    "corpus/19_max_dim.toml": ([{"M": 5, "N": 2100}, {"M": 9, "N": 1025}], _ties),  # BLOCK_N = 1024
    "corpus/19_max_dim.small.toml": ([{"M": 3, "N": 11}], _ties),
    "tests/kernels/idioms/fg_argmax_dim.toml": ([{"M": 5, "N": 4100, "K": 2}, {"M": 3, "N": 300, "K": 3}],
                                                _ties),  # BLOCK_N = min(next_pow2(N), 4096)
    "tests/kernels/argmin_blocks.toml": ([{"M": 4, "N": 101}], _ties),  # 26 blocks of 4
    "tests/kernels/cummax_scan.toml": ([{"M": 3, "N": 300}], _ties),
    "tests/kernels/cummax_loop.toml": ([{"M": 3, "N": 200}, {"M": 2, "N": 65}], _ties),  # BLOCK capped at 64
    "tests/kernels/cumsum_scan_loop.toml": ([{"M": 3, "N": 700}], None),  # blocks of 256
    "tests/kernels/unseen/cumprod_col.toml": ([{"M": 37, "N": 9}], None),  # a prefix of a padded column
}


@pytest.fixture(scope="module")
def interp():
    if importlib.util.find_spec("triton") is None or importlib.util.find_spec("torch") is None:
        pytest.skip("needs torch and triton (the [interp] extra)")
    if os.environ.get("TRITON_INTERPRET") != "1":
        pytest.skip("needs TRITON_INTERPRET=1")


@pytest.mark.parametrize("spec", list(CASES))
def test_proved_formula_matches_the_kernel_past_the_block_caps(spec, interp):
    from tritonlift.frontend.concrete import autotune_params
    from tritonlift.frontend.launch import load_launch
    from tritonlift.pipeline import lift
    from tritonlift.soundness.runtime import differ, evaluate_formula, inputs_for, run

    path = ROOT / spec
    if "flag_gems" in path.read_text() and importlib.util.find_spec("flag_gems") is None:
        pytest.skip("flag_gems is not installed (the [corpus] extra)")
    r = lift(path, Options(simplify=False))
    assert r.status is Status.PROVED, r.reason
    sizes_list, edit = CASES[spec]
    params = autotune_params(load_launch(path))
    keys = sorted(params)
    compared = 0
    for sizes in sizes_list:
        for values in itertools.product(*(range(params[k]) for k in keys)):
            choice = dict(zip(keys, values, strict=True))
            tensors, reals = inputs_for(path, sizes, choice, seed=sum(sizes.values()) + sum(values))
            if edit is not None:
                edit(tensors, np.random.default_rng(0))
            got = run(path, sizes, choice, {k: v.copy() for k, v in tensors.items()}, reals, False,
                      Options().generated_dir)
            assert got.ok, got.error
            want = evaluate_formula(r.formula, path, sizes, tensors, reals)
            for out, w in want.items():
                n, first = differ(got.outputs[out], w, exact=got.outputs[out].dtype.kind != "f")
                assert n == 0, f"{spec} {out} at {sizes} {choice}: {n} elements differ, {first}"
                compared += w.size
    assert compared > 0
