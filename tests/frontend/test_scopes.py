"""Spec mistakes are reported where they are, never as "no sizes satisfy" or "no specification to
synthesise from": typos in names, cyclic [let], argument cycles, division by zero, contradictory
constraints, bad [reals] constraints."""

import textwrap

import pytest

from tritonlift.errors import SpecError
from tritonlift.frontend.concrete import instantiate
from tritonlift.frontend.launch import load_launch
from tritonlift.pipeline import constraint_values, synthesis_sizes, varied_sizes

BASE = """\
kernel = "k.py::scale"
grid = ["cdiv(N, BLOCK)"]
[sizes]
N = ""
[reals]
eps = "eps > 0"
[tensors]
x = "in f32[N]"
y = "out f32[N]"
[let]
BLOCK = "4"
[args]
x_ptr = "x"
y_ptr = "y"
n = "N"
BLOCK = "BLOCK"
"""


def _load(tmp_path, text):
    p = tmp_path / "s.toml"
    p.write_text(textwrap.dedent(text))
    return load_launch(p)


def _error(tmp_path, text) -> SpecError:
    with pytest.raises(SpecError) as e:
        _load(tmp_path, text)
    return e.value


@pytest.mark.parametrize("edit, message, line, col", [
    (('n = "N"', 'n = "Nx"'), "unknown name 'Nx' in argument n 'Nx'", 15, 6),
    (('x_ptr = "x"', 'x_ptr = "xx"'), "did you mean 'x'?", 13, 10),
    (('y = "out f32[N]"', 'y = "out f32[M]"'), "unknown name 'M' in a tensor shape", 9, 14),
    (('N = ""', 'N = "N <= LIMIT"'), "unknown name 'LIMIT' in a size constraint", 4, 11),
    (('grid = ["cdiv(N, BLOCK)"]', 'grid = ["cdiv(N, BLOK)"]'), "did you mean 'BLOCK'?", 2, 18),
    (('n = "N"', 'n = "2 * x"'), "'x' is a tensor, not an integer", 15, 10),
    (('eps = "eps > 0"', 'eps = "eps > epsilon"'), "unknown name 'epsilon'", 6, 14),
    (('eps = "eps > 0"', 'eps = "eps + 1"'), "must be a comparison", 6, 1),
    (('eps = "eps > 0"', 'eps = "eps >"'), "cannot parse constraint", 6, 1),
])
def test_unknown_names_are_located_at_the_name(tmp_path, edit, message, line, col):
    e = _error(tmp_path, BASE.replace(*edit))
    assert message in e.message
    assert (e.loc.line, e.loc.col) == (line, col), str(e)


def test_cyclic_let_is_named(tmp_path):
    e = _error(tmp_path, BASE.replace('BLOCK = "4"', 'BLOCK = "A + 1"\nA = "B"\nB = "BLOCK"'))
    assert "[let] BLOCK -> A -> B -> BLOCK: a [let] name depends on itself" in e.message
    assert e.loc.line == 11


def test_let_may_use_a_name_defined_below(tmp_path):
    spec = _load(tmp_path, BASE.replace('BLOCK = "4"', 'BLOCK = "2 * HALF"\nHALF = "2"'))
    assert list(spec.lets) == ["HALF", "BLOCK"]
    assert instantiate(spec, {"N": 5}).env["BLOCK"] == 4


def test_arguments_referring_to_each_other_in_a_circle(tmp_path):
    e = _error(tmp_path, BASE.replace('n = "N"', 'n = "m"\nm = "n"'))
    assert "arguments refer to each other in a circle" in e.message
    assert e.loc.line in (15, 16)


def test_division_by_zero_is_reported_not_no_sizes(tmp_path):
    spec = _load(tmp_path, BASE.replace('BLOCK = "4"', 'BLOCK = "N // (N - N)"'))
    with pytest.raises(SpecError) as e:
        synthesis_sizes(spec)
    assert "division by zero" in e.value.message and "[let] BLOCK" in e.value.message
    assert e.value.loc.line == 11


def test_contradictory_constraints_say_so(tmp_path):
    spec = _load(tmp_path, BASE.replace('N = ""', 'N = ["N > 5", "N < 3"]'))
    with pytest.raises(SpecError) as e:
        synthesis_sizes(spec)
    assert "no sizes satisfy the constraints N > 5; N < 3" in e.value.message
    assert "may contradict" in e.value.message and e.value.loc.line == 4  # the constrained size


def test_sizes_found_from_the_constants_of_a_constraint(tmp_path):
    spec = _load(tmp_path, BASE.replace('N = ""', 'N = "N >= 100"'))
    assert 100 in constraint_values(spec)
    found = varied_sizes(spec)
    assert all(s["N"] >= 100 for s in found) and len(found) >= 2


def test_a_violated_constraint_is_not_an_error_of_the_spec(tmp_path):
    spec = _load(tmp_path, BASE.replace('N = ""', 'N = "N % 2 == 0"'))
    assert all(s["N"] % 2 == 0 for s in varied_sizes(spec))
