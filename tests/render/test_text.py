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
