"""Triton's random functions as source for generated reference code (numpy and torch flavours).

The symbolic executor keeps `tl.philox`, `tl.randint`, `tl.rand`, `tl.randn`, `tl.umulhi` and
`tl.uint_to_uniform_float` as uninterpreted calls (`philox0(seed, c0, c1, c2, c3)` is output 0 of
Philox-4x32 with 10 rounds, Salmon et al., SC'11, keyed by the 64-bit seed). Reference code for a
formula that calls them must define them, standalone: these are those definitions, written from
the algorithm and bit-exact with Triton's (uint32 arithmetic wraps exactly: numpy holds uint32s
in uint64 arrays, where a 32 x 32-bit product is exact; torch has no uint64, so it holds them in
int64 tensors and multiplies with one factor split into 16-bit halves). Floats are fp32, as in
the kernel.

`CALLS` maps a call name to the expression that replaces it and the helper it needs;
`helper_source` gives the helpers a set of calls needs, dependencies first.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Helper:
    name: str
    needs: tuple[str, ...]
    numpy: str
    torch: str


HELPERS: tuple[Helper, ...] = (
    Helper("_u32", (), '''
_M32 = np.uint64(0xFFFFFFFF)


def _u32(x):
    """x modulo 2**32 (a uint32, as Triton holds it) as a uint64 array."""
    return np.asarray(x).astype(np.int64).astype(np.uint64) & _M32
''', '''
_M32 = 0xFFFFFFFF


def _u32(x):
    """x modulo 2**32 (a uint32, as Triton holds it) as an int64 tensor."""
    return torch.as_tensor(x & _M32 if isinstance(x, int) else x, dtype=torch.int64) & _M32
'''),
    Helper("_mul32", ("_u32",), '''
def _mul32(a, b):
    """High and low 32 bits of the product of two uint32s (exact in uint64)."""
    p = _u32(a) * _u32(b)
    return p >> np.uint64(32), p & _M32
''', '''
def _mul32(a, b):
    """High and low 32 bits of the product of two uint32s, in int64 without overflow:
    a·b = hi·2**16 + lo with both partial products below 2**48."""
    a, b = _u32(a), _u32(b)
    lo, hi = a * (b & 0xFFFF), a * (b >> 16)
    return (hi + (lo >> 16)) >> 16, (((hi & 0xFFFF) << 16) + lo) & _M32
'''),
    Helper("_umulhi", ("_mul32",), '''
def _umulhi(a, b):
    """tl.umulhi: the high 32 bits of the 64-bit product of two uint32s."""
    return _mul32(a, b)[0]
''', '''
def _umulhi(a, b):
    """tl.umulhi: the high 32 bits of the 64-bit product of two uint32s."""
    return _mul32(a, b)[0]
'''),
    Helper("_philox", ("_mul32",), '''
def _philox(seed, c0, c1, c2, c3):
    """tl.philox: Philox-4x32, 10 rounds, on the counters c0..c3 (mod 2**32) keyed by the 64-bit
    seed; its four uint32 outputs."""
    k0, k1 = _u32(seed), _u32(np.asarray(seed).astype(np.int64) >> 32)
    c0, c1, c2, c3 = _u32(c0), _u32(c1), _u32(c2), _u32(c3)
    for _ in range(10):
        hi_b, lo_b = _mul32(0xCD9E8D57, c2)
        hi_a, lo_a = _mul32(0xD2511F53, c0)
        c0, c1, c2, c3 = hi_b ^ c1 ^ k0, lo_b, hi_a ^ c3 ^ k1, lo_a
        k0, k1 = _u32(k0 + np.uint64(0x9E3779B9)), _u32(k1 + np.uint64(0xBB67AE85))
    return c0, c1, c2, c3
''', '''
def _philox(seed, c0, c1, c2, c3):
    """tl.philox: Philox-4x32, 10 rounds, on the counters c0..c3 (mod 2**32) keyed by the 64-bit
    seed; its four uint32 outputs."""
    k0, k1 = _u32(seed), _u32(seed >> 32)
    c0, c1, c2, c3 = _u32(c0), _u32(c1), _u32(c2), _u32(c3)
    for _ in range(10):
        hi_b, lo_b = _mul32(0xCD9E8D57, c2)
        hi_a, lo_a = _mul32(0xD2511F53, c0)
        c0, c1, c2, c3 = hi_b ^ c1 ^ k0, lo_b, hi_a ^ c3 ^ k1, lo_a
        k0, k1 = _u32(k0 + 0x9E3779B9), _u32(k1 + 0xBB67AE85)
    return c0, c1, c2, c3
'''),
    Helper("_uint_to_uniform_float", ("_u32",), '''
def _uint_to_uniform_float(x):
    """tl.uint_to_uniform_float: 32 random bits read as an int32, negatives folded (-x - 1),
    times 2**-31 (rounded) in fp32: a float32 in [0, 1)."""
    x = _u32(x).astype(np.int64)
    x = np.where(x >= 2**31, x - 2**32, x)  # the bits as an int32
    x = np.where(x < 0, -x - 1, x)
    return x.astype(np.float32) * np.float32(4.6566127342e-10)
''', '''
def _uint_to_uniform_float(x):
    """tl.uint_to_uniform_float: 32 random bits read as an int32, negatives folded (-x - 1),
    times 2**-31 (rounded) in fp32: a float32 in [0, 1)."""
    x = _u32(x)
    x = torch.where(x >= 2**31, x - 2**32, x)  # the bits as an int32
    x = torch.where(x < 0, -x - 1, x)
    return x.to(torch.float32) * torch.tensor(4.6566127342e-10, dtype=torch.float32)
'''),
    Helper("_randint", ("_philox",), '''
def _randint(seed, offset):
    """tl.randint: the first Philox output for the counter (offset, offset >> 32, 0, 0)."""
    return _philox(seed, offset, np.asarray(offset).astype(np.int64) >> 32, 0, 0)[0]
''', '''
def _randint(seed, offset):
    """tl.randint: the first Philox output for the counter (offset, offset >> 32, 0, 0)."""
    return _philox(seed, offset, torch.as_tensor(offset, dtype=torch.int64) >> 32, 0, 0)[0]
'''),
    Helper("_rand", ("_randint", "_uint_to_uniform_float"), '''
def _rand(seed, offset):
    """tl.rand: a float32 uniform in [0, 1)."""
    return _uint_to_uniform_float(_randint(seed, offset))
''', '''
def _rand(seed, offset):
    """tl.rand: a float32 uniform in [0, 1)."""
    return _uint_to_uniform_float(_randint(seed, offset))
'''),
    Helper("_randn", ("_philox", "_uint_to_uniform_float"), '''
def _randn(seed, offset):
    """tl.randn: a float32 standard normal, Box-Muller on the first two Philox outputs."""
    r0, r1, _, _ = _philox(seed, offset, np.asarray(offset).astype(np.int64) >> 32, 0, 0)
    u1 = np.maximum(np.float32(1e-7), _uint_to_uniform_float(r0))
    u2 = _uint_to_uniform_float(r1)
    return np.sqrt(np.float32(-2.0) * np.log(u1)) * np.cos(np.float32(6.283185307179586) * u2)
''', '''
def _randn(seed, offset):
    """tl.randn: a float32 standard normal, Box-Muller on the first two Philox outputs."""
    r0, r1, _, _ = _philox(seed, offset, torch.as_tensor(offset, dtype=torch.int64) >> 32, 0, 0)
    u1 = torch.clamp(_uint_to_uniform_float(r0), min=1e-7)
    u2 = _uint_to_uniform_float(r1)
    return torch.sqrt(-2.0 * torch.log(u1)) * torch.cos(6.283185307179586 * u2)
'''),
)
BY_NAME = {h.name: h for h in HELPERS}

# call name -> (expression over the comma-joined arguments, helper it needs)
CALLS: dict[str, tuple[str, str]] = {
    **{f"philox{k}": (f"_philox({{}})[{k}]", "_philox") for k in range(4)},
    "uint_to_uniform_float": ("_uint_to_uniform_float({})", "_uint_to_uniform_float"),
    "umulhi": ("_umulhi({})", "_umulhi"),
    "randint": ("_randint({})", "_randint"),
    "rand": ("_rand({})", "_rand"),
    "randn": ("_randn({})", "_randn"),
}


def helper_source(calls: set[str], lang: str) -> str:
    """Source of the helpers the calls need (and theirs), in definition order; "" for none."""
    need: set[str] = set()
    stack = [CALLS[c][1] for c in calls]
    while stack:
        h = stack.pop()
        if h not in need:
            need.add(h)
            stack.extend(BY_NAME[h].needs)
    return "".join("\n\n" * (k > 0) + getattr(h, lang).strip("\n") + "\n"
                   for k, h in enumerate(h for h in HELPERS if h.name in need))
