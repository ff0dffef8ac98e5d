"""PROVED formulas of the loop rows, atomics and fix-ups (per-lane online softmax, atomics from
many programs, a store the same program overwrites) against the kernel itself under
TRITON_INTERPRET=1, at sizes past every block cap of the launch (a loop that runs several
times, a last block with padded lanes, a row shorter than its block so that some lanes see
only padding), on random inputs: the formula's numpy reference code (render/code.py) must match.
"""

from pathlib import Path

import numpy as np
import pytest

from tritonlift.frontend.concrete import instantiate
from tritonlift.pipeline import lift, load
from tritonlift.render.code import function_name, reference_code
from tritonlift.result import Status

ROOT = Path(__file__).resolve().parents[2]
pytest.importorskip("torch")
pytest.importorskip("triton")
pytestmark = pytest.mark.interp

# spec -> sizes past its caps (the block each size crosses in the comment)
CASES = {
    "tests/kernels/idioms/fg_log_softmax.toml": [{"M": 2, "N": 4100}, {"M": 3, "N": 37}],  # TILE_N cap 4096; 37 < 64
    "corpus/24_log_softmax.toml": [{"M": 9, "N": 300}, {"M": 3, "N": 100}],  # BLOCK_N = 256: two blocks; 100 < 256
    "corpus/39_liger_cross_entropy.toml": [{"M": 2, "V": 33000}, {"M": 3, "V": 37}],  # BLOCK_SIZE cap 32768
    "tests/kernels/atomic_sum.toml": [{"N": 1001}],  # 251 programs of 4 lanes into one element
    "tests/kernels/column_sum_atomic.toml": [{"M": 301, "N": 37}],  # 151 row blocks per column
    "tests/kernels/atomic_absmax.toml": [{"N": 999}],  # every lane of every program into out[0]
}


@pytest.mark.parametrize("spec_path", list(CASES), ids=lambda p: Path(p).stem)
def test_proved_formula_matches_the_kernel_past_every_cap(spec_path):
    from tritonlift.bench.interp_run import random_inputs, run_kernels

    path = ROOT / spec_path
    r = lift(path)
    assert r.status is Status.PROVED, r.reason
    spec = load(path)
    src = reference_code(r.formula, spec, "numpy")
    ns: dict = {}
    exec(compile(src, f"<numpy reference for {path.name}>", "exec"), ns)
    fn = ns[function_name(spec)]
    params = fn.__code__.co_varnames[: fn.__code__.co_argcount]
    for sizes in CASES[spec_path]:
        conc = instantiate(spec, sizes)
        inputs, reals = random_inputs(conc, seed=5)
        kernel = run_kernels(conc, {k: v.copy() for k, v in inputs.items()}, reals)
        args = [inputs[p] if p in inputs else reals[p] if p in reals else sizes[p] for p in params]
        out = fn(*args)
        outs = out if isinstance(out, tuple) else (out,)
        for o, value in zip(r.formula.outputs, outs, strict=True):
            want = kernel[o.tensor]
            assert np.asarray(value).shape == want.shape, (o.tensor, sizes)
            assert np.allclose(value, want, rtol=1e-4, atol=1e-5), (
                o.tensor, sizes, float(np.nanmax(np.abs(np.asarray(value) - want))))
