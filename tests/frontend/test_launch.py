"""Launch-spec parsing and instantiation; every malformed spec names file, line and key."""

import textwrap

import pytest

from tritonlift.errors import SpecError
from tritonlift.frontend.concrete import TensorPtr, instantiate
from tritonlift.frontend.launch import load_launch

GOOD = """
op = "softmax"
kernel = "k.py::softmax"
grid = ["M"]
[sizes]
M = ""
N = "N <= 64"
[reals]
eps = "eps > 0"
[tensors]
x = "in f32[M, N]"
y = { dir = "out", dtype = "f32", shape = ["M", "N"], strides = ["1", "M"] }
[let]
BLOCK = "next_power_of_2(N)"
[args]
x_ptr = "x"
y_ptr = "y + N"
n = "N"
eps = "eps"
FLAG = "N % 2 == 0"
BLOCK = "BLOCK"
TILE = [2, 4]
"""


def write(tmp_path, text, name="s.toml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text))
    return p


def test_parse_and_instantiate(tmp_path):
    spec = load_launch(write(tmp_path, GOOD))
    assert spec.op == "softmax" and list(spec.sizes) == ["M", "N"]
    c = instantiate(spec, {"M": 2, "N": 5}, {"0.TILE": 1})
    assert c.tensors["y"].strides == (1, 2) and c.tensors["x"].strides == (5, 1)
    args = c.steps[0].args
    assert args["y_ptr"] == TensorPtr("y", 5)
    assert args["BLOCK"] == 8 and args["FLAG"] is False and args["TILE"] == 4
    assert c.steps[0].grid == (2, 1, 1)


def test_constraint_violation(tmp_path):
    spec = load_launch(write(tmp_path, GOOD))
    with pytest.raises(SpecError, match="violate the constraint N <= 64"):
        instantiate(spec, {"M": 1, "N": 65})


@pytest.mark.parametrize(
    "edit, message, line",
    [
        (('x = "in f32[M, N]"', 'x = "in q32[M, N]"'), "unknown dtype", 11),
        (('n = "N"', 'n = "N +* 2"'), "cannot parse expression", 18),
        (('n = "N"', 'n = "frob(N)"'), "unknown function", 18),
        (('x_ptr = "x"', 'x_ptr = { tensor = "z" }'), "unknown tensor 'z'", 16),
        (('grid = ["M"]', 'grid = "M"'), "[grid] expected a list", 4),
        (('op = "softmax"', 'opp = "softmax"'), "unknown key 'opp'", 2),
        (('x = "in f32[M, N]"', 'x = "sideways f32[M, N]"'), "expected '<in|out|inout|temp>", 11),
    ],
)
def test_malformed_specs_name_file_line_and_key(tmp_path, edit, message, line):
    p = write(tmp_path, GOOD.replace(*edit))
    with pytest.raises(SpecError) as e:
        load_launch(p)
    assert message in str(e.value)
    assert e.value.loc is not None and e.value.loc.file == str(p) and e.value.loc.line == line


def test_malformed_toml_has_line_and_column(tmp_path):
    p = write(tmp_path, 'kernel = "a.py::k"\ngrid = [M\n')
    with pytest.raises(SpecError) as e:
        load_launch(p)
    assert "malformed TOML" in str(e.value)
    assert e.value.loc.line == 2


def test_multi_launch_shares_tensors(tmp_path):
    p = write(tmp_path, """
        [sizes]
        M = ""
        [let]
        B = "next_power_of_2(ceil_sqrt(M))"
        [tensors]
        x = "in f32[M]"
        mid = "temp f32[cdiv(M, B)]"
        out = "out f32[]"
        [[launch]]
        kernel = "k.py::one"
        grid = ["cdiv(M, B)"]
        args = { x = "x", mid = "mid", n = "M", BLOCK = "B" }
        [[launch]]
        kernel = "k.py::two"
        grid = [1]
        args = { mid = "mid", out = "out", n = "cdiv(M, B)" }
    """)
    c = instantiate(load_launch(p), {"M": 10})
    assert [s.grid for s in c.steps] == [(3, 1, 1), (1, 1, 1)]
    assert c.tensors["mid"].shape == (3,) and c.tensors["out"].shape == ()
