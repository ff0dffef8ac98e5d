"""Data constraints of integer tensors: values allowed besides the range (`also = ["-100"]`, an
ignore_index) and pairwise distinct indices (`distinct = true`): parsed with located errors,
sampled by every data generator, stated in the result's assumptions."""

from __future__ import annotations

import numpy as np
import pytest

from tritonlift.errors import SpecError
from tritonlift.frontend.claims import assumptions
from tritonlift.frontend.concrete import ConstraintViolation, instantiate
from tritonlift.frontend.launch import load_launch
from tritonlift.verify.counterexample import draw

SPEC = """\
kernel = "k.py::pick"
grid = ["M"]
[sizes]
M = ""
N = ""
[tensors]
x = "in f32[M, N]"
t = TARGET
out = "out f32[M]"
[args]
x_ptr = "x"
t_ptr = "t"
out_ptr = "out"
N = "N"
"""
IGNORE = '{ dir = "in", dtype = "i64", shape = ["M"], range = ["0", "N"], also = ["-100"] }'
DISTINCT = '{ dir = "in", dtype = "i32", shape = ["M"], range = ["0", "N"], distinct = true }'


def _spec(tmp_path, target: str):
    p = tmp_path / "s.toml"
    p.write_text(SPEC.replace("TARGET", target))
    return load_launch(p)


def test_ignore_index_values_are_drawn_beside_the_range(tmp_path):
    spec = _spec(tmp_path, IGNORE)
    conc = instantiate(spec, {"M": 64, "N": 5})
    t = conc.tensors["t"]
    assert t.value_range == (-100, 5) and t.draw_range == (0, 5) and t.also == (-100,)
    seen = np.concatenate([t.sample_ints(np.random.default_rng(s), (-8, 8)) for s in range(4)])
    assert set(seen.tolist()) <= {-100, 0, 1, 2, 3, 4}
    assert -100 in seen and len(set(seen.tolist())) == 6  # both kinds of value are exercised
    inputs = draw(conc, "small integers", 0)
    assert inputs is not None and set(inputs.tensors["t"].tolist()) <= {-100, 0, 1, 2, 3, 4}
    assert "every element of t lies in [0, N) or is -100" in assumptions(spec).data


def test_distinct_indices_are_a_permutation_of_part_of_the_range(tmp_path):
    spec = _spec(tmp_path, DISTINCT)
    for m, n in ((5, 5), (3, 9), (1, 1)):
        t = instantiate(spec, {"M": m, "N": n}).tensors["t"]
        for s in range(5):
            v = t.sample_ints(np.random.default_rng(s), (-8, 8)).tolist()
            assert len(v) == m and len(set(v)) == m and all(0 <= x < n for x in v)
    assert "the elements of t are pairwise distinct" in assumptions(spec).data


def test_distinct_values_that_cannot_fit_make_the_sizes_inadmissible(tmp_path):
    spec = _spec(tmp_path, DISTINCT)
    with pytest.raises(ConstraintViolation) as e:
        instantiate(spec, {"M": 4, "N": 3})
    assert "4 distinct values do not fit in [0, 3)" in e.value.message


@pytest.mark.parametrize(("target", "message"), [
    ('{ dir = "in", dtype = "i64", shape = ["M"], also = ["-100"] }', "give both"),
    ('{ dir = "in", dtype = "i64", shape = ["M"], distinct = true }', "distinct = true needs range"),
    ('{ dir = "in", dtype = "f32", shape = ["M"], range = ["0", "N"], also = ["-1"] }', "describe integer data"),
    ('{ dir = "in", dtype = "i64", shape = ["M"], range = ["0", "N"], also = ["IGNORE"] }', "unknown name 'IGNORE'"),
    ('{ dir = "in", dtype = "i64", shape = ["M"], range = ["0", "N"], distinct = "yes" }', "distinct"),
])
def test_malformed_data_constraints_are_located_errors(tmp_path, target, message):
    with pytest.raises(SpecError) as e:
        _spec(tmp_path, target)
    assert message in e.value.message
    assert e.value.loc is not None and e.value.loc.line == 8  # the line of t
