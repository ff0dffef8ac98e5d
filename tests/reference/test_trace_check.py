"""`trace --check`: the traced spec checked against the PyTorch operator the call implements,
found from the call (needs torch, triton and flag-gems)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = [pytest.mark.interp, pytest.mark.filterwarnings("ignore:warmup, rep, and use_cuda_graph parameters are deprecated")]
pytest.importorskip("torch")
pytest.importorskip("triton")

GENERATED = Path(__file__).resolve().parents[2] / ".tritonlift_cache" / "flaggems-5.0.2"


@pytest.mark.skipif(importlib.util.find_spec("flag_gems") is None, reason="flag-gems is not installed")
def test_cli_trace_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tritonlift.cli import main

    out = tmp_path / "cumsum.toml"
    code = main(["--cache-dir", str(GENERATED), "trace", "flag_gems.cumsum(x, dim=1)", "--shape", "x=M,N",
                 "-o", str(out), "--max-size", "64", "--budget", "1", "--check"])
    text = capsys.readouterr().out
    assert "against aten::cumsum(dim=1) with x=x" in text
    assert code in (0, 3), text  # PROVED, or BOUNDED while check's prover is weaker than lift's
    assert "REFUTED" not in text
    # the wrong operator is refuted with a counterexample
    code = main(["--cache-dir", str(GENERATED), "trace", "flag_gems.cumsum(x, dim=1)", "--shape", "x=M,N",
                 "-o", str(out), "--max-size", "64", "--budget", "1", "--against", "aten::cumprod"])
    assert code == 1 and "REFUTED" in capsys.readouterr().out
