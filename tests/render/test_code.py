"""Reference code generated from every lifted formula runs, and matches the kernel itself run
under TRITON_INTERPRET=1 on random inputs (numpy and torch flavours)."""

from pathlib import Path

import numpy as np
import pytest

from tritonlift.bench.runner import launch_specs
from tritonlift.frontend.concrete import instantiate
from tritonlift.options import Options
from tritonlift.pipeline import check_sizes, lift, load, past_thresholds, synthesis_sizes
from tritonlift.render.code import function_name, reference_code
from tritonlift.result import Status

ROOT = Path(__file__).resolve().parents[2]
# the idioms folder's 51 full lifts take longer than CI's budget allows: run with --slow
SPECS = (launch_specs(ROOT / "corpus", primary_only=True) + launch_specs(ROOT / "tests" / "kernels")
         + [pytest.param(p, marks=pytest.mark.slow) for p in launch_specs(ROOT / "tests" / "kernels" / "idioms")])

torch = pytest.importorskip("torch")
pytest.importorskip("triton")
pytestmark = pytest.mark.interp


def _call(fn, spec, formula, inputs, reals, sizes, lang):
    params = fn.__code__.co_varnames[: fn.__code__.co_argcount]
    args = []
    for p in params:
        if p in inputs:
            args.append(inputs[p] if lang == "numpy" else torch.tensor(inputs[p]))
        elif p in reals:
            args.append(reals[p])
        else:
            args.append(sizes[p])
    out = fn(*args)
    outs = out if isinstance(out, tuple) else (out,)
    return {o.tensor: np.asarray(v if lang == "numpy" else v.numpy()) for o, v in zip(formula.outputs, outs, strict=True)}


def _id(p) -> str:
    p = p.values[0] if hasattr(p, "values") else p
    return f"{p.parent.name}/{p.stem}"


@pytest.mark.parametrize("path", SPECS, ids=_id)
def test_reference_code_matches_the_kernel(path):
    if "pointwise_dynamic:" in path.read_text() and not any(Options().generated_dir.glob("*_rank_1.py")):
        pytest.skip("generated FlagGems kernels missing: run `tritonlift gen-flaggems`")
    r = lift(path)
    if r.status > Status.BOUNDED:
        pytest.skip(f"not lifted: {r.reason[:120]}")
    spec = load(path)
    used = synthesis_sizes(spec)
    all_sizes = check_sizes(spec, used, None, count=1) if spec.sizes else [{}]
    if r.status is Status.PROVED:  # a PROVED formula must hold past every cap and threshold of the launch
        all_sizes += past_thresholds(spec, used + all_sizes, None)
    for sizes in all_sizes:
        _compare(path, r, spec, sizes)


def _compare(path, r, spec, sizes):
    from tritonlift.bench.interp_run import random_inputs, run_kernels

    conc = instantiate(spec, sizes)
    inputs, reals = random_inputs(conc, seed=3)
    kernel = run_kernels(conc, inputs, reals)
    for lang in ("numpy", "torch"):
        src = reference_code(r.formula, spec, lang)  # every lifted item: dropout defines philox
        ns: dict = {}
        exec(compile(src, f"<{lang} reference for {path.name}>", "exec"), ns)
        fn = ns[function_name(spec)]
        got = _call(fn, spec, r.formula, inputs, reals, sizes, lang)
        for name, value in got.items():
            want = kernel[name]
            assert value.shape == want.shape, (lang, name, sizes)
            assert np.allclose(value, want, rtol=1e-4, atol=1e-5, equal_nan=True), (
                lang, name, sizes, float(np.nanmax(np.abs(value - want))))
