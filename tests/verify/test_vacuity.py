"""No vacuous proofs (verify/vacuity.py, data ranges in verify/obligations.py): a data range holds
only inside its tensor's index box, and hypotheses that exclude allowed sizes are reported."""

from __future__ import annotations

from pathlib import Path

from tritonlift.options import Options
from tritonlift.pipeline import lift, load
from tritonlift.result import Status
from tritonlift.user_formula import parse_user_formula
from tritonlift.verify.prove import prove

ROOT = Path(__file__).resolve().parents[2]
ADV = ROOT / "tests" / "soundness" / "adversarial"
OPTS = Options(simplify=False)


def _copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (ADV / f"{name}.toml").read_text()
    assert old in text
    text = text.replace(old, new).replace(f'kernel = "{name}.py', f'kernel = "{ADV / name}.py')
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


def test_an_empty_data_range_box_is_not_an_axiom():
    # t holds K ints in [0, K) with K = 0 allowed: at K = 0 the kernel negates x
    r = lift(ADV / "data_range_k0.toml", OPTS)
    assert r.status is Status.BOUNDED, r.formula
    spec = load(ADV / "data_range_k0.toml")
    v = prove(spec, parse_user_formula("y[i] = x[i]", spec))
    assert v.status is not Status.PROVED


def test_the_same_kernel_is_proved_once_the_spec_excludes_k_0(tmp_path):
    spec = load(_copy(tmp_path, "data_range_k0", 'K = "K >= 0"', 'K = "K >= 1"'))
    v = prove(spec, parse_user_formula("y[i] = x[i]", spec))
    assert v.status is Status.PROVED, v.explain()


def test_a_range_empty_where_the_tensor_has_elements_is_reported(tmp_path):
    # the range [0, K) of t (K elements) read as [0, N) with N = 0 allowed while t has elements
    path = _copy(tmp_path, "data_range_k0", 'range = ["0", "K"]', 'range = ["0", "N - 1"]')
    spec = load(path)
    v = prove(spec, parse_user_formula("y[i] = x[i]", spec))
    assert v.status is not Status.PROVED
    bad = [o for o in v.obligations if o.kind == "hypotheses" and not o.proved]
    assert bad and "is empty at" in bad[0].answer and "N=1" in bad[0].answer, v.explain()


def test_contradictory_constraints_are_unknown(tmp_path):
    path = _copy(tmp_path, "data_range_k0", 'K = "K >= 0"', 'K = "K >= 0"\nL = "L >= 3 and L <= 2"')
    spec = load(path)
    v = prove(spec, parse_user_formula("y[i] = x[i]", spec))
    assert v.status is Status.UNKNOWN and "contradict" in v.message
