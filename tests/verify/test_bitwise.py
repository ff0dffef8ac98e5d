"""Integer bitwise operations in the prover (verify/encode.py `_bitwise`): exact arithmetic
where it is (a low-bits mask, a constant shift), an uninterpreted function otherwise, checked
against Python's own unbounded two's-complement `&`, `>>`, `<<` (negative and past-2^32 values
too); and the FlagGems dropout kernel, whose Philox counters split a 64-bit offset with `&` and
`>>`: its lifted formula holds only below 2^32, and the prover says so with the offset."""

from __future__ import annotations

from pathlib import Path

import pytest
import z3

from tritonlift.dsl import parse
from tritonlift.options import Options
from tritonlift.pipeline import lift
from tritonlift.result import Status
from tritonlift.verify.encode import Encoder
from tritonlift.verify.theory import Z3Theory

ROOT = Path(__file__).resolve().parents[2]
VALUES = [0, 1, 7, 255, 2**31 - 1, 2**32 - 1, 2**32, 2**32 + 5, 2**40 + 3, -1, -5, -(2**32) - 7]


@pytest.mark.parametrize("text, py", [
    ("x & 4294967295", lambda x: x & 0xFFFFFFFF),
    ("x & 255", lambda x: x & 255),
    ("x & 0", lambda x: 0),
    ("4294967295 & x", lambda x: x & 0xFFFFFFFF),
    ("x >> 32", lambda x: x >> 32),
    ("x >> 3", lambda x: x >> 3),
    ("(x >> 32) & 4294967295", lambda x: (x >> 32) & 0xFFFFFFFF),
    ("x << 4", lambda x: x << 4),
])
def test_exact_where_arithmetic(text, py):
    T = Z3Theory()
    enc = Encoder(T, None, {})
    e = enc.int_(parse(text))
    x = enc.var("x")
    for v in VALUES:
        got = z3.simplify(z3.substitute(e, (x, z3.IntVal(v, T.ctx))))
        assert got.as_long() == py(v), (text, v)


def test_other_operations_are_uninterpreted_but_congruent():
    T = Z3Theory()
    enc = Encoder(T, None, {})
    a, b = enc.int_(parse("x & y")), enc.int_(parse("x & z"))
    s = z3.Solver(ctx=T.ctx)
    s.add(enc.var("y") == enc.var("z"), a != b)
    assert s.check() == z3.unsat  # equal operands, equal results
    s = z3.Solver(ctx=T.ctx)
    s.add(a != enc.int_(parse("x")))
    assert s.check() == z3.sat  # and nothing more: x & y is not x


def test_dropout_formula_holds_below_two_to_the_32_only(tmp_path):
    spec = ROOT / "corpus" / "29_dropout.toml"
    r = lift(spec, Options())
    assert r.status is Status.BOUNDED
    assert "offset=" in r.reason  # the solver's model: an offset at or past 2^32
    bounded = tmp_path / "dropout_below_2_32.toml"
    text = spec.read_text().replace('offset = "offset >= 0 and offset % 4 == 0"',
                                    'offset = "offset >= 0 and offset % 4 == 0 and offset < 4294967296 - 4096"')
    text = text.replace('kernel = "flag_gems', f'# copy of {spec}\nkernel = "flag_gems')
    bounded.write_text(text)
    assert lift(bounded, Options()).status is Status.PROVED
