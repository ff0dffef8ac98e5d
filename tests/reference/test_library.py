"""The reference library against PyTorch itself: every row's equations, evaluated with the DSL's
evaluator in float64 on random inputs, equal the torch operator (relative 1e-7), for its default
parameters and every parameter choice the row lists (dims, keepdim, reduction, eps, ...)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from tritonlift import reference as R
from tritonlift.reference import numeric as nm

pytest.importorskip("torch")

CASES = [(op, params) for op in R.OPS for params in ({}, *op.tests)]


def _run(inst: R.Instance, seed: int = 0) -> str | None:
    sizes = nm.sizes_for(inst)
    inputs = nm.draw_inputs(inst, sizes, seed)
    return nm.compare(nm.evaluate_instance(inst, inputs, sizes), nm.torch_outputs(inst, inputs, sizes))


@pytest.mark.parametrize(("op", "params"), CASES,
                         ids=[f"{op.key}{''.join(f'-{k}={v}' for k, v in p.items())}" for op, p in CASES])
def test_row_equals_torch(op: R.RefOp, params: dict) -> None:
    assert _run(R.expand(op, params)) is None


def test_library_covers_the_libraries_ops() -> None:
    assert len(R.names()) >= 100
    cats = R.categories()
    for cat in ("activation", "elementwise", "reduction", "norm", "softmax", "loss", "matmul", "scan", "indexing"):
        assert cats.get(cat), cat


@pytest.mark.parametrize(("name", "params", "rank"), [
    ("aten::sum", {"dim": [0, 2]}, 3), ("aten::var", {"dim": [2, 0], "keepdim": True}, 3),
    ("aten::softmax", {"dim": 1}, 3), ("aten::cumsum", {"dim": -2}, 3), ("aten::amax", {"dim": None}, 1),
    ("aten::gelu", {"approximate": "tanh"}, 0), ("aten::matmul", {}, 4), ("aten::gather", {"dim": 1}, 3),
])
def test_other_ranks_and_dims(name: str, params: dict, rank: int) -> None:
    assert _run(R.expand(R.get(name, **params), params, rank=rank)) is None


@pytest.mark.parametrize("view", [R.View(1), R.View(2, frozenset({0})), R.View(2, frozenset({1})), R.View(0)])
def test_broadcast_operands(view: R.View) -> None:
    inst = R.expand(R.get("aten::add.Tensor"), {"alpha": 0.5}, rank=2, views={"y": view})
    assert len(inst.shapes["y"]) == view.rank
    assert _run(inst, seed=3) is None


def test_a_wrong_definition_is_caught() -> None:
    """The test has teeth: elu with its scale on the positive branch only (the defect issue 13
    describes) differs from torch once scale != 1."""
    op = R.get("aten::elu")
    wrong = dataclasses.replace(op, equations=("out[] = where(x[] > 0, scale * x[], alpha * (exp(input_scale * x[]) - 1))",))
    assert _run(R.expand(wrong, {"scale": 1.5})) is not None
    assert _run(R.expand(wrong, {})) is None  # the defect hides at the default scale


def test_an_off_by_one_scan_is_caught() -> None:
    op = R.get("aten::cumsum")
    wrong = dataclasses.replace(op, equations=("out[j] = sum(k, 0, j, x[k])",))
    assert "formula" in (_run(R.expand(wrong)) or "")


def test_layout_of_reductions() -> None:
    inst = R.expand(R.get("aten::sum"), {"dim": [0], "keepdim": True}, rank=2)
    assert inst.text() == "out[u0, i0] = sum(k, 0, R, x[k, i0])"
    inst = R.expand(R.get("aten::mean"), {"dim": None}, rank=2)
    assert inst.text() == "out = sum(k0, 0, R0, sum(k1, 0, R1, x[k0, k1])) / (R0 * R1)"


def test_loss_reductions() -> None:
    op = R.get("aten::mse_loss")
    assert R.expand(op, {"reduction": "none"}).text() == "out[i0] = (x[i0] - y[i0]) ** 2"
    assert R.expand(op, {"reduction": "sum"}).text() == "out = sum(i0, 0, B0, (x[i0] - y[i0]) ** 2)"


def test_requests_outside_the_library_are_refused() -> None:
    with pytest.raises(R.ReferenceError, match="did you mean aten::elu"):
        R.get("aten::elus")
    with pytest.raises(R.ReferenceError, match="no parameter 'beta'"):
        R.expand(R.get("aten::elu"), {"beta": 1.0})
    flat_argmax = dataclasses.replace(R.get("aten::argmax"), params=(R.Param("dim", None, "dims"),))
    with pytest.raises(R.ReferenceError, match="cannot span 2 dims"):
        R.expand(flat_argmax, {}, rank=2)
    with pytest.raises(R.ReferenceError, match="not a dim"):
        R.expand(R.get("aten::softmax"), {"dim": 2}, rank=2)


def test_derived_and_int_parameters() -> None:
    inst = R.expand(R.get("aten::native_group_norm"), {"groups": 3})
    sizes = nm.sizes_for(inst)
    assert nm.shape_of(inst, "out", sizes) == (3, 6, 4)
    x = nm.draw_inputs(inst, sizes)
    assert nm.compare(nm.evaluate_instance(inst, x, sizes), nm.torch_outputs(inst, x, sizes)) is None
    assert np.isfinite(nm.evaluate_instance(inst, x, sizes)["out"]).all()
