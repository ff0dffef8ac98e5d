"""Fixed-width integers in the symbolic executor (issue 11, point 4): integer values the executor
folds to constants wrap exactly as Triton's do (narrowing casts and stores truncate, uint32
subtraction wraps, int16 products wrap, an int8 sum accumulates in int32).

The kernels are tests/kernels/intwrap/int_wrap.py; their expected values are written out here
from the two's-complement definition, and the same kernels are run under TRITON_INTERPRET=1 and
compared element by element with the executor (`test_matches_the_interpreter`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tritonlift.dsl.term import Op
from tritonlift.errors import TritonLiftError
from tritonlift.pipeline import load, run_spec
from tritonlift.symex import ops
from tritonlift.symex.fixedwidth import INT_BITS, int_promote, wrap, wrap_value
from tritonlift.symex.values import Tile, as_objects

ROOT = Path(__file__).resolve().parents[2]
KERNELS = ROOT / "tests" / "kernels" / "intwrap"
SPECS = sorted(KERNELS.glob("*.toml"))
N = 13


def _values(spec_name: str, tensor: str) -> list[int]:
    result = run_spec(load(KERNELS / spec_name), {"N": N})
    terms = result.outputs[tensor]
    out = []
    for t in terms.reshape(-1):
        assert t is not None and t.op is Op.CONST, f"{tensor}: {t} is not a constant"
        out.append(t.value)
    return out


def _w(v: int, bits: int, signed: bool = True) -> int:
    """Two's complement (signed) or modulo 2**bits (unsigned), written out independently."""
    v %= 2**bits
    return v - 2**bits if signed and v >= 2 ** (bits - 1) else v


# -- the wrap and promotion rules ----------------------------------------------------------------

@pytest.mark.parametrize("dtype", sorted(d for d in INT_BITS if d != "uint64"))
def test_wrap_agrees_with_the_definition(dtype):
    from tritonlift.dsl import const, read

    bits, signed = INT_BITS[dtype]
    vals = [0, 1, -1, 2 ** (bits - 1) - 1, 2 ** (bits - 1), -(2 ** (bits - 1)) - 1, 2**bits, 3 * 2**bits + 5,
            -(2**bits) - 7, 10**12 + 3]
    expect = [_w(v, bits, signed) for v in vals]
    assert [wrap_value(v, dtype) for v in vals] == expect
    fits = [i for i, v in enumerate(vals) if -(2**63) <= v < 2**63]  # numeric lanes are int64
    assert wrap(np.array([vals[i] for i in fits], dtype=np.int64), dtype).tolist() == [expect[i] for i in fits]
    # a symbolic tile: its constant lanes are wrapped, its other lanes are left alone
    objs = np.empty(len(vals) + 1, dtype=object)
    objs[0] = read("x", 0)
    objs[1:] = [const(v) for v in vals]
    got = wrap(objs, dtype)
    assert got[0] is read("x", 0) and [t.value for t in got[1:]] == expect


def test_integer_promotion_follows_triton():
    tl = pytest.importorskip("triton.language")
    from triton.language.semantic import TritonSemantic

    names = [d for d in INT_BITS] + ["int1"]
    for a in names:
        for b in names:
            want = TritonSemantic.integer_promote_impl(None, getattr(tl, a), getattr(tl, b)).name
            assert int_promote(a, b) == want, (a, b)


def test_operands_convert_to_the_computation_type():
    minus_one = Tile(np.array([-1, 3], dtype=np.int64), "int32")
    five = Tile(np.array([5, 5], dtype=np.int64), "uint32")
    lt = ops.binary(Op.LT, minus_one, five)  # -1 becomes 2**32 - 1 as a uint32
    assert lt.data.tolist() == [False, True]
    d = ops.binary(Op.SUB, minus_one, five)
    assert d.dtype == "uint32" and d.data.tolist() == [2**32 - 6, 2**32 - 2]


def test_a_scalar_out_of_the_tile_range_is_rejected():
    i8 = Tile(np.array([1, 2], dtype=np.int64), "int8")
    assert ops.binary(Op.ADD, i8, 127).data.tolist() == [-128, -127]
    with pytest.raises(TypeError, match="out of range for int8"):
        ops.binary(Op.ADD, i8, 1000)
    with pytest.raises(TypeError, match="negative scalar"):
        ops.binary(Op.SUB, Tile(np.array([1], dtype=np.int64), "uint32"), -1)


def test_symbolic_integers_stay_mathematical():
    from tritonlift.dsl import read

    x = Tile(as_objects(np.array([0], dtype=np.int64)), "int8")
    x.data[0] = read("x", 0)
    r = ops.binary(Op.ADD, x, 100)
    assert r.dtype == "int8" and r.data[0].op is Op.ADD  # not wrapped: the prover's question


# -- the executor on the kernels ------------------------------------------------------------------

def test_int8_offset_wraps():
    assert _values("int8_offset.toml", "y") == [_w(_w(37 * i, 8) + 100, 8) for i in range(N)]


def test_uint32_subtraction_wraps():
    d = [_w(i - (3 * i + 1), 32, signed=False) for i in range(N)]
    assert _values("uint32_sub.toml", "y") == d
    assert all(v >= 2**31 for v in d)
    q = [(v >> 28) + (v // 7) % 1000 + int(v < 5) for v in d]
    assert _values("uint32_sub.toml", "q") == q


def test_int16_product_and_narrowing_store():
    assert _values("int16_product.toml", "y") == [_w((i + 300) * (i + 307), 16) for i in range(N)]
    assert _values("int16_product.toml", "z") == [_w(5000 * i, 16) for i in range(N)]


def test_int32_index_sum_and_int8_sum():
    s = _values("int32_index.toml", "s")
    for pid in range(2):
        lanes = [o for o in range(8 * pid, 8 * pid + 8) if o < N]
        assert s[2 * pid] == _w(sum(_w(300000000 * o, 32) for o in lanes), 32)
        assert s[2 * pid + 1] == 800  # 8 lanes of int8 100, summed in int32
    result = run_spec(load(KERNELS / "int32_index.toml"), {"N": N})
    from tritonlift.dsl import to_text

    assert to_text(result.outputs["y"][5]) == f"x[5] + {_w(5 * 10**9, 32)}"


def test_int16_mask_excludes_wrapped_lanes():
    result = run_spec(load(KERNELS / "int16_mask.toml"), {"N": N})
    written = [i for i, t in enumerate(result.outputs["y"]) if t is not None]
    assert written == [i for i in range(N) if _w(4096 * i, 16) >= 0] == list(range(8))


def test_uint8_full_and_not():
    u = [_w(200 + _w(9 * i, 8, False), 8, False) for i in range(N)]
    assert _values("uint8_full.toml", "y") == [v if i % 2 == 0 else 255 - v for i, v in enumerate(u)]


def test_int32_atomic_add_wraps():
    want = [_w(sum(10**9 + o for o in range(N) if o % 2 == k), 32) for k in range(2)]
    assert _values("int32_atomic.toml", "y") == want


def test_out_of_range_scalar_is_located(tmp_path):
    src = tmp_path / "k.py"
    src.write_text(
        "import triton\nimport triton.language as tl\n\n\n@triton.jit\n"
        "def k(y_ptr, BLOCK: tl.constexpr):\n"
        "    offs = tl.arange(0, BLOCK)\n"
        "    tl.store(y_ptr + offs, offs.to(tl.int8) + 1000)\n")
    spec = tmp_path / "k.toml"
    spec.write_text('op = "k"\nkernel = "k.py::k"\ngrid = ["1"]\n[sizes]\nN = ""\n[tensors]\ny = "out i8[4]"\n'
                    '[args]\ny_ptr = "y"\nBLOCK = 4\n')
    with pytest.raises(TritonLiftError, match="out of range for int8") as e:
        run_spec(load(spec), {"N": 1})
    assert "k.py:8" in str(e.value)


# -- against the Triton interpreter ---------------------------------------------------------------

@pytest.mark.interp
@pytest.mark.parametrize("spec_path", SPECS, ids=lambda p: p.stem)
def test_matches_the_interpreter(spec_path):
    pytest.importorskip("torch")
    pytest.importorskip("triton")
    from tritonlift.bench.interp_run import differential

    r = differential(spec_path, {"N": N})
    assert not r.mismatches, r.report(limit=None)
    assert r.compared >= 2, r.report()


# -- what `check` makes of it ---------------------------------------------------------------------

@pytest.mark.parametrize(("spec", "formula", "witness"), [
    # the formula without wrap-around: the executor's wrapped y[1] = -119 refutes it
    ("int8_offset.toml", "y[i] = 37 * i + 100", "kernel -119, formula 137"),
    # lanes whose int16 offset wrapped negative are masked off: y[8] is never written at N = 13
    ("int16_mask.toml", "y[i] = 2.0 * x[i]", "y[8] at N=13: never written"),
])
def test_check_refutes_the_unwrapped_formula(spec, formula, witness):
    from tritonlift.check import check_formula
    from tritonlift.options import Options
    from tritonlift.result import Status

    r = check_formula(KERNELS / spec, formula, Options(simplify=False))
    assert r.status is Status.REFUTED and witness in r.reason, (r.status, r.reason)
