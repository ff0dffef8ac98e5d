"""The random functions generated reference code defines (render/random_code.py) are bit-exact:
with the spec side's reference (bench/philox_reference.py, what the formula's calls mean) on
counters and seeds that exercise 32-bit wrap-around and the seed's high word, and with Triton's
own tl.philox / tl.randint / tl.rand / tl.randn / tl.umulhi run under TRITON_INTERPRET=1."""

import numpy as np
import pytest

from tritonlift.bench import philox_reference as ref
from tritonlift.render.random_code import CALLS, helper_source

torch = pytest.importorskip("torch")

EDGES = [0, 1, 2**16 - 1, 2**16, 2**31 - 1, 2**31, 2**32 - 2, 2**32 - 1]
SEEDS = [0, 1, 12345, 2**32 - 1, 2**32, 2**40 + 17, 2**62 + 3]


def _helpers(lang: str) -> dict:
    ns: dict = {}
    head = "import numpy as np\n" if lang == "numpy" else "import torch\n"
    exec(compile(head + helper_source(set(CALLS), lang), f"<{lang} random helpers>", "exec"), ns)
    return ns


def _counters(n: int = 64) -> np.ndarray:
    rng = np.random.default_rng(7)
    return np.concatenate([np.array(EDGES, dtype=np.int64), rng.integers(0, 2**32, size=n, dtype=np.int64)])


def _np(x) -> np.ndarray:
    return np.asarray(x.numpy() if torch.is_tensor(x) else x)


def test_only_the_needed_helpers_are_emitted():
    src = helper_source({"uint_to_uniform_float", "philox0"}, "numpy")
    assert "def _philox(" in src and "def _uint_to_uniform_float(" in src and "def _mul32(" in src
    assert "def _randn(" not in src and "def _umulhi(" not in src
    assert src.index("def _u32(") < src.index("def _mul32(") < src.index("def _philox(")
    assert helper_source(set(), "torch") == ""


@pytest.mark.parametrize("lang", ["numpy", "torch"])
def test_helpers_are_bit_exact_with_the_spec_reference(lang):
    h = _helpers(lang)
    arr = (lambda a: a) if lang == "numpy" else torch.tensor
    c = _counters()
    c1, c2, c3 = np.roll(c, 1), np.roll(c, 2), np.roll(c, 3)
    for seed in SEEDS:
        got = h["_philox"](seed, arr(c), arr(c1), arr(c2), arr(c3))
        want = ref.philox(seed, c, c1, c2, c3)
        for k in range(4):
            assert np.array_equal(_np(got[k]).astype(np.int64), want[k].astype(np.int64)), (seed, k)
        assert np.array_equal(_np(h["_randint"](seed, arr(c))).astype(np.int64), ref.randint(seed, c).astype(np.int64))
        got_u = _np(h["_rand"](seed, arr(c)))
        assert got_u.dtype == np.float32 and np.array_equal(got_u.astype(np.float64), ref.rand(seed, c))
    assert np.array_equal(_np(h["_umulhi"](arr(c), arr(c1))).astype(np.int64), ref.umulhi(c, c1).astype(np.int64))
    assert np.array_equal(_np(h["_uint_to_uniform_float"](arr(c))).astype(np.float64), ref.uint_to_uniform_float(c))
    # scalar seeds and counters (a formula's arguments may all be Python ints)
    assert int(_np(h["_philox"](2**40 + 1, 2**32 - 1, 0, 0, 0)[2])) == int(ref.philox(2**40 + 1, 2**32 - 1, 0, 0, 0)[2])


@pytest.mark.interp
@pytest.mark.parametrize("lang", ["numpy", "torch"])
def test_helpers_match_triton_under_the_interpreter(lang):
    triton = pytest.importorskip("triton")
    tl = pytest.importorskip("triton.language")

    @triton.jit
    def random_kernel(C, SEED, OUT, OUT_F, N: tl.constexpr):
        i = tl.arange(0, N)
        c = tl.load(C + i).to(tl.uint32)
        seed = tl.load(SEED)
        r0, r1, r2, r3 = tl.philox(seed, c, c + 1, c + 2, c + 3)
        tl.store(OUT + i, r0.to(tl.int64))
        tl.store(OUT + N + i, r1.to(tl.int64))
        tl.store(OUT + 2 * N + i, r2.to(tl.int64))
        tl.store(OUT + 3 * N + i, r3.to(tl.int64))
        tl.store(OUT + 4 * N + i, tl.randint(seed, c).to(tl.int64))
        tl.store(OUT + 5 * N + i, tl.umulhi(c, c + 7).to(tl.int64))
        tl.store(OUT_F + i, tl.rand(seed, c))
        tl.store(OUT_F + N + i, tl.randn(seed, c))
        tl.store(OUT_F + 2 * N + i, tl.uint_to_uniform_float(c))

    h = _helpers(lang)
    c = _counters(56)  # 64 lanes
    n = c.size
    cw = (c + 7) % 2**32
    arr = (lambda a: a) if lang == "numpy" else torch.tensor
    for seed in SEEDS:
        out = torch.zeros(6 * n, dtype=torch.int64)
        out_f = torch.zeros(3 * n, dtype=torch.float32)
        random_kernel[(1,)](torch.tensor(c), torch.tensor([seed], dtype=torch.int64), out, out_f, n)
        out, out_f = out.numpy().reshape(6, n), out_f.numpy().reshape(3, n)
        got = h["_philox"](seed, arr(c), arr(c + 1), arr(c + 2), arr(c + 3))
        for k in range(4):
            assert np.array_equal(_np(got[k]).astype(np.int64), out[k]), (seed, k)
        assert np.array_equal(_np(h["_randint"](seed, arr(c))).astype(np.int64), out[4]), seed
        assert np.array_equal(_np(h["_umulhi"](arr(c), arr(cw))).astype(np.int64), out[5])
        assert np.array_equal(_np(h["_rand"](seed, arr(c))), out_f[0]), seed
        assert np.allclose(_np(h["_randn"](seed, arr(c))), out_f[1], rtol=1e-5, atol=1e-6), seed
        assert np.array_equal(_np(h["_uint_to_uniform_float"](arr(c))), out_f[2])
