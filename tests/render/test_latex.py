"""`--format latex` renders with a standard LaTeX math renderer: KaTeX (its Rust port, through the
pinned dev dependency markdown-katex-rs), which rejects what a browser's KaTeX rejects: unknown
control sequences, missing arguments, unbalanced groups, unclosed environments. Every formula of
the golden corpus (lifted and simplified) and a term for every Op must render."""

import re
from pathlib import Path

import pytest

from tritonlift.dsl import build
from tritonlift.dsl.printer import parse
from tritonlift.dsl.term import BINARY, BINDERS, UNARY_MATH, Op, Term, const, read, sym, undef, var
from tritonlift.render.latex import formula_latex, to_latex

katex = pytest.importorskip("markdown_katex_rs.extension", reason="dev extra: markdown-katex-rs")

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "corpus.txt"
LINE = re.compile(r"(?:lifted|simplified): +(\w+)(?:\[([^\]]*)\])? = (.+)")


def render(tex: str) -> None:
    """Raises ValueError (KaTeX's ParseError) when `tex` does not render."""
    katex.tex2html(tex, {"display-mode": True})


def golden_formulas() -> list[tuple[str, str]]:
    """(golden line, LaTeX) for every formula pinned in tests/golden/corpus.txt."""
    out = []
    for line in GOLDEN.read_text().splitlines():
        m = LINE.fullmatch(line)
        if m:
            tensor, idx, body = m.groups()
            index_vars = tuple(v.strip() for v in idx.split(",") if v.strip()) if idx else ()
            out.append((line, formula_latex(tensor, index_vars, parse(body))))
    return out


def test_the_renderer_rejects_broken_latex():
    for bad in (r"\frac{a}", r"{x", r"x}", r"\foo", r"\begin{cases} a & b", r"\left( a", r"a^b^c"):
        with pytest.raises(ValueError):
            render(bad)


def test_every_corpus_formula_renders():
    formulas = golden_formulas()
    assert len(formulas) >= 90  # every public corpus item, lifted and simplified
    failures = []
    for line, tex in formulas:
        try:
            render(tex)
        except ValueError as e:
            failures.append(f"{line}\n  {tex}\n  {str(e)[:300]}")
    assert not failures, "\n".join(failures)


def test_every_op_renders():
    x, y = read("x", var("i")), read("y_t", var("i"))
    c = Term.make(Op.GT, (x, const(0)))
    terms: list[Term] = [Term.make(op, (x,)) for op in sorted(UNARY_MATH | {Op.NEG}, key=str)]
    terms += [Term.make(op, (x, y)) for op in sorted(BINARY, key=str)]
    terms += [Term.make(op, (const(0), sym("N"), read("x", var("k"))), ("k",)) for op in sorted(BINDERS, key=str)]
    terms += [Term.make(Op.NOT, (c,)), Term.make(Op.WHERE, (c, x, y)), undef("masked"),
              build.call("philox0", sym("seed"), var("i"), 0, 0, 0), const(1e-05), const(float("-inf")),
              const(True), Term.make(Op.POW, (const(1e-05), x)), read("s")]
    for t in terms:
        tex = formula_latex("out_value", ("i",), t)
        try:
            render(tex)
        except ValueError as e:
            pytest.fail(f"{t.op.name}: {tex}\n{e}")


def test_names_and_numbers_are_latex_not_python():
    tex = formula_latex("out_value", ("i",), build.call("uint_to_uniform_float", read("x", var("i"))))
    assert tex.startswith(r"\mathit{out\_value}_{i} = \operatorname{uint\_to\_uniform\_float}")
    assert formula_latex("out", (), parse("sum(k, 0, M, inp[k])")) == r"\mathit{out} = \sum_{k=0}^{M-1} \mathit{inp}_{k}"
    assert to_latex(parse("x[i] * 1e-05 + 2.0")) == r"x_{i} \cdot 1 \cdot 10^{-5} + 2"
    assert to_latex(parse("sum(k, 0, 4, x[k])")) == r"\sum_{k=0}^{3} x_{k}"
