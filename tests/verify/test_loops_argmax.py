"""The (value, index) pair row of verify/loops_argmax.py on synthetic loop bodies: what it accepts
(a strict update under the value's own condition; a block's first index flattened) and every
near miss it must refuse (a `>=` update, another condition, an index reading a carried value, a
block index without the block start, an initial index the flat form does not give)."""

from __future__ import annotations

import math

import pytest

from tritonlift.dsl import Op, read
from tritonlift.dsl import build as b
from tritonlift.dsl.term import const, sym, var
from tritonlift.errors import Unsupported
from tritonlift.verify import loops as LP
from tritonlift.verify.lanetile import Lanes, scalar
from tritonlift.verify.loops_argmax import classify_pair

T, B = "t1", const(4)


def _block(body_of):
    """(max over the block, first index in it) of x[t·4 + b] masked past N with −∞."""
    def body(v):
        k = b.add(b.mul(var(T), B), var(v))
        return b.where(b.compare(Op.LT, k, sym("N")), body_of(k), const(-math.inf))
    return b.binder(Op.MAXR, "b1", const(0), B, body("b1")), b.binder(Op.ARGMAX, "b2", const(0), B, body("b2"))


def _pair(index_update, v0=-math.inf, i0=0, strict=Op.GT):
    """classify_pair of `i = index_update(h, v, i, argmax_in_block)` next to `v = where(h ⋈ v, h, v)`."""
    h, a = _block(lambda k: read("x", k))
    vp = LP.placeholder("v", scalar(const(v0), "fp32"), 1)
    ip = LP.placeholder("i", scalar(const(i0), "int32"), 1)
    v_new = b.where(b.compare(Op.GT, h, vp.lanes.term), h, vp.lanes.term)
    vrec = LP.classify(vp, Lanes(v_new, (), "fp32"))
    assert vrec is not None and vrec.kind == "max"
    new = Lanes(index_update(h, vp.lanes.term, ip.lanes.term, a, strict), (), "int32")
    return classify_pair(ip, new, {"v": (vp, vrec, Lanes(v_new, (), "fp32"))}, T, lambda w: True)


def _start(a):
    return b.add(b.mul(var(T), B), a)


def test_a_strict_block_argmax_is_the_flat_first_index():
    rec = _pair(lambda h, v, i, a, op: b.where(b.compare(op, h, v), _start(a), i))
    assert rec is not None and rec.flat is not None
    assert "argmax_tiles_flat" in rec.lemmas and "max_pair_step" in rec.lemmas
    closed = rec.at(var("n"), T, "u1").term
    assert closed.op is Op.ARGMAX and closed.args[0] is const(0)  # argmax over [0, 4n): no condition left
    assert "t1" not in str(closed) and "x[" in str(closed)


def test_near_misses_are_refused():
    # the last index wins (>=): not a pair
    assert _pair(lambda h, v, i, a, op: b.where(b.compare(Op.GE, h, v), _start(a), i)) is None
    # the index updated under another condition than the value
    assert _pair(lambda h, v, i, a, op: b.where(b.compare(Op.GT, h, const(0.0)), _start(a), i)) is None
    # the index reads the running value
    assert _pair(lambda h, v, i, a, op: b.where(b.compare(op, h, v), b.add(_start(a), v), i)) is None
    # the index inside the block, without the block start, from −∞: no flat form, no condition term
    with pytest.raises(Unsupported, match="'i' is the index of a running argmax"):
        _pair(lambda h, v, i, a, op: b.where(b.compare(op, h, v), a, i))
    # an initial index other than the flat range's start, from −∞
    with pytest.raises(Unsupported, match="starting from -1, not from the first index 0"):
        _pair(lambda h, v, i, a, op: b.where(b.compare(op, h, v), _start(a), i), i0=-1)


def test_a_finite_start_keeps_the_condition():
    rec = _pair(lambda h, v, i, a, op: b.where(b.compare(op, h, v), _start(a), i), v0=0.0, i0=-1)
    assert rec is not None
    closed = rec.at(var("n"), T, "u1").term
    assert closed.op is Op.WHERE and closed.args[0].op is Op.GT and closed.args[2] is const(-1)
