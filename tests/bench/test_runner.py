"""The bench runner: which files run, how rows group into benchmark items, the summary arithmetic,
the JSON shape `--json` promises, the per-spec timeout, and the CLI's exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tritonlift.bench.runner import BenchRow, launch_specs, run_bench, summarize
from tritonlift.options import Options
from tritonlift.result import Status

KERNELS = Path(__file__).resolve().parents[1] / "kernels"
# schema 2 added launch, primary and findings to rows, items_with_findings to the summary
RESULT_KEYS = {"id", "op", "kernel", "launch", "status", "formula", "seconds", "reason", "primary", "findings"}
SUMMARY_KEYS = {"total", "by_status", "median_seconds", "max_seconds", "items", "items_lifted", "items_proved",
                "items_with_findings"}


def _spec(name: str, ident: int | None, kernel_file: str | None = None) -> str:
    """A test kernel's launch spec with its kernel path made absolute, under a given id; with
    `kernel_file` naming a missing file, a spec that fails to load its kernel (an ERROR row)."""
    text = (KERNELS / f"{name}.toml").read_text()
    target = kernel_file or str(KERNELS / f"{name}.py")
    text = text.replace(f'kernel = "{name}.py::', f'kernel = "{target}::')
    return (f"id = {ident}\n" if ident is not None else "") + text


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """Item 1: a primary that lifts and a `.loop.` variant that fails; item `2_softmax` (no id:
    the stem) lifts; item 3 fails. Plus FLOOR.toml, which is not a launch spec."""
    (tmp_path / "1_exp.toml").write_text(_spec("unary_exp_affine", 1))
    (tmp_path / "1_exp.loop.toml").write_text(_spec("unary_exp_affine", 1, "/nonexistent/k.py"))
    (tmp_path / "2_softmax.toml").write_text(_spec("softmax_row", None))
    (tmp_path / "3_axpy.toml").write_text(_spec("axpy", 3, "/nonexistent/axpy.py"))
    (tmp_path / "FLOOR.toml").write_text("min_lifted = 2\n")
    return tmp_path


def test_launch_specs_are_sorted_skip_the_floor_and_filter_variants(folder):
    assert [p.name for p in launch_specs(folder)] == ["1_exp.loop.toml", "1_exp.toml", "2_softmax.toml", "3_axpy.toml"]
    assert [p.name for p in launch_specs(folder, primary_only=True)] == ["1_exp.toml", "2_softmax.toml", "3_axpy.toml"]
    # files given one by one keep their order; a folder and a file in it are not run twice
    assert [p.name for p in launch_specs([folder / "3_axpy.toml", folder])][:2] == ["3_axpy.toml", "1_exp.loop.toml"]
    assert len(launch_specs([folder / "3_axpy.toml", folder])) == 4


def test_items_count_through_their_primary_spec(folder):
    report = run_bench(folder, Options(prove=False, simplify=False), progress=False, timeout=None)
    by_file = {Path(r.launch).name: r for r in report.rows}
    assert by_file["1_exp.toml"].status is Status.BOUNDED
    assert by_file["1_exp.loop.toml"].status is Status.ERROR and "not found" in by_file["1_exp.loop.toml"].reason
    assert by_file["2_softmax.toml"].id == "2_softmax"
    assert by_file["3_axpy.toml"].id == "3" and by_file["3_axpy.toml"].op == "axpy"
    s = report.summary
    assert (s.total, s.items, s.items_lifted) == (4, 3, 2)  # item 1 lifts although its variant fails
    assert s.by_status == {"PROVED": 0, "BOUNDED": 2, "UNKNOWN": 0, "REFUTED": 0, "FINDINGS": 0, "UNSUPPORTED": 0,
                           "ERROR": 2}
    assert s.max_seconds == max(r.seconds for r in report.rows)


def test_json_shape(folder):
    data = json.loads(json.dumps(run_bench(folder, Options(prove=False, simplify=False), progress=False, timeout=None).to_json()))
    assert set(data) == {"schema_version", "results", "summary"} and data["schema_version"] == 2
    assert set(data["summary"]) == SUMMARY_KEYS
    assert [set(r) for r in data["results"]] == [RESULT_KEYS] * 4
    lifted = next(r for r in data["results"] if r["formula"] is not None and r["id"] == "1")
    # the DSL text form (not the Unicode of the table); its exact shape is the synthesiser's
    assert lifted["formula"].startswith("y[i] = ") and "exp(x[i])" in lifted["formula"]
    assert lifted["status"] == "BOUNDED"
    assert lifted["reason"]  # BOUNDED: the pipeline's statement of what was checked
    assert all(r["reason"] for r in data["results"] if r["status"] != "PROVED")
    assert all(r["formula"] is None for r in data["results"] if r["status"] == "ERROR")
    assert all(isinstance(r["seconds"], float) and isinstance(r["id"], str) for r in data["results"])


def _row(ident: str, status: Status, seconds: float, primary: bool = True) -> BenchRow:
    return BenchRow(f"{ident}.toml", ident, "op", "k", status, None, None, seconds, "r", primary)


def test_summary_arithmetic():
    rows = [_row("1", Status.BOUNDED, 0.5), _row("1", Status.ERROR, 9.0, primary=False),
            _row("2", Status.PROVED, 1.5), _row("3", Status.UNKNOWN, 2.5),
            _row("4", Status.BOUNDED, 0.1, primary=False), _row("4", Status.REFUTED, 0.2, primary=False)]
    s = summarize(rows)
    assert s.total == 6 and s.items == 4
    # 1: primary BOUNDED; 2: PROVED; 3: UNKNOWN is not lifted; 4: no primary, so every spec decides
    assert s.items_lifted == 2
    assert s.median_seconds == pytest.approx((0.5 + 1.5) / 2) and s.max_seconds == 9.0
    assert list(s.by_status) == [str(st) for st in Status] and sum(s.by_status.values()) == 6
    empty = summarize([])
    assert (empty.total, empty.items, empty.items_lifted, empty.median_seconds, empty.max_seconds) == (0, 0, 0, 0.0, 0.0)


def test_an_overrunning_spec_is_an_error_row_and_the_next_gets_a_fresh_worker(folder):
    # the worker cannot even start within a millisecond: every spec overruns, is killed, and the
    # run still finishes with one row per spec
    report = run_bench([folder / "1_exp.toml", folder / "2_softmax.toml"], Options(prove=False, simplify=False), progress=False, timeout=0.001)
    assert [r.status for r in report.rows] == [Status.ERROR, Status.ERROR]
    assert all(r.reason == "timeout after 0.001 s" for r in report.rows)
    # with a real limit the same specs lift in the worker process, as in-process
    report = run_bench([folder / "1_exp.toml", folder / "2_softmax.toml"], Options(prove=False, simplify=False), progress=False, timeout=60)
    assert [r.status for r in report.rows] == [Status.BOUNDED, Status.BOUNDED]
    assert report.rows[1].pretty.startswith("y[i, j] = exp(")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tritonlift.cli", "bench", *args], capture_output=True, text=True)


def test_cli_writes_json_and_checks_the_floor(folder, tmp_path):
    out = tmp_path / "bench.json"
    r = _cli(str(folder), "--json", str(out), "--min-lifted", "2", "--timeout", "0")
    assert r.returncode == 0, r.stderr
    assert "benchmark items lifted (BOUNDED or better): 2 of 3" in r.stdout
    assert json.loads(out.read_text())["summary"]["items_lifted"] == 2
    r = _cli(str(folder), "--min-lifted", "3", "--timeout", "0", "--no-progress")
    assert r.returncode == 1
    assert "2 of 3 benchmark items lifted (BOUNDED or better), fewer than --min-lifted 3" in r.stderr
    r = _cli(str(folder), "--primary", "--strategy", "top-down", "--timeout", "0", "--no-progress")
    assert r.returncode == 0 and "4 launch specs" not in r.stdout and "3 launch specs" in r.stdout
    assert "strategy top-down" in r.stdout


def test_missing_paths_and_empty_folders_are_usage_errors(tmp_path):
    assert _cli(str(tmp_path / "nope.toml")).returncode == 2
    r = _cli(str(tmp_path))
    assert r.returncode == 2 and f"no launch specs (*.toml) in {tmp_path}" in r.stderr
