"""The command line: spec output; errors located once on stderr with a caret and the documented
exit code (2 input error, 4 unsupported), no traceback."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.scale_kernel import KERNEL, SPEC


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tritonlift.cli", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture()
def work(tmp_path):
    (tmp_path / "k.py").write_text(KERNEL)
    (tmp_path / "k.toml").write_text(SPEC)
    return tmp_path


def test_spec_prints_every_element(work):
    r = run("spec", "--launch", "k.toml", "--size", "N=5", cwd=work)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "y[4] = x[4] * 2.0 + 1.0" in lines
    assert sum(1 for line in lines if line.startswith("y[")) == 5


def test_spec_json(work):
    r = run("spec", "--launch", "k.toml", "--size", "N=3", "--json", cwd=work)
    data = json.loads(r.stdout)
    assert data["outputs"]["y"]["elements"][2] == {"index": [2], "expr": "x[2] * 2.0 + 1.0"}


def _assert_located_error(r, file: str, line: int, col: int | None, text: str, code: int = 2):
    assert r.returncode == code
    assert "Traceback" not in r.stderr
    assert r.stdout == ""  # reported once, on stderr
    first = r.stderr.splitlines()[0]
    where = f"{file}:{line}:{col}" if col is not None else f"{file}:{line}:"
    assert where in first, first
    assert text in first, first


def test_unsupported_construct(work):
    (work / "k.py").write_text(KERNEL.replace("    tl.store(", "    with open('f') as f:\n        pass\n    tl.store("))
    r = run("spec", "--launch", "k.toml", "--size", "N=3", cwd=work)
    _assert_located_error(r, "k.py", 10, 5, "unsupported: statement 'With'", code=4)
    assert "^" in r.stderr


def test_syntax_error_in_kernel(work):
    (work / "k.py").write_text(KERNEL.replace("mask = offs < n", "mask = offs <"))
    r = run("spec", "--launch", "k.toml", "--size", "N=3", cwd=work)
    _assert_located_error(r, "k.py", 8, None, "syntax error")


def test_missing_launch_argument(work):
    (work / "k.toml").write_text(SPEC.replace('n = "N"\n', ""))
    r = run("spec", "--launch", "k.toml", "--size", "N=3", cwd=work)
    _assert_located_error(r, "k.toml", 8, None, "missing argument 'n'")


def test_unknown_launch_argument(work):
    (work / "k.toml").write_text(SPEC + 'extra = "N"\n')
    r = run("spec", "--launch", "k.toml", "--size", "N=3", cwd=work)
    _assert_located_error(r, "k.toml", 13, 1, "unknown parameter 'extra'")


def test_malformed_toml(work):
    (work / "k.toml").write_text(SPEC.replace('grid = ["cdiv(N, 4)"]', 'grid = ["cdiv(N, 4)"'))
    r = run("spec", "--launch", "k.toml", cwd=work)
    _assert_located_error(r, "k.toml", 3, None, "malformed TOML")


def test_internal_errors_hide_traceback_unless_debug(work):
    r = run("spec", "--launch", "missing.toml", cwd=work)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "cannot read launch spec" in r.stderr
    r = run("--debug", "spec", "--launch", "missing.toml", cwd=work)
    assert r.returncode == 2 and "Traceback" in r.stderr


def test_kernel_on_command_line_overrides_spec(work):
    (work / "other.py").write_text(KERNEL.replace("x * 2.0 + 1.0", "x - 1.0"))
    r = run("spec", "other.py::scale", "--launch", "k.toml", "--size", "N=2", cwd=work)
    assert r.returncode == 0, r.stderr
    assert "y[1] = x[1] - 1.0" in r.stdout


# -- exit codes, one diagnostic, --json, --timeout, --version (README "Command line") -------------

def main_in_process(capsys, *argv: str) -> tuple[int, str, str]:
    from tritonlift import cli

    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def here(work, monkeypatch):
    monkeypatch.chdir(work)
    return work


def test_version(work):
    from tritonlift import __version__

    r = run("--version", cwd=work)
    assert r.returncode == 0 and r.stdout.strip() == f"tritonlift {__version__}"


def test_help_documents_the_exit_codes(here, capsys):
    code, out, _ = main_in_process(capsys, "lift", "--help")
    assert code == 0
    for line in ("0  PROVED", "1  REFUTED", "2  usage or input error", "3  not proved", "4  UNSUPPORTED",
                 "5  internal error"):
        assert line in out


def test_proved_is_0_and_json_is_spelled_the_same(here, capsys):
    code, out, err = main_in_process(capsys, "lift", "--launch", "k.toml", "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["status"] == "PROVED" and data["error"] is None
    code, out2, _ = main_in_process(capsys, "lift", "--launch", "k.toml", "--format", "json")
    assert code == 0 and json.loads(out2)["formula"] == data["formula"]


def test_refuted_is_1(here, capsys):
    code, out, err = main_in_process(capsys, "check", "--launch", "k.toml", "--formula", "y[i] = x[i] * 3.0", "--json")
    assert code == 1 and json.loads(out)["status"] == "REFUTED"


def test_bounded_is_3(here, capsys):
    code, out, _ = main_in_process(capsys, "lift", "--launch", "k.toml", "--no-prove")
    assert code == 3 and "BOUNDED" in out


def test_spec_error_is_2_and_reported_once_on_stderr(here, capsys):
    (here / "k.toml").write_text(SPEC.replace('n = "N"', 'n = "Nx"'))
    for cmd in (["lift"], ["check", "--formula", "y[i] = x[i]"], ["spec"]):
        code, out, err = main_in_process(capsys, *cmd, "--launch", "k.toml")
        assert code == 2 and out == "", cmd
        assert err.count("unknown name 'Nx'") == 1, err
        first, source, caret = err.splitlines()
        assert first.startswith("k.toml:11:6: spec error: [args.n] unknown name 'Nx'")
        assert source.strip() == 'n = "Nx"' and caret.strip() == "^"


def test_unsupported_is_4_with_json_error_record(here, capsys):
    (here / "k.py").write_text(KERNEL.replace("    tl.store(", "    with open('f') as f:\n        pass\n    tl.store("))
    code, out, err = main_in_process(capsys, "lift", "--launch", "k.toml", "--json")
    assert code == 4
    data = json.loads(out)
    assert data["status"] == "UNSUPPORTED"
    assert data["error"]["kind"] == "unsupported" and data["error"]["line"] == 10 and data["error"]["col"] == 5
    assert err.count("unsupported: statement 'With'") == 1


def test_bound_exceeded_is_4(here, capsys):
    code, out, err = main_in_process(capsys, "spec", "--launch", "k.toml", "--size", "N=5000000")
    assert code == 4 and out == ""
    assert "past the bound of" in err and err.startswith("k.toml:4:1: unsupported:")


def test_a_kernel_that_fails_under_the_launch_is_1(here, capsys):
    (here / "k.py").write_text(KERNEL.replace("    tl.store(", "    while True:\n        x = x + 1.0\n    tl.store("))
    code, _, err = main_in_process(capsys, "spec", "--launch", "k.toml", "--size", "N=3")
    assert code == 1 and "k.py:10:5: execution error: this `while` loop never ends" in err


def test_spec_findings_that_are_bugs_exit_1(here, capsys):
    (here / "k.py").write_text(KERNEL.replace("mask=mask)\n    tl.store", "mask=offs < n + 1)\n    tl.store"))
    code, out, _ = main_in_process(capsys, "spec", "--launch", "k.toml", "--size", "N=3")
    assert code == 1 and "oob" in out


def test_internal_error_is_5_without_traceback(here, capsys, monkeypatch):
    import tritonlift.pipeline

    def broken(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(tritonlift.pipeline, "synthesis_sizes", broken)
    code, out, err = main_in_process(capsys, "lift", "--launch", "k.toml")
    assert code == 5 and "Traceback" not in err
    assert err.startswith("internal error: RuntimeError: boom") and err.count("boom") == 1


@pytest.mark.parametrize("argv, flag", [
    (["lift", "--launch", "k.toml", "--timeout", "abc"], "--timeout"),
    (["lift", "--launch", "k.toml", "--timeout", "-1"], "--timeout"),
    (["spec", "--launch", "k.toml", "--size", "N"], "--size"),
    (["spec", "--launch", "k.toml", "--config", "BLOCK=x"], "--config"),
    (["spec", "--launch", "k.toml", "--config", "NOPE=0"], "--config"),
    (["lift", "--launch", "k.toml", "--strategy", "sideways"], "--strategy"),
    (["lift"], "--launch"),
    (["frobnicate"], "frobnicate"),
])
def test_usage_errors_are_2_and_name_the_flag(here, capsys, argv, flag):
    code, out, err = main_in_process(capsys, *argv)
    assert code == 2 and out == ""
    assert flag in err and "usage error" in err and "Traceback" not in err


def test_timeout_ends_unknown_naming_the_stage(work):
    slow = KERNEL.replace("    tl.store(", "    i = 0\n    while i < n:\n        i += 1\n    tl.store(")
    (work / "k.py").write_text(slow)
    (work / "k.toml").write_text(SPEC.replace('n = "N"', 'n = 100000000'))
    r = subprocess.run([sys.executable, "-m", "tritonlift.cli", "lift", "--launch", "k.toml", "--timeout", "2",
                        "--json"], cwd=work, capture_output=True, text=True, timeout=120)
    assert r.returncode == 3, r.stderr
    data = json.loads(r.stdout)
    assert data["status"] == "UNKNOWN" and "in stage symex" in data["reason"]
    assert r.stderr.strip() == "k.toml: timeout: timed out after 2 s in stage symex"


def test_no_colours_when_not_a_terminal(here, capsys):
    (here / "k.toml").write_text(SPEC.replace('n = "N"', 'n = "Nx"'))
    _, _, err = main_in_process(capsys, "lift", "--launch", "k.toml")
    assert "\x1b[" not in err


def test_schema_command(here, capsys):
    code, out, _ = main_in_process(capsys, "schema")
    assert code == 0 and json.loads(out)["title"] == "tritonlift launch spec"
