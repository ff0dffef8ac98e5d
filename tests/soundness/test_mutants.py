"""The mutation suite: the generator (deterministic, at least 300 mutants over every operator),
the reversed program order, and a fast subset of mutants judged end to end (lift, the
interpreter at sizes past every cap in both program orders, check of the intended formula).

The subset is pinned in fast_subset.toml with the behaviour and verdicts measured on the current
code; a mutant whose verdict is wrong today is `xfail(strict=True)`, so a prover fix flips it and
the table must be updated. The full suite: `python -m tritonlift.soundness` (RESULTS.md)."""

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from tritonlift.soundness import bases, mutate

HERE = Path(__file__).resolve().parent
SUBSET = tomllib.loads((HERE / "fast_subset.toml").read_text())
WRONG = ("wrong-proved", "wrong-bounded")


def _generated_dir() -> Path:
    from tritonlift.options import Options

    d = Options().generated_dir
    return d if d.exists() else bases.ROOT / ".tritonlift_cache" / "flaggems-5.0.2"


def test_generator_is_deterministic_and_covers_every_operator(tmp_path):
    _, first = bases.generate(tmp_path / "a", _generated_dir())
    _, again = bases.generate(tmp_path / "b", _generated_dir())
    assert [m.ident for m in first] == [m.ident for m in again]
    assert len(first) >= 300
    ops = Counter(m.op for m in first)
    assert set(ops) == set(mutate.OPERATORS), ops
    # every mutant is a different program, and its launch spec points at the rewritten copy
    texts = set()
    for m in first[:40]:
        spec = Path(m.spec_path)
        assert spec.exists() and "::" in spec.read_text()
        texts.add("".join(p.read_text() for p in sorted(spec.parent.glob("*.py"))))
    assert len(texts) == 40


def test_mutation_operators_rewrite_one_node():
    import ast

    src = (bases.ROOT / "tests" / "kernels" / "softmax_row.py").read_text()
    tree = ast.parse(src)
    found = mutate.sites(tree, ["softmax_row_kernel"], {})
    assert {s.op for s in found} >= {"cmp_flip", "other", "sum_max", "exp_swap", "offset_shift", "mask_drop"}
    for site in found:
        new = ast.unparse(mutate.apply(tree, site, {}))
        assert new != ast.unparse(tree) or site.op in ("minmax_where",), site
    assert ast.unparse(tree) == ast.unparse(ast.parse(src))  # the original tree is untouched


@pytest.mark.interp
def test_reverse_program_order(tmp_path):
    pytest.importorskip("triton")
    from tritonlift.soundness import runtime

    kernel = tmp_path / "last.py"
    kernel.write_text("import triton\nimport triton.language as tl\n\n\n@triton.jit\n"
                      "def last_kernel(y_ptr):\n    tl.store(y_ptr, tl.program_id(0).to(tl.float32))\n")
    spec = tmp_path / "last.toml"
    spec.write_text('kernel = "last.py::last_kernel"\ngrid = ["N"]\n[sizes]\nN = ""\n[tensors]\n'
                    'y = "out f32[]"\n[args]\ny_ptr = "y"\n')
    fwd = runtime.run(spec, {"N": 5}, {}, {}, {}, False, _generated_dir())
    rev = runtime.run(spec, {"N": 5}, {}, {}, {}, True, _generated_dir())
    assert float(fwd.outputs["y"]) == 4.0 and float(rev.outputs["y"]) == 0.0


@pytest.fixture(scope="module")
def judged(tmp_path_factory):
    pytest.importorskip("triton")
    from tritonlift.soundness import suite

    cfg = suite.Config(run_dir=tmp_path_factory.mktemp("soundness"), generated_dir=_generated_dir(), jobs=2,
                       only=set(SUBSET), progress=False, timeout_lift=120, timeout_judge=300, timeout_check=120)
    report = suite.run(cfg, log=lambda msg: None)
    return {r["ident"]: r for r in report.mutants}


def _param(ident: str):
    e = SUBSET[ident]
    wrong = e["lift"] in WRONG or e.get("check") == "wrong-proved"
    marks = [pytest.mark.xfail(strict=True, reason=f"wrong today: {e.get('why', '')}")] if wrong else []
    return pytest.param(ident, id=ident, marks=marks)


@pytest.mark.interp
@pytest.mark.parametrize("ident", [_param(i) for i in SUBSET])
def test_mutant_verdict_is_not_wrong(judged, ident):
    r = judged[ident]
    assert r["lift_verdict"] not in WRONG and r["check_verdict"] != "wrong-proved", (r["why"], r["formula"])


@pytest.mark.interp
@pytest.mark.parametrize("ident", list(SUBSET))
def test_mutant_behaviour_and_refutation_are_kept(judged, ident):
    r, e = judged[ident], SUBSET[ident]
    assert r["behaviour"] == e["behaviour"], r["difference"] or r["kernel_error"]
    if e.get("check") == "refuted":  # a refutation found today must not be lost (a bug found is a catch too)
        assert r["check_verdict"] in ("refuted", "findings"), r["check"]
