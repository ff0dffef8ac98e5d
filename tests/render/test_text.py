"""Unicode and LaTeX renderings of lifted formulas: deterministic, balanced, index notation."""

from pathlib import Path

from tritonlift.options import Options
from tritonlift.pipeline import lift
from tritonlift.render.latex import formula_latex
from tritonlift.render.unicode import to_unicode

ROOT = Path(__file__).resolve().parents[2]


def _balanced(s: str) -> bool:
    depth = 0
    for ch in s:
        depth += ch == "{"
        depth -= ch == "}"
        if depth < 0:
            return False
    return depth == 0 and s.count(r"\left") == s.count(r"\right")


def test_softmax_unicode_is_index_notation():
    r = lift(ROOT / "tests" / "kernels" / "softmax_row.toml", Options(prove=False, simplify=False))
    text = to_unicode(r.formula.outputs[0].body)
    assert "Σ_{l<N}" in text and "max_{k<N} x[i, k]" in text and "exp(" in text


def test_latex_is_balanced_for_corpus_formulas():
    for item in ("23_softmax", "35_liger_layer_norm", "28_cumsum", "41_liger_rope", "22_argmax"):
        r = lift(ROOT / "corpus" / f"{item}.toml")
        assert r.formula is not None, r.reason
        for o in r.formula.outputs:
            s = formula_latex(o.tensor, o.index_vars, o.body)
            assert _balanced(s), s
            assert "BLOCK" not in s


def test_repeated_reductions_are_named_in_dependency_order():
    r = lift(ROOT / "corpus" / "25_layer_norm.toml", Options(prove=False))
    from tritonlift.render.lift_text import lift_text

    text = lift_text(r)
    # named for what they are; `mean` is an output, so the mean of x is mean_x (issue 12)
    assert "mean[i] = mean_x[i]" in text
    assert "where mean_x[i] = (Σ_{k<N} x[i, k]) / N" in text
    assert "where std[i] = √((Σ_{l<N} (x[i, l] − mean_x[i])^2) / N + eps)" in text
    assert "μ" not in text and "σ" not in text


def test_json_carries_the_term_tree():
    import json

    r = lift(ROOT / "tests" / "kernels" / "row_sum_loop.toml", Options(prove=False))
    out = json.loads(json.dumps(r.to_json()))["outputs"][0]
    assert out["tensor"] == "out" and out["index_vars"] == ["i"]
    assert out["term"]["op"] == "sum" and out["term"]["args"][1] == {"op": "sym", "attrs": ["N", "size"], "args": []}
