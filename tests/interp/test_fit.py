"""The size-expression fitter of `tritonlift trace` (pure: no torch)."""

import math

from tritonlift.frontend.intexpr import parse_int_expr
from tritonlift.interp.fit import Fitter, evaluate

SAMPLES = [dict(M=m, N=n) for m, n in [(3, 5), (1, 5), (2, 5), (4, 5), (8, 5), (17, 5), (100, 5),
                                        (3, 1), (3, 2), (3, 8), (3, 13), (3, 64), (3, 1000), (3, 4097),
                                        (7, 9), (2, 33)]]


def _values(text: str) -> list[int]:
    e = parse_int_expr(text)
    return [int(e.eval(s)) for s in SAMPLES]


def _fit(text: str, refs: dict[str, str] | None = None):
    f = Fitter(["M", "N"], SAMPLES)
    for name, t in (refs or {}).items():
        f.add_ref(name, _values(t))
    return f.fit(_values(text))


def test_host_block_sizes_are_found_with_their_functions():
    assert str(_fit("next_power_of_2(N)")) == "next_power_of_2(N)"
    assert str(_fit("M * N")) == "M * N"
    assert str(_fit("N - 1")) == "N - 1"
    assert str(_fit("next_power_of_2(ceil_sqrt(M * N))")) == "next_power_of_2(ceil_sqrt(M * N))"
    assert str(_fit("min(256, next_power_of_2(N))")) == "min(256, next_power_of_2(N))"
    assert str(_fit("cdiv(1024, next_power_of_2(N))")) == "cdiv(1024, next_power_of_2(N))"
    assert str(_fit("cdiv(M, 16)")) == "cdiv(M, 16)"


def test_earlier_values_are_reused_by_name():
    e = _fit("cdiv(M * N, next_power_of_2(ceil_sqrt(M * N)))",
             {"BLOCK": "next_power_of_2(ceil_sqrt(M * N))"})
    assert str(e) == "cdiv(M * N, BLOCK)"
    assert e.refs() == {"BLOCK"}


def test_fitted_expressions_evaluate_like_the_spec_reader():
    for text in ("next_power_of_2(N)", "min(256, next_power_of_2(N))", "cdiv(M * N, 256)", "N - 1"):
        e = _fit(text)
        for s in SAMPLES:
            assert evaluate(e, s) == parse_int_expr(e.text()).eval(s) == parse_int_expr(text).eval(s)


def test_a_threshold_inside_one_structure_is_not_guessed():
    # a value that switches formula at a threshold has no single expression: None, never a wrong fit
    vals = [1 << (s["N"] - 1).bit_length() if s["N"] <= 64 else 4096 for s in SAMPLES]
    f = Fitter(["M", "N"], SAMPLES)
    assert f.fit(vals) is None


def test_one_sample_prefers_a_size_of_equal_value():
    f = Fitter(["M", "N"], [dict(M=3, N=5)])
    assert str(f.fit([5])) == "N" and str(f.fit([15])) == "M * N" and str(f.fit([8])) == "8"
    assert math.isclose(f.fit([8]).cost, 1.0)
