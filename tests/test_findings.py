"""Findings are results (issue 11.7): a bug found in the kernel (a race, an out-of-bounds access, a
read of unwritten memory) is status FINDINGS with exit code 1, distinct from "not proved"
(BOUNDED/UNKNOWN, exit 3) and from UNSUPPORTED (exit 4), and every output format carries the
findings with their kind, location, program and sizes.

The kernels are the adversarial ones of tests/soundness/adversarial/ whose correct verdict is a
finding; `tests/soundness/test_adversarial.py::test_witness_confirmed` shows each problem under
TRITON_INTERPRET=1 at its witness sizes (forward and reverse program order, or against the
intended formula).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tritonlift.errors import SourceLoc
from tritonlift.exitcodes import ExitCode, for_status
from tritonlift.options import Options
from tritonlift.result import BUG_KINDS, Finding, FindingKind, Status, merge_findings
from tritonlift.soundness import adversarial

ADV = Path(__file__).resolve().parent / "soundness" / "adversarial"
ENTRIES = {e.name: e for e in adversarial.load_table()}
FINDING_ENTRIES = sorted(n for n, e in ENTRIES.items() if e.correct == "finding")
def _lift(name: str):
    from tritonlift.pipeline import lift

    return lift(ADV / f"{name}.toml", Options(simplify=False))


@pytest.mark.parametrize("name", FINDING_ENTRIES)  # in-place order bugs too: races under two program orders
def test_a_bug_is_a_finding_not_unsupported(name):
    r = _lift(name)
    assert r.status is Status.FINDINGS, f"{name}: {r.status}: {r.reason}"
    bug = r.bugs[0]
    assert bug.kind in BUG_KINDS and bug.loc is not None and bug.loc.line > 0
    assert bug.sizes, "a finding says at which sizes it was found"
    assert for_status(r.status) == 1


def test_group_race_for_non_power_of_two_groups():
    """Groups of G rows per program, rows masked by M only: for G = 3 program 0 also writes row 3
    (its tile is next_power_of_2(3) = 4 rows), which program 1 writes too. No formula fits the
    synthesis sizes (none has M > G with G not a power of two); the race is found at M=4, G=3."""
    r = _lift("group_race_nonpow2")
    assert r.status is Status.FINDINGS and r.formula is None
    (race,) = r.bugs
    assert race.kind is FindingKind.RACE and "y[3]" in race.message
    assert race.location.endswith("group_race_nonpow2.py:13:5")
    assert race.program == (1, 0, 0) and dict(race.sizes) == {"M": 4, "G": 3}
    data = json.loads(json.dumps(r.to_json()))
    assert data["status"] == "FINDINGS" and data["exit_code"] == 1
    (f,) = data["findings"]
    assert (f["kind"], f["bug"], f["line"], f["col"], f["program"], f["sizes"]) == ("race", True, 13, 5, [1, 0, 0],
                                                                                    {"M": 4, "G": 3})
    from tritonlift.render.lift_text import lift_text

    text = lift_text(r)
    assert "FINDINGS" in text.splitlines()[0]
    assert "  finding: " in text and "race: programs 0 and 1 write different values to y[3]" in text
    assert "at M=4, G=3" in text and "semantics:" in text


def test_check_reports_the_finding_too():
    from tritonlift.check import check_formula

    e = ENTRIES["group_race_nonpow2"]
    r = check_formula(e.spec, e.intended, Options())
    assert r.status is Status.FINDINGS and r.bugs[0].kind is FindingKind.RACE
    assert json.loads(json.dumps(r.to_json()))["findings"][0]["sizes"] == {"M": 4, "G": 3}
    from tritonlift.render.check_text import check_text

    assert "finding: " in check_text(r) and "bug found in the kernel" in check_text(r)


def test_cli_exit_code_1_and_one_json_shape(capsys, monkeypatch):
    from tritonlift import cli

    monkeypatch.chdir(ADV)
    code = cli.main(["lift", "--launch", "group_race_nonpow2.toml", "--json"])
    lifted = json.loads(capsys.readouterr().out)
    assert code == 1 and lifted["status"] == "FINDINGS"
    code = cli.main(["check", "--launch", "group_race_nonpow2.toml", "--formula", ENTRIES["group_race_nonpow2"].intended,
                     "--json"])
    checked = json.loads(capsys.readouterr().out)
    assert code == 1 and checked["status"] == "FINDINGS"
    assert set(lifted) == set(checked) and lifted["schema_version"] == checked["schema_version"] == 2
    assert lifted["command"] == "lift" and checked["command"] == "check"


def test_bench_shows_findings(tmp_path):
    from tritonlift.bench.runner import run_bench
    from tritonlift.render.bench_table import bench_text

    for stem in ("group_race_nonpow2", "unmasked_tail"):
        for ext in (".toml", ".py"):
            (tmp_path / f"{stem}{ext}").write_text((ADV / f"{stem}{ext}").read_text())
    report = run_bench(tmp_path, Options(prove=False, simplify=False), progress=False, timeout=None)
    assert [r.status for r in report.rows] == [Status.FINDINGS, Status.FINDINGS]
    assert report.summary.items_with_findings == 2 and report.summary.by_status["FINDINGS"] == 2
    text = bench_text(report)
    assert "findings:" in text and "race: programs 0 and 1 write different values to y[3]" in text
    assert "oob: write of y" in text and "benchmark items with bug findings: 2 of 2" in text
    data = json.loads(json.dumps(report.to_json()))
    kinds = {r["id"]: [f["kind"] for f in r["findings"]] for r in data["results"]}
    assert kinds == {"group_race_nonpow2": ["race"], "unmasked_tail": ["oob"]}


def test_a_correct_kernel_has_no_bug_finding():
    from tritonlift.pipeline import lift

    r = lift(Path(__file__).resolve().parent / "kernels" / "softmax_row.toml", Options(simplify=False))
    assert r.status is Status.PROVED and not r.bugs


def test_records():
    assert Finding("race", "m").kind is FindingKind.RACE and Finding("race", "m").bug
    assert not Finding("gather", "assumed in bounds").bug
    with pytest.raises(ValueError):
        Finding("typo", "m")
    at = SourceLoc("k.py", 12, 5)
    a = Finding("race", "programs 0 and 1 ...", at, (1,), {"N": 2})
    b = Finding("race", "programs 2 and 3 ...", at, (3,), {"N": 9})
    note = Finding("gather", "n")
    assert merge_findings([note, a, b]) == (a, note)  # one per kind and statement, bugs first
    assert Status.REFUTED < Status.FINDINGS < Status.UNSUPPORTED
    assert for_status(Status.FINDINGS) is ExitCode.BUG_FOUND and int(ExitCode.BUG_FOUND) == 1
    assert for_status(Status.BOUNDED) == 3 and for_status(Status.UNSUPPORTED) == 4


@pytest.mark.corpus
def test_the_flaggems_group_norm_race_is_a_finding():
    """The real FlagGems 5.0.2 group_norm kernel masks channel rows with `< C` only: for a group
    size that is not a power of two a program writes the next group's first rows (issue 11: it
    came back as "UNSUPPORTED: the element terms share no template" after 74 s, with no finding)."""
    from tritonlift.frontend.source import SourceIndex
    from tritonlift.pipeline import lift

    if SourceIndex().find_module("flag_gems.ops.groupnorm") is None:
        pytest.skip("the [corpus] extra (flag-gems) is not installed")
    r = lift(Path(__file__).resolve().parent / "findings" / "flaggems_group_norm.toml", Options(simplify=False))
    assert r.status is Status.FINDINGS, r.reason
    race = next(f for f in r.bugs if f.kind is FindingKind.RACE)
    assert race.location.endswith("flag_gems/ops/groupnorm.py:68:5") and "write different values to y[" in race.message
    gs = race.sizes["GS"]
    assert gs & (gs - 1) and race.sizes["G"] > 1  # a group size that is not a power of two, more than one group
