"""The sweep: its tables, the report, resuming, and the replay of a refutation through torch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tritonlift
from tritonlift import reference as R
from tritonlift.check import check_formula
from tritonlift.reference.against import formula_against
from tritonlift.reference.calls import identify
from tritonlift.sweep.report import html_page, summarize, table_markdown, write_report
from tritonlift.sweep.run import SweepOptions, run_sweep, select
from tritonlift.sweep.table import calls, category
from tritonlift.sweep.worker import replay

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_tables_name_reference_operators() -> None:
    table = calls()
    assert len(table) >= 150
    assert len({c.key for c in table}) == len(table)
    for c in table:
        if c.op:
            op = R.get(c.op, **c.params)
            R.expand(op, c.params, None)  # every parameter is one the operator has
            assert set(c.tensors) <= {a.name for a in op.inputs + op.outputs}, c.key
            assert category(c) == op.category or c.category
        else:
            assert c.why, f"{c.key}: no reference operator and no reason"


def test_trace_knows_the_operator_of_a_call() -> None:
    assert identify("flag_gems.softmax(x, dim=1)")[0].name == "aten::softmax"
    assert identify("flag_gems.softmax(x, dim=1)")[1] == {"dim": 1}
    assert identify("flag_gems.gelu(x, approximate='tanh')")[0].fixed == {"approximate": "tanh"}
    op, params, tensors = identify("flag_gems.layer_norm(x, [N], w, b, eps=1e-5)")  # from the sweep table
    assert op.name == "aten::native_layer_norm" and tensors == {"weight": "w", "bias": "b"}
    assert identify("liger_kernel.ops.geglu.geglu_forward(a, b)")[0].name == "liger::geglu"
    with pytest.raises(R.ReferenceError, match="give --against"):
        identify("mylib.frobnicate(x)")


def _rec(key: str, cat: str, status: str, **kw) -> dict:
    lib, name = key.split(".", 1)
    return {"library": lib, "name": name, "key": key, "op": "aten::x", "category": cat, "status": status,
            "reason": kw.get("reason", ""), "call": "f(x)", "seconds": {"total": 2.0}, "check": kw.get("check"),
            "reference": {"latex": ["y_{i} = x_{i}"], "describe": "aten::x"}, "findings": kw.get("findings", []),
            "counterexample": kw.get("cex"), "replay": kw.get("replay")}


def test_report_counts_statuses_and_categories(tmp_path: Path) -> None:
    cex = {"tensor": "y", "index": [0], "sizes": {"N": 2}, "inputs": {"x": [1.0, 2.0]}, "reals": {},
           "kernel_value": 3.0, "formula_value": 1.0}
    rows = [_rec("a.relu", "activation", "PROVED", check={}), _rec("a.elu", "activation", "REFUTED", check={}, cex=cex,
            replay={"torch_value": 1.0, "verdict": "real divergence"}),
            _rec("a.sort", "indexing", "UNSUPPORTED", reason="trace: the call fails"),
            _rec("b.norm", "norm", "FINDINGS", check={}, findings=["k.py:3:4: race: two programs write y[0]"])]
    s = summarize(rows, wall=10.0)
    assert s["statuses"] == {"PROVED": 1, "REFUTED": 1, "FINDINGS": 1, "UNSUPPORTED": 1}
    assert s["categories"]["activation"] == {"PROVED": 1, "REFUTED": 1} and s["checked_end_to_end"] == 3
    assert s["refuted_replays"] == [{"key": "a.elu", "verdict": "real divergence", "explanation": "not yet explained"}]
    page = html_page({"summary": s, "operators": rows})
    assert "katex" in page and "\\[y_{i} = x_{i}\\]" in page and "k.py:3:4: race" in page
    assert "| activation | 1 | 1 |" in table_markdown(s)


def test_sweep_runs_resumes_and_reports(tmp_path: Path) -> None:
    """Operators the table marks unsupported (no trace needed) run through the worker processes;
    a second run finds their results and runs nothing."""
    opts = SweepOptions(tmp_path, ["flag_gems"], ["upsample_nearest1d", "one_hot"], jobs=2, op_timeout=120)
    assert [c.name for c in select(opts)] == ["upsample_nearest1d", "one_hot"]
    doc = run_sweep(opts, log=lambda *_: None)
    assert doc["summary"]["statuses"] == {"UNSUPPORTED": 2}
    assert "output size" in json.loads((tmp_path / "ops" / "flag_gems.upsample_nearest1d.json").read_text())["reason"]
    lines: list[str] = []
    run_sweep(opts, log=lines.append)
    assert lines[0].startswith("sweep: 0 operators to run (2 already done)")
    assert (tmp_path / "report.html").exists()
    assert write_report(tmp_path, select(opts))["summary"]["operators"] == 2


def test_a_refutation_replays_through_torch() -> None:
    """The kernel keeps gate_multiplier a real; the reference is asked for gate_multiplier = 1:
    the counterexample (gate_multiplier != 1) replays through torch, which sides with the formula."""
    spec = CORPUS / "36_liger_swiglu.toml"
    a = formula_against(tritonlift.load_launch(spec), "liger::swiglu", {"gate_multiplier": 1.0})
    r = check_formula(spec, a.formula, tritonlift.api.Options(prove=False))
    assert r.status is tritonlift.Status.REFUTED
    rp = replay(a, r.counterexample)
    assert rp["torch_value"] == pytest.approx(r.counterexample.formula_value)
    assert rp["verdict"].startswith("real divergence")


def test_replay_verdicts() -> None:
    from tritonlift.sweep.worker import _verdict

    rp = {"torch_value": 2.0, "kernel_value": 0.43, "formula_value": 2.0}
    assert _verdict(rp).startswith("real divergence")
    assert _verdict({**rp, "host_value": 0.43}).endswith("gives the kernel's value too)")
    assert _verdict({**rp, "host_value": 2.0}).startswith("not a divergence")  # the spec, not the kernel
    assert _verdict({**rp, "kernel_value": 2.0, "formula_value": 5.0}).startswith("reference-library defect")
