"""Fixed-width integers in the executor: concrete integer lanes wrap exactly as Triton's do.

Concrete integer lanes are kept as int64 numbers (`values.Tile`). Every integer operation of the
executor ends in `wrap`: the value is reduced into its dtype's range, two's complement for signed
types and modulo 2**bits for unsigned ones (an int8 `127 + 1` is `-128`, a uint32 `1 - 3` is
`2**32 - 2`). Reducing after the exact int64 operation gives Triton's result for `+ - *` and `<<`
because wrap-around is a ring homomorphism (the low bits of a sum or product depend only on the
low bits of the operands); `//`, `%`, comparisons and `>>` act on operands that are already in
range, so they agree too.

Symbolic lanes (terms over input data) are left as mathematical integers; only their constant
lanes (`Op.CONST` terms) are wrapped. Whether a symbolic intermediate can leave its range is the
prover's question (`verify.intwidth`). int64 lanes wrap by themselves in numpy's int64 storage
(constant Terms are reduced here); uint64 is not modelled (values past 2**63 do not fit the storage).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dsl.term import Op, Term, const

# Triton's integer dtypes: (bits, signed). int1 (bool) is never wrapped: it is stored as bool.
INT_BITS: dict[str, tuple[int, bool]] = {
    "int8": (8, True), "int16": (16, True), "int32": (32, True), "int64": (64, True),
    "uint8": (8, False), "uint16": (16, False), "uint32": (32, False), "uint64": (64, False),
}
_NARROW = {"int8": np.int8, "int16": np.int16, "int32": np.int32,
           "uint8": np.uint8, "uint16": np.uint16, "uint32": np.uint32}


def int_promote(a: str, b: str) -> str:
    """C's usual arithmetic conversions, as Triton applies them to two integer dtypes: the same
    signedness gives the wider type; otherwise the unsigned type wins unless the signed one is
    strictly wider (int32 with uint32 is uint32, int64 with uint32 is int64)."""
    if a == b or a == "int1":
        return b
    if b == "int1" or b not in INT_BITS:
        return a
    if a not in INT_BITS:
        return b
    (wa, sa), (wb, sb) = INT_BITS[a], INT_BITS[b]
    if sa == sb:
        return a if wa >= wb else b
    if not sa:
        return a if wa >= wb else b
    return b if wb >= wa else a


def int_range(dtype: str) -> tuple[int, int]:
    bits, signed = INT_BITS[dtype]
    return (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)


def wrap_value(v: int, dtype: str) -> int:
    """One Python integer reduced into `dtype`'s range (uint64 and non-integer dtypes: unchanged)."""
    if dtype not in _NARROW and dtype != "int64":
        return v
    bits, signed = INT_BITS[dtype]
    r = v & ((1 << bits) - 1)
    return r - (1 << bits) if signed and r >= 1 << (bits - 1) else r


def wrap_term(t: Any, dtype: str) -> Any:
    """A lane (Term) reduced into `dtype`'s range when it is an integer constant."""
    if isinstance(t, Term) and t.op is Op.CONST and isinstance(t.value, int) and not isinstance(t.value, bool):
        w = wrap_value(t.value, dtype)
        return t if w == t.value else const(w)
    return t


def wrap(data: np.ndarray, dtype: str) -> np.ndarray:
    """Lanes of an integer tile reduced into `dtype`'s range: every lane of a numeric (int64)
    array, the constant lanes of an object array; other arrays and dtypes are returned as they are."""
    if dtype not in _NARROW and not (dtype == "int64" and data.dtype == object):
        return data
    if data.dtype == object:
        if not any(isinstance(t, Term) and t.op is Op.CONST for t in data.reshape(-1)):
            return data
        fn = np.frompyfunc(lambda t: wrap_term(t, dtype), 1, 1)
        out = fn(data)
        if not isinstance(out, np.ndarray):
            arr = np.empty((), dtype=object)
            arr[()] = out
            return arr
        return out
    if data.dtype.kind not in "iu" or dtype == "int64":
        return data
    # numpy's int64 -> narrower integer conversion keeps the low bits (modular, well defined)
    return np.asarray(data).astype(_NARROW[dtype]).astype(np.int64)


def check_scalar(v: int, dtype: str) -> None:
    """A Python int operand next to an integer tile is converted to the tile's type; Triton
    rejects values that do not fit (and negative values next to an unsigned tile)."""
    lo, hi = int_range(dtype)
    if not lo <= v <= hi:
        if v < 0 and lo == 0:
            raise TypeError(f"cannot combine an unsigned {dtype} tile with the negative scalar {v} "
                            "(Triton requires an explicit cast)")
        raise TypeError(f"the scalar {v} is out of range for {dtype}")
