"""The stated bounds: past one, an UNSUPPORTED (BoundExceeded) naming it, before any program runs;
no kernel of the corpus or tests/kernels comes near them."""

import textwrap
from pathlib import Path

import pytest
from tests.scale_kernel import KERNEL, SPEC

from tritonlift.errors import BoundExceeded, SpecError, SymexError
from tritonlift.frontend import bounds
from tritonlift.frontend.concrete import autotune_params, instantiate
from tritonlift.frontend.intexpr import IntExprError, parse_int_expr
from tritonlift.frontend.launch import load_launch
from tritonlift.frontend.source import SourceIndex
from tritonlift.options import Options
from tritonlift.pipeline import _other_configs, check_sizes, load, source_index, synthesis_sizes

ROOT = Path(__file__).resolve().parents[2]



def _setup(tmp_path, kernel=KERNEL, spec=SPEC):
    (tmp_path / "k.py").write_text(textwrap.dedent(kernel))
    (tmp_path / "k.toml").write_text(textwrap.dedent(spec))
    return load_launch(tmp_path / "k.toml")


def _check(spec, sizes):
    return bounds.check_bounds(instantiate(spec, sizes), SourceIndex())


@pytest.mark.parametrize("text", ["2**2**2**2**2**2", "10**100", "N * 2**62", "next_power_of_2(2**62 + 1)"])
def test_power_towers_and_huge_values_are_refused(text):
    e = parse_int_expr(text)
    with pytest.raises(IntExprError, match="out of range"):
        e.eval({"N": 3})


@pytest.mark.parametrize("text, message", [
    ("(" * 50 + "1" + ")" * 50, "nested more than"),
    ("+".join(["1"] * 100), "nested more than"),
    ("1" * 3000, "characters"),
    ("2 ** -1", None),
])
def test_expressions_are_bounded_when_parsed(text, message):
    if message is None:
        with pytest.raises(IntExprError, match="negative exponent"):
            parse_int_expr(text).eval({})
    else:
        with pytest.raises(IntExprError, match=message):
            parse_int_expr(text)


def test_a_huge_size_is_unsupported_naming_the_bound(tmp_path):
    spec = _setup(tmp_path)
    with pytest.raises(BoundExceeded) as e:
        _check(spec, {"N": 5_000_000})
    assert "past the bound of" in e.value.message and e.value.kind == "unsupported"
    assert e.value.loc.line in (4, 6)  # the size or the tensor it makes too large


def test_storage_elements(tmp_path):
    spec = _setup(tmp_path, spec=SPEC.replace('x = "in f32[N]"', 'x = { dir = "in", dtype = "f32", shape = ["N"], '
                                              'strides = ["1000000"] }'))
    with pytest.raises(BoundExceeded, match="storage elements"):
        _check(spec, {"N": 3})


def test_a_million_program_grid(tmp_path):
    spec = _setup(tmp_path, spec=SPEC.replace('grid = ["cdiv(N, 4)"]', 'grid = ["N", 1000, 1000]'))
    with pytest.raises(BoundExceeded, match=f"bound of {bounds.MAX_PROGRAMS} programs") as e:
        _check(spec, {"N": 2})
    assert e.value.loc.line == 2


def test_lanes_per_tile(tmp_path):
    spec = _setup(tmp_path, spec=SPEC.replace("BLOCK = 4", "BLOCK = 1048576"))
    with pytest.raises(BoundExceeded, match=f"a tile of 1048576 lanes, past the bound of {bounds.MAX_LANES}") as e:
        _check(spec, {"N": 2})
    assert e.value.loc.file.endswith("k.py") and e.value.loc.line == 7


def test_unrolled_loops(tmp_path):
    kernel = KERNEL.replace("    tl.store(", "    for i in range(100000):\n        x = x + 1.0\n    tl.store(")
    spec = _setup(tmp_path, kernel=kernel)
    with pytest.raises(BoundExceeded, match="unrolled loop iterations") as e:
        _check(spec, {"N": 2})
    assert e.value.loc.line == 10


def test_loop_bounds_from_parameters_and_locals(tmp_path):
    kernel = KERNEL.replace("    tl.store(", "    steps = tl.cdiv(n, 1)\n    for i in tl.static_range(0, steps):\n"
                                            "        x = x + 1.0\n    tl.store(")
    spec = _setup(tmp_path, kernel=kernel)
    assert _check(spec, {"N": 8}).unrolled == 8
    with pytest.raises(BoundExceeded):
        _check(spec, {"N": bounds.MAX_UNROLLED + 1})


def test_a_while_true_without_break_is_a_kernel_bug(tmp_path):
    kernel = KERNEL.replace("    tl.store(", "    while True:\n        x = x + 1.0\n    tl.store(")
    spec = _setup(tmp_path, kernel=kernel)
    with pytest.raises(SymexError, match="never ends") as e:
        _check(spec, {"N": 2})
    assert e.value.loc.line == 10
    ok = _setup(tmp_path, kernel=KERNEL.replace("    tl.store(", "    while True:\n        if n > 0:\n            break\n    tl.store("))
    assert _check(ok, {"N": 2}).programs == 1


def test_the_sizes_search_stays_within_bounds(tmp_path):
    spec = _setup(tmp_path, spec=SPEC.replace('N = ""', 'N = "N >= 10000000"'))
    with pytest.raises(SpecError):  # no small sizes; the constants give 10**7, past MAX_SIZE
        synthesis_sizes(spec)


def test_no_spec_of_the_repository_comes_near_the_bounds():
    # tests/kernels/idioms/ launches the hosts' real blocks (1024 lanes and more): within the
    # bounds (test_idioms runs them), but not far below them
    files = sorted(f for f in (ROOT / "tests" / "kernels").rglob("*.toml") if "idioms" not in f.parts)
    index = source_index(Options())
    worst = bounds.Measures()
    for f in files:
        spec = load(f)
        base = synthesis_sizes(spec)
        points = [(s, None) for s in base + check_sizes(spec, base, None)]
        points += [(s, ch) for ch in _other_configs(autotune_params(spec)) for s in base[:2]]
        for s, ch in points:
            m = bounds.check_bounds(instantiate(spec, s, ch), index)
            worst = bounds.Measures(*(max(a, b) for a, b in zip(vars(worst).values(), vars(m).values(), strict=True)))
    assert worst.programs * 16 <= bounds.MAX_PROGRAMS and worst.lanes * 4 <= bounds.MAX_LANES
    assert worst.unrolled * 16 <= bounds.MAX_UNROLLED and worst.elements * 16 <= bounds.MAX_TENSOR_ELEMENTS
