"""Two loops in sequence over column blocks in one program: a statistics loop (per-lane or scalar
accumulators reduced after it), then a loop that re-reads the row and stores each block with the
post-loop scalars substituted (tests/kernels/twoloops/: RMS norm, two-pass softmax, three-loop
layer norm, a row scaled by its sum, an absmax quantisation scale).

Each spec is lifted with the host's block (`min(next_power_of_2(N), 128)` or a fixed 128) and N
unbounded; it must be PROVED, and the PROVED formula's numpy code must match the kernel itself
under TRITON_INTERPRET=1 past the block cap (N = 300: three blocks, the last one padded; N = 37:
one block with padding lanes), as must the folder's hand-written numpy reference. The absmax
kernel's per-lane running max starts at 0, not −∞: it is PROVED through the `max_join_out` rule
of verify/normalize.py, unit-tested here on terms.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from tritonlift.dsl import build as b
from tritonlift.dsl.term import Op, const, read, sym, var
from tritonlift.verify.normalize import Normalizer

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "tests/kernels/twoloops"
SPECS = sorted(p.stem for p in FOLDER.glob("*.toml"))
SIZES = [{"M": 3, "N": 300}, {"M": 2, "N": 37}]


def _references():
    spec = importlib.util.spec_from_file_location("_twoloops_references", FOLDER / "references.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REFS = _references()


def test_every_spec_has_a_reference():
    assert SPECS and set(SPECS) == set(REFS.REFERENCES)


@pytest.mark.interp
@pytest.mark.parametrize("name", SPECS)
def test_two_loop_kernel_is_proved_and_matches_the_kernel_past_the_cap(name):
    pytest.importorskip("torch")
    pytest.importorskip("triton")
    from tritonlift.bench.interp_run import random_inputs, run_kernels
    from tritonlift.frontend.concrete import instantiate
    from tritonlift.pipeline import lift, load
    from tritonlift.render.code import function_name, reference_code
    from tritonlift.result import Status

    path = FOLDER / f"{name}.toml"
    r = lift(path)
    assert r.status is Status.PROVED, r.reason
    spec = load(path)
    ns: dict = {}
    exec(compile(reference_code(r.formula, spec, "numpy"), f"<numpy reference for {name}>", "exec"), ns)
    fn = ns[function_name(spec)]
    params = fn.__code__.co_varnames[: fn.__code__.co_argcount]
    for sizes in SIZES:
        conc = instantiate(spec, sizes)
        inputs, reals = random_inputs(conc, seed=7)
        if name in REFS.PREPARE:
            REFS.PREPARE[name](inputs)
        kernel = run_kernels(conc, {k: v.copy() for k, v in inputs.items()}, reals)
        out = fn(*[inputs[p] if p in inputs else reals[p] if p in reals else sizes[p] for p in params])
        outs = dict(zip((o.tensor for o in r.formula.outputs), out if isinstance(out, tuple) else (out,), strict=True))
        want = REFS.REFERENCES[name](inputs, sizes, reals)
        assert set(outs) == set(want), name
        for tensor, value in outs.items():
            got = kernel[tensor]
            assert np.asarray(value).shape == got.shape, (tensor, sizes)
            assert np.allclose(value, got, rtol=1e-4, atol=1e-5), (tensor, sizes, "formula vs kernel")
            assert np.allclose(want[tensor], got, rtol=1e-4, atol=1e-5), (tensor, sizes, "reference vs kernel")


# -- the max_join_out rule on terms ----------------------------------------------------------------

def _lane_max(lo, hi, c):
    """max_{v∈[lo,hi)} max(c, |x[v]|), as a per-lane running max started at c reduces."""
    return b.binder(Op.MAXR, "v", lo, hi, b.apply(Op.MAX, c, b.unary(Op.ABS, read("x", var("v")))))


def test_a_constant_joined_into_every_lane_is_joined_once_outside():
    seen = []
    n = Normalizer(lambda sc: seen.append(sc) or True)
    out = n.run(_lane_max(const(0), sym("B"), const(0.0)))
    assert out.op is Op.MAX and const(0.0) in out.args
    inner = next(a for a in out.args if a.op is Op.MAXR)
    assert inner.args[2].op is Op.ABS  # the body no longer mentions the constant
    uses = [sc for sc in n.side if sc.lemma == "max_join_out"]
    assert len(uses) == 1 and seen  # the non-empty range is a side condition asked of the solver


def test_the_join_stays_inside_when_the_range_may_be_empty():
    # max over an empty range is −∞, not c: without lo < hi the rewrite would be wrong
    n = Normalizer(lambda sc: sc.lemma != "max_join_out")
    t = _lane_max(const(0), sym("B"), const(0.0))
    out = n.run(t)
    assert out.op is Op.MAXR and out.args[2].op is Op.MAX
    assert [sc.lemma for sc in n.unresolved] == ["max_join_out"]


def test_a_value_that_depends_on_the_lane_is_not_moved():
    n = Normalizer(lambda sc: True)
    t = b.binder(Op.MAXR, "v", const(0), sym("B"), b.apply(Op.MAX, read("y", var("v")), read("x", var("v"))))
    out = n.run(t)
    assert out.op is Op.MAXR and not any(sc.lemma == "max_join_out" for sc in n.side)


def test_min_joins_the_same_way():
    n = Normalizer(lambda sc: True)
    t = b.binder(Op.MINR, "v", const(0), sym("B"), b.apply(Op.MIN, const(5.0), read("x", var("v"))))
    out = n.run(t)
    assert out.op is Op.MIN and [sc.lemma for sc in n.side] == ["min_join_out"]


# -- the max_join_padded rule: pads holding the value joined outside are absorbed ------------------

def _padded_lane_max(pad):
    """max_{v∈[0,B)} max(0, where(v < N, x[v], pad)): a running max started at 0 over lanes
    loaded with other=pad, reduced over its lanes."""
    body = b.where(b.compare(Op.LT, var("v"), sym("N")), read("x", var("v")), pad)
    return b.binder(Op.MAXR, "v", const(0), sym("B"), b.apply(Op.MAX, const(0.0), body))


def _no_bound_on_x(sc):
    return sc.lemma != "max_padded_tail"  # x ≥ pad is not known: x may be negative


def test_pads_equal_to_the_start_value_are_absorbed_whatever_the_sign_of_the_body():
    n = Normalizer(_no_bound_on_x)
    out = n.run(_padded_lane_max(const(0.0)))
    assert out.op is Op.MAX
    inner = next(a for a in out.args if a.op is Op.MAXR)
    assert inner.args[1] is sym("N") and inner.args[2].op is Op.READ  # max_{[0,N)} x, no mask left
    assert [sc.lemma for sc in n.side] == ["max_join_out", "max_join_padded"]


def test_pads_of_another_value_are_not_absorbed():
    n = Normalizer(_no_bound_on_x)
    out = n.run(_padded_lane_max(const(1.0)))
    assert "max_join_padded" not in [sc.lemma for sc in n.side]
    inner = next(a for a in out.args if a.op is Op.MAXR)
    assert inner.args[1] is sym("B")  # the masked range is kept
