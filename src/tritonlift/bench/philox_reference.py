"""numpy reference implementations of Triton's random functions, for the spec side of differential
testing only.

The symbolic executor keeps Philox as uninterpreted calls: ``philox<k>(seed, c0, c1, c2, c3)`` is
output ``k`` of Philox-4x32 with 10 rounds (Salmon et al., SC'11) keyed by the 64-bit seed, and
``uint_to_uniform_float`` maps 32 random bits to [0, 1) as ``tl.uint_to_uniform_float`` does. The
kernel side runs Triton's own implementation; these only evaluate the spec's Terms, bit-exact with
``tl.philox``/``tl.uint_to_uniform_float``. :data:`RANDOM_CALLS` maps the call names the Terms use
to them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_M32 = np.uint64(0xFFFFFFFF)


def _u32(x: Any) -> np.ndarray:
    return np.asarray(x).astype(np.int64).astype(np.uint64) & _M32


def philox(seed: Any, c0: Any, c1: Any, c2: Any, c3: Any, rounds: int = 10) -> list[np.ndarray]:
    """The four 32-bit outputs (as uint64 arrays) of Philox-4x32 with ``rounds`` rounds on the
    counters ``c0..c3`` (taken modulo 2**32), keyed by the 64-bit ``seed``."""
    s = np.asarray(seed).astype(np.int64).astype(np.uint64)
    k0, k1 = s & _M32, (s >> np.uint64(32)) & _M32
    c = [_u32(c0), _u32(c1), _u32(c2), _u32(c3)]
    mul_a, mul_b = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
    for _ in range(rounds):
        p0, p1 = mul_a * c[0], mul_b * c[2]  # 32 x 32 -> 64 bits: no overflow in uint64
        c = [(p1 >> np.uint64(32)) ^ c[1] ^ k0, p1 & _M32, (p0 >> np.uint64(32)) ^ c[3] ^ k1, p0 & _M32]
        k0, k1 = (k0 + np.uint64(0x9E3779B9)) & _M32, (k1 + np.uint64(0xBB67AE85)) & _M32
    return c


def uint_to_uniform_float(x: Any) -> Any:
    """32 random bits to a float in [0, 1), computed in fp32 as Triton does; float64 array (a
    Python float for a scalar)."""
    i = np.asarray(_u32(x)).astype(np.uint32).view(np.int32)
    r = np.where(i < 0, ~i, i).astype(np.float32) * np.float32(4.6566127342e-10)  # fp32, as Triton
    return r.astype(np.float64) if r.ndim else float(r)


def umulhi(a: Any, b: Any) -> Any:
    """The high 32 bits of the 64-bit product of two 32-bit unsigned integers."""
    return (_u32(a) * _u32(b)) >> np.uint64(32)


def randint(seed: Any, offset: Any) -> Any:
    """``tl.randint(seed, offset)``: the first Philox output for the 64-bit ``offset``."""
    return philox(seed, offset, np.asarray(offset).astype(np.int64) >> 32, 0, 0)[0]


def rand(seed: Any, offset: Any) -> Any:
    """``tl.rand(seed, offset)``: :func:`randint` mapped to [0, 1)."""
    return uint_to_uniform_float(randint(seed, offset))


RANDOM_CALLS: dict[str, Any] = {
    **{f"philox{k}": (lambda *a, k=k: philox(*a)[k]) for k in range(4)},
    "uint_to_uniform_float": uint_to_uniform_float,
    "umulhi": umulhi,
    "randint": randint,
    "rand": rand,
}
