"""FlagGems bmm (corpus/32_bmm*) is not lifted: "out[0, 0, 0] depends on an unspecified value
(masked-out lane without other=)". Is that the kernel or our model? Run under TRITON_INTERPRET=1
at K = 3 with TILE_K = 2: the last K tile loads a and b with `mask_k` and no `other=`, and
`tl.dot` multiplies the masked-out lanes into every output. Triton leaves those lanes unspecified;
the interpreter happens to fill them with 0. Filling them with any other value (here NaN and 7)
changes the result, so the kernel depends on the fill: a finding about the kernel, not a gap in
the model."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run_with_fill(monkeypatch, fill):
    import triton.runtime.interpreter as interp

    from tritonlift.bench.interp_run import random_inputs, run_kernels
    from tritonlift.frontend.concrete import instantiate
    from tritonlift.frontend.launch import load_launch

    orig = interp.InterpreterBuilder.create_masked_load

    def masked_load(self, ptrs, mask, other, cache_policy, is_volatile):
        if other is None and fill is not None:
            other = interp.TensorHandle(np.full(ptrs.data.shape, fill, dtype=np.float32), ptrs.dtype.element_ty)
        return orig(self, ptrs, mask, other, cache_policy, is_volatile)

    monkeypatch.setattr(interp.InterpreterBuilder, "create_masked_load", masked_load)
    spec = load_launch(ROOT / "corpus" / "32_bmm.small.toml")
    conc = instantiate(spec, {"BATCH": 2, "M": 3, "N": 3, "K": 3}, {})
    tensors, reals = random_inputs(conc, 0)
    want = np.einsum("bmk,bkn->bmn", tensors["a"], tensors["b"])
    return run_kernels(conc, tensors, reals)["out"], want


@pytest.mark.skipif(os.environ.get("TRITON_INTERPRET") != "1" or importlib.util.find_spec("flag_gems") is None
                    or importlib.util.find_spec("torch") is None, reason="needs TRITON_INTERPRET=1, torch, flag_gems")
def test_bmm_result_depends_on_masked_out_lanes(monkeypatch):
    out, want = _run_with_fill(monkeypatch, None)  # the interpreter's own fill: 0
    assert np.allclose(out, want, rtol=1e-5, atol=1e-5)
    out, want = _run_with_fill(monkeypatch, float("nan"))
    assert np.isnan(out).all()
    out, want = _run_with_fill(monkeypatch, 7.0)
    assert not np.allclose(out, want, rtol=1e-3, atol=1e-3)
