"""`check --against`: reference operators mapped onto launch specs (tensor names, rank, dim,
broadcast operands, reals), and checked against real kernels."""

from __future__ import annotations

from pathlib import Path

import pytest

import tritonlift
from tritonlift import reference as R
from tritonlift.cli import main
from tritonlift.reference import ReferenceError
from tritonlift.reference.against import formula_against

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def _against(stem: str, op: str, params: dict | None = None, tensors: dict | None = None):
    return formula_against(tritonlift.load_launch(CORPUS / f"{stem}.toml"), op, params, tensors)


@pytest.mark.parametrize(("stem", "op", "params", "text"), [
    ("23_softmax", "aten::softmax", {}, "out[i0, j] = exp(inp[i0, j]) / sum(k, 0, N, exp(inp[i0, k]))"),
    ("16_sum_dim", "aten::sum.dim_IntList", {"dim": [1]}, "out[i0] = sum(k, 0, N, inp[i0, k])"),
    ("28_cumsum", "aten::cumsum", {"dim": 1}, "out[i0, j] = sum(k, 0, j + 1, x[i0, k])"),
    ("03_add", "aten::add.Tensor", {}, "out[i0] = x[i0] + alpha * y[i0]"),  # alpha: the spec's real
    ("03_add", "aten::add.Tensor", {"alpha": 2}, "out[i0] = x[i0] + 2.0 * y[i0]"),
    ("31_addmm", "aten::addmm", {}, "out[i, j] = beta * bias[j] + alpha * sum(k, 0, K, mat1[i, k] * mat2[k, j])"),
])
def test_formula_over_the_spec(stem: str, op: str, params: dict, text: str) -> None:
    assert _against(stem, op, params).formula == text


def test_a_spec_in_another_layout_is_refused() -> None:
    """The corpus rope spec holds q as the host's transposed copy [B, S, HQ, D]: the reference's
    [B, H, S, D] does not fit it (S would be both HQ and S), so nothing is stated."""
    with pytest.raises(ReferenceError, match="not the same tensor"):
        _against("41_liger_rope", "liger::rope", tensors={"q": "q", "out": "q"})


def test_unmapped_outputs_are_not_stated() -> None:
    a = _against("27_var_mean", "aten::var_mean", {"dim": [1]})
    assert set(a.tensors) == {"x", "var", "mean"} and not a.unstated
    a = _against("22_argmax", "aten::max.dim", {"dim": 1})  # the kernel writes the indices only
    assert a.unstated == ("values",) and a.formula == "out_index[i0] = argmax(k, 0, N, inp[i0, k])"


def test_explicit_mapping_and_errors() -> None:
    a = _against("05_mul", "aten::mul.Tensor", tensors={"x": "y", "y": "x"})
    assert a.formula == "out[i0] = y[i0] * x[i0]"
    with pytest.raises(ReferenceError, match="has no tensor 'z'"):
        _against("05_mul", "aten::mul.Tensor", tensors={"x": "z"})
    with pytest.raises(ReferenceError, match="no float input tensor"):
        _against("01_abs", "aten::add.Tensor")
    with pytest.raises(ReferenceError, match="did you mean"):
        _against("01_abs", "aten::abss")


def test_check_against_proves_and_refutes(capsys: pytest.CaptureFixture[str]) -> None:
    spec = str(CORPUS / "36_liger_swiglu.toml")
    assert main(["check", "--launch", spec, "--against", "liger::swiglu", "--no-prove"]) == 3  # BOUNDED
    assert "against liger::swiglu(gate_multiplier='gate_multiplier') with a=a, b=b, out=c" in capsys.readouterr().err
    assert main(["check", "--launch", spec, "--against", "liger::geglu", "--no-prove"]) == 1  # REFUTED
    assert "error:" in capsys.readouterr().out
    assert main(["check", "--launch", spec, "--against", "liger::swiglu", "--map", "a=b,b=a", "--no-prove"]) == 1
    # a constant where the kernel has the real: refuted (gate_multiplier = 1.5 in the counterexample)
    assert main(["check", "--launch", spec, "--against", "liger::swiglu", "--param", "gate_multiplier=1",
                 "--no-prove"]) == 1
    assert main(["check", "--launch", spec, "--against", "liger::swiglu", "--formula", "c[i, j] = a[i, j]"]) == 2
    assert main(["check", "--launch", spec]) == 2


def test_reference_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reference"]) == 0
    listing = capsys.readouterr().out
    assert "activation (" in listing and "aten::elu" in listing and "operators," in listing
    assert main(["reference", "aten::cumsum", "--param", "dim=0", "--rank", "2"]) == 0
    assert "out[j, i0] = sum(k, 0, j + 1, x[k, i0])" in capsys.readouterr().out
    assert main(["reference", "aten::softmax", "--param", "dim=5"]) == 2
    assert "not a dim of a rank-2 tensor" in capsys.readouterr().err


def test_outputs_go_to_tensors_of_their_rank(tmp_path: Path) -> None:
    """A kernel that declares its per-row statistics before its result: `out` still lands on
    the [M, N] tensor, and a trailing size-1 dim of a spec tensor (g of shape [O, 1]) is read at 0."""
    text = (CORPUS / "25_layer_norm.toml").read_text()
    text = text.replace('y = "out f32[M, N]"\nmean = "out f32[M]"\nrstd = "out f32[M]"',
                        'mean = "out f32[M]"\nrstd = "out f32[M]"\ny = "out f32[M, N]"')
    spec = tmp_path / "ln.toml"
    spec.write_text(text)
    launch = tritonlift.load_launch(spec)
    assert list(launch.tensors)[3:] == ["mean", "rstd", "y"]
    a = formula_against(launch, "aten::native_layer_norm")
    assert a.tensors["out"] == "y" and a.tensors["mean"] == "mean" and a.tensors["rstd"] == "rstd"
    g = R.expand(R.get("aten::_weight_norm_interface"), views={"g": R.View(2, frozenset({1}))})
    assert "g[o, 0]" in g.text()
