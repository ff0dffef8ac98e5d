"""The launch-spec schema: wrong TOML types and unknown keys are refused, located at the key; the
JSON Schema for editors in docs/ is the one the code exports."""

import json
import textwrap
from pathlib import Path

import pytest

from tritonlift.errors import SpecError
from tritonlift.frontend.launch import load_launch
from tritonlift.frontend.schema import json_schema, json_schema_text

ROOT = Path(__file__).resolve().parents[2]

BASE = """\
kernel = "k.py::scale"
grid = ["cdiv(N, 4)"]
[sizes]
N = ""
[tensors]
x = "in f32[N]"
y = { dir = "out", dtype = "f32", shape = ["N"] }
[args]
x_ptr = "x"
y_ptr = "y"
n = "N"
BLOCK = 4
"""

MULTI = """\
[sizes]
N = ""
[tensors]
x = "in f32[N]"
y = "out f32[N]"
[[launch]]
kernel = "k.py::one"
grid = [1]
args = { x = "x" }
[[launch]]
kernel = "k.py::two"
grd = [1]
args = { y = "y" }
"""


def _error(tmp_path, text: str) -> SpecError:
    p = tmp_path / "s.toml"
    p.write_text(textwrap.dedent(text))
    with pytest.raises(SpecError) as e:
        load_launch(p)
    return e.value


@pytest.mark.parametrize("edit, message, line", [
    (('shape = ["N"]', 'shape = "N"'), "[tensors.y.shape] expected a list (array), got a string ('N')", 7),
    (('kernel = "k.py::scale"', 'kernel = "k.py::scale"\nelementwise = "no"'), "[elementwise] expected a boolean", 2),
    (('BLOCK = 4', 'BLOCK = { int = 1.5 }'), "[args.BLOCK.int] expected an integer or a string, got a number", 12),
    (('x = "in f32[N]"', 'x = 3'), "[tensors.x] expected a string or a table, got an integer (3)", 6),
    (('dir = "out"', 'dir = "sideways"'), "[tensors.y.dir] input should be 'in', 'out', 'inout' or 'temp'", 7),
    (('dtype = "f32", ', 'dtype = "f32", color = "red", '), "unknown key 'color' in tensors.y", 7),
    (('[sizes]', 'samples = [{ N = "3" }]\n[sizes]'), "[samples[0].N] expected an integer", 3),
    (('grid = ["cdiv(N, 4)"]', 'grid = [1, 1, 1, 1]'), "[grid] expected at most 3 items", 2),
])
def test_wrong_types_and_keys_are_located(tmp_path, edit, message, line):
    e = _error(tmp_path, BASE.replace(*edit))
    assert message in e.message
    assert e.loc is not None and e.loc.line == line, str(e)


def test_unknown_key_in_a_launch_entry_names_that_entry(tmp_path):
    e = _error(tmp_path, MULTI)
    assert "unknown key 'grd' in launch[1]" in e.message and "allowed:" in e.message
    assert e.loc.line == 12 and e.loc.col == 1


def test_missing_key_in_a_launch_entry(tmp_path):
    e = _error(tmp_path, MULTI.replace('kernel = "k.py::two"\n', "").replace("grd", "grid"))
    assert "[launch[1]] missing key 'kernel'" in e.message
    assert e.loc.line == 10  # the second [[launch]] header


def test_docs_schema_is_the_exported_one():
    assert (ROOT / "docs" / "launch-spec.schema.json").read_text() == json_schema_text()


def test_schema_describes_the_format():
    s = json_schema()
    assert s["$schema"].endswith("2020-12/schema")
    props = s["properties"]
    assert {"kernel", "grid", "sizes", "tensors", "args", "launch", "let", "reals"} <= set(props)
    assert s["additionalProperties"] is False
    assert s["$defs"]["TensorTable"]["properties"]["dir"]["enum"] == ["in", "out", "inout", "temp"]
    json.dumps(s)  # plain JSON


def test_every_spec_in_the_repository_fits_the_schema():
    import tomllib

    from tritonlift.frontend.schema import validate

    files = [p for p in (ROOT / "corpus").glob("*.toml") if p.name != "FLOOR.toml"]
    files += list((ROOT / "tests" / "kernels").rglob("*.toml"))
    assert len(files) > 100
    for p in files:
        assert validate(tomllib.loads(p.read_text())) is None, p
