"""Launches Triton rejects (issue 11 point 3) give one truth from `lift` and `check` (issue 12).

Protects: a kernel whose launch Triton refuses at some allowed size (an arange of 2·N lanes, a
64 x next_power_of_2(N) tile past 2**20 elements, `other=` with `mask=None`) is an ERROR from
both commands, with the same located message (`file:line:col: launch rejected by Triton: ...`
and a caret), one `launch` finding naming the sizes, and exit code 1 (exitcodes.py: a bug in the
kernel); never PROVED or BOUNDED, whether the executor meets the rejection at a checked size or
only the prover does (the 2**20 tile, at N = 16385). A correct control kernel stays PROVED (exit
0) under both. The sizes the tool names are replayed under ``TRITON_INTERPRET=1``: the
interpreter raises there for the rejected kernels and runs the control.

Kernels and specs: tests/kernels/rejected/.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tritonlift import cli

ROOT = Path(__file__).resolve().parents[1]
REJECTED = ROOT / "tests" / "kernels" / "rejected"

# name -> (formula the kernel is meant to compute, line of the rejected construct, words of the
# message, sizes of the finding, what the interpreter says there)
CASES = {
    "arange_twice_n": ("y[i, j] = 3 * x[i, j]", 11, "tl.arange(0, 6) has 6 elements",
                       {"M": 3, "N": 3}, "arange's range must be a power of 2"),
    "row_band_over_2_20": ("y[i, j] = x[i, j] + 1", 12, "a tile of shape [64, BN] must have at most 2**20",
                           {"M": 1, "N": 16385}, "exceeds triton maximum tensor numel"),
    "other_mask_none": ("y[i] = x[i] * x[i]", 11, "`other=` but no `mask=`", {"N": 8},
                        "`other` cannot be provided without `mask`"),
}
CONTROL = ("triple_rows_ok", "y[i, j] = 3 * x[i, j]")


@functools.cache
def _run(command: str, name: str, formula: str, where: Path = REJECTED) -> tuple[int, dict, str]:
    """`tritonlift <command> --launch <where>/<name>.toml --json` in this process: exit code, JSON,
    stderr."""
    argv = [command, "--launch", str(where / f"{name}.toml"), "--json"]
    if command == "check":
        argv += ["--formula", formula]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, json.loads(out.getvalue()), err.getvalue()


@pytest.mark.parametrize("command", ["lift", "check"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_rejected_launch_is_an_error_naming_the_size(command, name):
    formula, line, words, sizes, _ = CASES[name]
    code, doc, err = _run(command, name, formula)
    assert code == 1 and doc["exit_code"] == 1, (code, doc["status"], err)
    assert doc["status"] == "ERROR", doc["status"]
    error = doc["error"]
    assert error["kind"] == "launch rejected by Triton" and words in error["message"], error
    assert Path(error["file"]).name == f"{name}.py" and error["line"] == line and error["col"] >= 1, error
    launch = [f for f in doc["findings"] if f["kind"] == "launch"]
    assert len(launch) == 1 and launch[0]["bug"] and launch[0]["sizes"] == sizes, doc["findings"]
    assert launch[0]["line"] == line
    # one diagnostic on stderr, located, with the source line and a caret
    head, *rest = err.strip().splitlines()
    assert head.startswith(f"{error['file']}:{line}:{error['col']}: launch rejected by Triton: "), head
    assert len(rest) == 2 and rest[1].strip() == "^", rest


@pytest.mark.parametrize("name", sorted(CASES))
def test_lift_and_check_say_the_same(name):
    formula = CASES[name][0]
    (lift_code, lift, lift_err), (check_code, check, check_err) = (_run(c, name, formula) for c in ("lift", "check"))
    assert (lift_code, lift["status"], lift["error"]) == (check_code, check["status"], check["error"])
    assert lift_err == check_err
    assert lift["formula"] is None  # no formula is claimed for a launch that cannot run


def test_a_one_dimensional_tile_past_2_20_found_by_the_prover_is_an_error_from_check_too():
    # the case `check` used to call BOUNDED while `lift` said ERROR: every checked size is small,
    # only the prover reaches N = 2**20 + 1
    adversarial = ROOT / "tests" / "soundness" / "adversarial"
    (lift_code, lift, lift_err), (check_code, check, check_err) = (
        _run(c, "tile_over_2_20", "y[i] = -x[i]", adversarial) for c in ("lift", "check"))
    assert (check_code, check["status"]) == (lift_code, lift["status"]) == (1, "ERROR")
    assert check["error"] == lift["error"] and check_err == lift_err
    assert "N=1048577" in check["error"]["message"] and check["error"]["line"] == 9
    assert [f["sizes"] for f in check["findings"] if f["kind"] == "launch"] == [{"N": 1048577}]


@pytest.mark.parametrize("command", ["lift", "check"])
def test_the_control_kernel_is_proved(command):
    code, doc, err = _run(command, *CONTROL)
    assert code == 0 and doc["status"] == "PROVED" and doc["error"] is None, (doc["status"], err)
    assert not [f for f in doc["findings"] if f["bug"]]


_INTERPRET = """
import json, sys
from tritonlift.bench.interp_run import random_inputs, run_kernels
from tritonlift.pipeline import instantiate, load
for path, sizes in json.loads(sys.argv[1]):
    conc = instantiate(load(path), sizes)
    try:
        run_kernels(conc, *random_inputs(conc, 0))
        print("ran")
    except Exception as e:
        print("raised", type(e).__name__, str(e).replace(chr(10), " "))
"""


def test_triton_rejects_the_named_sizes_and_runs_the_control():
    pytest.importorskip("triton")
    pytest.importorskip("torch")
    runs = [(str(REJECTED / f"{n}.toml"), c[3]) for n, c in sorted(CASES.items())]
    runs += [(str(REJECTED / f"{CONTROL[0]}.toml"), {"M": 3, "N": 3}),
             (str(REJECTED / "row_band_over_2_20.toml"), {"M": 1, "N": 16384})]  # 64 x 16384 = 2**20 fits
    env = {**os.environ, "TRITON_INTERPRET": "1", "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run([sys.executable, "-c", _INTERPRET, json.dumps(runs)], capture_output=True, text=True,
                          env=env, timeout=600, check=True)
    lines = proc.stdout.splitlines()
    expected = [c[4] for _, c in sorted(CASES.items())]
    assert len(lines) == len(runs), proc.stdout + proc.stderr
    for line, words in zip(lines, expected, strict=False):
        assert line.startswith("raised") and words in line, line
    assert lines[len(expected):] == ["ran", "ran"], lines
