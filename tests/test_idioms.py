"""The generality measurement set (tests/kernels/idioms/, results in its RESULTS.md): every launch
spec there is run under ``TRITON_INTERPRET=1`` (``tritonlift.bench.interp_run.run_kernels``: the
real kernel, buffers built from the TOML, guard regions around every buffer) at the sizes listed
in ``references.py`` (at least two per spec, past every block cap the host has), for every
autotune configuration the spec lists, and compared with the float64 numpy reference there.

Needs torch and triton (the ``[interp]`` extra); no symbolic execution, no prover.
"""

from __future__ import annotations

import importlib.util
import itertools
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

pytestmark = [
    pytest.mark.interp,
    pytest.mark.skipif(importlib.util.find_spec("torch") is None or importlib.util.find_spec("triton") is None,
                       reason="needs torch and triton (the [interp] extra)"),
]

IDIOMS = Path(__file__).resolve().parent / "kernels" / "idioms"
SPECS = sorted(p.stem for p in IDIOMS.glob("*.toml"))


def _references():
    spec = importlib.util.spec_from_file_location("_idioms_references", IDIOMS / "references.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("_idioms_references", module)
    spec.loader.exec_module(module)
    return module


REFS = _references()


def test_every_spec_has_a_reference():
    assert sorted(REFS.CASES) == SPECS


def _cases():
    for name in SPECS:
        case = REFS.CASES.get(name)
        for i, sizes in enumerate(case.sizes if case else [{}]):
            yield pytest.param(name, sizes, id=f"{name}-{i}")


@pytest.mark.parametrize(("name", "sizes"), list(_cases()))
def test_kernel_matches_reference(name, sizes):
    from tritonlift.bench.interp_run import random_inputs, run_kernels
    from tritonlift.frontend.concrete import autotune_params, instantiate
    from tritonlift.frontend.launch import load_launch

    case = REFS.CASES[name]
    spec = load_launch(IDIOMS / f"{name}.toml")
    params = autotune_params(spec)
    keys = sorted(params)
    for values in itertools.product(*(range(params[k]) for k in keys)):
        choice = dict(zip(keys, values, strict=True))
        conc = instantiate(spec, sizes, choice)
        seed = zlib.crc32(f"{name}{sizes}{choice}".encode())
        tensors, reals = random_inputs(conc, seed)
        if case.prepare is not None:
            case.prepare(tensors, sizes, np.random.default_rng(seed))
        got = run_kernels(conc, tensors, reals)
        want = case.ref({k: v.copy() for k, v in tensors.items()}, dict(conc.env), dict(reals))
        assert sorted(want) == sorted(got), f"outputs: kernel {sorted(got)}, reference {sorted(want)}"
        for out, w in want.items():
            g = got[out]
            w = np.asarray(w, dtype=np.float64 if g.dtype.kind == "f" else np.int64)
            assert g.shape == w.shape, f"{out}: shape {g.shape} vs reference {w.shape}"
            if g.dtype.kind != "f":
                bad = np.argwhere(g != w)
                assert not len(bad), (f"{out} at {sizes} choice {choice}: {len(bad)} elements differ, "
                                      f"first {tuple(bad[0])}: kernel {g[tuple(bad[0])]}, reference {w[tuple(bad[0])]}")
                continue
            scale = max(1.0, float(np.max(np.abs(w[np.isfinite(w)]), initial=0.0)))
            atol = case.atol * scale
            close = np.isclose(g, w, rtol=case.rtol, atol=atol) | (np.isinf(w) & (g == w))
            if not close.all():
                bad = np.argwhere(~close)
                i = tuple(bad[0])
                pytest.fail(f"{out} at {sizes} choice {choice}: {len(bad)} of {w.size} elements differ, "
                            f"first {i}: kernel {g[i]!r}, reference {w[i]!r} (rtol {case.rtol}, atol {atol:.3g})")
