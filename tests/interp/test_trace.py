"""`tritonlift trace` and `tritonlift.record`: launch specs written from real host calls run under
the Triton interpreter, lifted, and compared with the hand-written corpus specs of the same kernels.

Needs torch + triton (``[interp]``); the library items also flag-gems / liger-kernel (``[corpus]``).
Sizes are capped (``max_size``) to keep the runs short; thresholds beyond the cap are not probed.
"""

from __future__ import annotations

import importlib.util
import os
import re
import tomllib
from pathlib import Path

import pytest

from tritonlift.options import Options

pytestmark = [
    pytest.mark.interp,
    pytest.mark.filterwarnings("ignore:warmup, rep, and use_cuda_graph parameters are deprecated"),
]

torch = pytest.importorskip("torch")
pytest.importorskip("triton")

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
GENERATED = ROOT / ".tritonlift_cache" / "flaggems-5.0.2"


def _needs(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (the [corpus] extra)")


def _trace(tmp_path: Path, name: str, call: str, shapes: dict[str, tuple[str, ...]], **kw):
    from tritonlift.interp.trace import TraceRequest, trace

    os.environ.setdefault("TRITON_INTERPRET", "1")
    req = TraceRequest(call, shapes, max_size=kw.pop("max_size", 1025), run_budget=2.0,
                       generated_dir=GENERATED, **kw)
    return trace(req, tmp_path / f"{name}.toml")


def _opts() -> Options:
    return Options(generated_dir=GENERATED)


# (name, call, shapes, extra request fields, hand-written spec)
ITEMS = [
    ("softmax", "flag_gems.softmax(inp, dim=1)", {"inp": ("M", "N")}, {}, "23_softmax"),
    ("cumsum", "flag_gems.cumsum(x, dim=1)", {"x": ("M", "N")}, {}, "28_cumsum"),
    ("abs", "flag_gems.abs(x)", {"x": ("N",)}, {}, "01_abs"),
    ("rms_norm", 'liger_kernel.ops.rms_norm.rms_norm_forward(x, w, eps, offset, "llama", False)',
     {"x": ("M", "N"), "w": ("N",)}, {"reals": ["eps=1e-6: eps > 0", "offset=0.0"]}, "34_liger_rms_norm"),
    ("swiglu", "liger_kernel.ops.swiglu.swiglu_forward(a, b, gate_multiplier=1.0)",
     {"a": ("M", "N"), "b": ("M", "N")}, {"reals": ["gate_multiplier"]}, "36_liger_swiglu"),
]


@pytest.mark.parametrize("name,call,shapes,extra,hand", ITEMS, ids=[i[0] for i in ITEMS])
def test_traced_spec_lifts_to_the_hand_written_formula(tmp_path, name, call, shapes, extra, hand):
    from tritonlift.interp.compare import compare
    from tritonlift.interp.trace import parse_real

    _needs(call.split(".")[0])
    extra = dict(extra)
    extra["reals"] = [parse_real(r) for r in extra.get("reals", [])]
    result = _trace(tmp_path, name, call, shapes, **extra)
    assert result.check_sizes, "validated at sizes not used to fit"
    c = compare(result.path, CORPUS / f"{hand}.toml", _opts())
    assert c.same_formula, (c.traced_formula, c.hand_formula)
    assert c.traced_status == "PROVED" and c.same_status


def test_two_kernel_sum_shares_a_temp_buffer_named_by_expressions(tmp_path):
    from tritonlift.interp.compare import compare

    _needs("flag_gems")
    result = _trace(tmp_path, "sum", "flag_gems.sum(inp)", {"inp": ("M",)})
    data = tomllib.loads(result.text)
    assert data["tensors"]["mid"] == "temp f32[MID_SIZE]" and data["tensors"]["out"] == "out f32[]"
    assert data["let"] == {"BLOCK_SIZE": "next_power_of_2(ceil_sqrt(M))", "MID_SIZE": "cdiv(M, BLOCK_SIZE)"}
    first, second = data["launch"]
    assert first["grid"] == ["MID_SIZE"] and first["args"]["mid"] == "mid"
    assert second["args"] == {"mid": "mid", "out": "out", "mid_size": "MID_SIZE",
                              "BLOCK_MID": "next_power_of_2(MID_SIZE)"}
    c = compare(result.path, CORPUS / "15_sum.toml", _opts())
    assert c.same_formula and c.traced_status == c.hand_status == "PROVED"


def test_layer_norm_thresholds_pick_the_kernel_and_constrain_the_sizes(tmp_path):
    from tritonlift.interp.compare import compare
    from tritonlift.interp.trace import parse_real

    _needs("flag_gems")
    call = "flag_gems.layer_norm(x, [N], weight, bias, eps=1e-5)"
    shapes = {"x": ("M", "N"), "weight": ("N",), "bias": ("N",)}
    eps = [parse_real("eps: eps > 0")]
    # at the default base (N = 5) the host uses the multi-row kernel, up to N = 128 (bisection)
    small = _trace(tmp_path, "ln_small", call, shapes, reals=eps, max_size=4097)
    data = tomllib.loads(small.text)
    assert data["kernel"] == "flag_gems.ops.layernorm:layer_norm_persistent_kernel_multiline"
    assert data["sizes"]["N"] == "N <= 128"
    assert data["grid"] == ["cdiv(M, TILE_M)"] and data["args"]["TILE_M"] == "TILE_M"
    assert data["let"]["TILE_M"] == "cdiv(1024, next_power_of_2(N))"
    assert "Other launch structure at N = 4097: layer_norm_loop_kernel" in small.text.replace("\n#  ", "")
    # at N = 200 the benchmark's kernel, for 129 <= N <= 4096; --widen drops the lower bound
    mid = _trace(tmp_path, "ln", call, shapes, reals=eps, at={"N": 200}, widen={"N"}, max_size=4097)
    data = tomllib.loads(mid.text)
    assert data["kernel"] == "flag_gems.ops.layernorm:layer_norm_persistent_kernel"
    assert data["sizes"]["N"] == "N <= 4096" and data["args"]["eps"] == "eps"
    c = compare(mid.path, CORPUS / "25_layer_norm.toml", _opts())
    assert c.same_formula and c.traced_status == "PROVED"
    # the multi-row kernel computes the same formula
    c2 = compare(small.path, CORPUS / "25_layer_norm.toml", _opts())
    renamed = [line.replace("out[", "y[") for line in c2.traced_formula]
    assert sorted(renamed) == sorted(c.hand_formula)


def test_cli_trace_then_lift(tmp_path, capsys):
    from tritonlift.cli import main

    _needs("flag_gems")
    out = tmp_path / "cumsum.toml"
    code = main(["--cache-dir", str(GENERATED), "trace", "flag_gems.cumsum(x, dim=1)", "--shape", "x=M,N",
                 "-o", str(out), "--max-size", "257", "--budget", "2", "--lift"])
    text = capsys.readouterr().out
    assert code == 0, text
    assert f"wrote {out}" in text and "PROVED" in text and "out[i, j] = Σ_{k<j + 1} x[i, k]" in text


def test_cli_errors_are_one_line(tmp_path, capsys):
    from tritonlift.cli import main

    code = main(["trace", "torch.abs(x)", "--shape", "x=M", "-o", str(tmp_path / "a.toml")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("trace error: the call launched no Triton kernel") and "\n" not in err
    code = main(["trace", "f(x)", "--shape", "x=m", "-o", str(tmp_path / "a.toml")])
    assert code == 2 and "single lowercase letter" in capsys.readouterr().err


def test_record_user_kernel_lifts_without_a_hand_written_spec(tmp_path):
    import tritonlift
    from tritonlift.pipeline import lift
    from tritonlift.render.lift_text import lift_text

    from .user_kernels import row_scale

    out = tmp_path / "row_scale.toml"
    gen = torch.Generator().manual_seed(0)
    for m, n in [(3, 5), (4, 16), (17, 33), (2, 100), (8, 7), (5, 64)]:
        x = torch.randn(m, n, generator=gen)
        y = torch.empty_like(x)
        scale = 0.5
        with tritonlift.record(out, shapes={"x": "M,N"}, reals={"scale": "scale > 0"}):
            row_scale(x, y, scale)
        assert torch.allclose(y, x * scale / x.abs().sum(1, keepdim=True))
    data = tomllib.loads(out.read_text())
    assert data["grid"] == ["M"] and data["args"]["BLOCK"] == "next_power_of_2(N)"
    assert data["args"]["n_cols"] == "N" and data["args"]["scale"] == "scale"
    assert data["tensors"] == {"x": "in f32[M, N]", "y": "out f32[M, N]"}
    assert "validated at sizes not used to fit it: (M, N) = (5, 64)" in out.read_text()
    r = lift(out, _opts())
    assert r.status.name == "PROVED"
    assert "y[i, j] = x[i, j]·scale / (Σ_{k<N} |x[i, k]|)" in lift_text(r)


def _trace_user(tmp_path: Path, fn: str, shapes: dict[str, tuple[str, ...]]):
    return _trace(tmp_path, fn, f"tests.interp.user_kernels.{fn}(x)", shapes, max_size=257)


def test_host_copies_zero_fill_and_kept_results(tmp_path):
    from tritonlift.pipeline import lift
    from tritonlift.render.lift_text import lift_text

    # x.t().contiguous() is named after x, in the copy's layout (also at M = 1 or N = 1, where
    # torch makes no copy); torch.zeros gives init = 0
    data = tomllib.loads(_trace_user(tmp_path, "col_sum", {"x": ("M", "N")}).text)
    assert data["sizes"] == {"M": "", "N": ""}
    assert data["tensors"]["x"] == "in f32[N, M]"
    assert data["tensors"]["out"] == {"dir": "out", "dtype": "f32", "shape": ["N"], "init": 0}
    assert data["args"] == {"xt_ptr": "x", "out_ptr": "out", "n_rows": "M", "BLOCK": "next_power_of_2(M)"}
    # a buffer the kernel writes, the host does not return and no later launch reads: an output
    result = _trace_user(tmp_path, "scale_rows", {"x": ("M", "N")})
    data = tomllib.loads(result.text)
    assert data["tensors"]["rstd"] == "out f32[M]" and data["tensors"]["y"] == "out f32[M, N]"
    text = lift_text(lift(result.path, _opts()))
    # the shared denominator is named for what it is (issue 12.2), whatever the name
    assert re.search(r"rstd\[i\] = 1 / \w+\[i\]", text) and "PROVED" in text, text


def test_a_host_threshold_inside_one_kernel_becomes_a_size_constraint(tmp_path):
    # BLOCK = 4 if n <= 20 else 16: no single expression; the spec keeps n <= 20, found by bisection
    result = _trace_user(tmp_path, "tiled_copy", {"x": ("N",)})
    data = tomllib.loads(result.text)
    assert data["sizes"]["N"] == "N <= 20"
    assert data["grid"] == ["cdiv(N, 4)"] and data["args"]["BLOCK"] == 4
    assert "(same kernels) above N = 20 (found by bisection along N)" in result.text.replace("\n#  ", "")
    assert all(s["N"] <= 20 for s in result.fit_sizes + result.check_sizes)


@pytest.mark.parametrize("policy,block", [("first", 8), ("smallest", 4), ("all", [4, 8, 16])])
def test_autotune_policies(tmp_path, policy, block):
    from tritonlift.pipeline import lift

    result = _trace(tmp_path, "tuned_double", "tests.interp.user_kernels.tuned_double(x)", {"x": ("N",)},
                    max_size=257, autotune=policy)
    data = tomllib.loads(result.text)
    assert data["args"]["BLOCK"] == (block if policy == "all" else "BLOCK")
    assert "3 configs {BLOCK: 8}, {BLOCK: 4}, {BLOCK: 16}" in result.text.replace("\n#  ", "")
    if policy == "all":  # the grid names the listed argument; checked with the largest config too
        assert data["grid"] == ["cdiv(N, BLOCK)"]
        assert "and was checked with the largest at" in result.text.replace("\n#  ", "")
        r = lift(result.path, _opts())
        assert r.status.name == "PROVED", r.reason
    else:
        assert data["let"]["BLOCK"] == block and data["grid"] == ["cdiv(N, BLOCK)"]
