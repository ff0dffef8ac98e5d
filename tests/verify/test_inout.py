"""The read-before-write obligation (verify/inout.py): loads of an `inout` tensor read its values
from before the launch.

- In-place kernels that read each element before their own program overwrites it are PROVED
  (`inplace_double`), and rope's in-place rotation (corpus 41) discharges every read-before-write
  pair; the rest of rope's proof (decoding a row index that spans two axes) is not there yet.
- A kernel whose program reads an element a neighbour overwrites (a race) is never PROVED, and it
  is this obligation that stops it: without it, the value and coverage obligations go through.
- The ordering rule itself, on accesses built by hand: iterations of a shared loop compare
  lexicographically, program order decides between sibling loops, and a loop variable name that
  may stand for two loops is never trusted unless the caller says names are fresh.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import z3

from tritonlift.dsl import build
from tritonlift.dsl.term import Op, const, sym, var
from tritonlift.options import Options
from tritonlift.pipeline import lift, load
from tritonlift.result import Status
from tritonlift.verify import inout
from tritonlift.verify import prove as prove_module
from tritonlift.verify.encode import Encoder
from tritonlift.verify.inout import read_before_write
from tritonlift.verify.lanebuiltins import Access
from tritonlift.verify.obligations import World, layouts
from tritonlift.verify.prove import ProveConfig, prove
from tritonlift.verify.query import Limits
from tritonlift.verify.sizemodel import SizeModel
from tritonlift.verify.solver import default_backend
from tritonlift.verify.theory import Z3Theory

ROOT = Path(__file__).resolve().parents[2]
KERNELS, BUGGY = ROOT / "tests" / "kernels", ROOT / "tests" / "kernels" / "buggy"
ROPE = ROOT / "corpus" / "41_liger_rope.toml"


@pytest.fixture(scope="module")
def config():
    with default_backend() as backend:
        yield ProveConfig(backend=backend)


def _lifted(path: Path):
    r = lift(path, Options(prove=False, simplify=False))
    assert r.status is Status.BOUNDED and r.formula is not None, r.reason
    return r.formula


@pytest.fixture(scope="module")
def rope(config):
    pytest.importorskip("liger_kernel")
    return prove(load(ROPE), _lifted(ROPE), config=config)


# -- kernels ----------------------------------------------------------------------------------------

def test_an_in_place_kernel_that_reads_its_own_block_first_is_proved(config):
    path = KERNELS / "inplace_double.toml"
    v = prove(load(path), _lifted(path), config=config)
    assert v.status is Status.PROVED, v.explain()
    rbw = [o for o in v.obligations if o.kind == "read-before-write"]
    assert len(rbw) == 1 and rbw[0].status == "proved"


# what the in-place shift means (lifting it now finds the race under the reverse program order and
# gives no formula; the prover must refuse the intended one on its own)
NEIGHBOUR = "x[i] = where(i + 1 < N, 2 * x_old[i + 1], 0)"


def _neighbour():
    from tritonlift.check import parse_user_formula

    path = BUGGY / "inplace_neighbour.toml"
    spec = load(path)
    return spec, parse_user_formula(NEIGHBOUR, spec)


def test_lifting_the_in_place_shift_finds_the_race():
    r = lift(BUGGY / "inplace_neighbour.toml", Options(prove=False, simplify=False))
    assert r.status is Status.FINDINGS and r.bugs and r.bugs[0].kind == "race", r.reason


def test_a_read_of_the_neighbours_element_in_place_is_never_proved(config):
    v = prove(*_neighbour(), config=config)
    assert v.status in (Status.UNKNOWN, Status.REFUTED), v.explain()
    bad = v.failed
    assert bad is not None and bad.kind == "read-before-write" and bad.status == "failed"
    assert "rw.p0" not in bad.answer and "store at p0=" in bad.answer  # the two programs, by name


def test_without_read_before_write_the_racy_kernel_would_be_proved(config, monkeypatch):
    """What the obligation protects: every other obligation holds for the racy kernel."""
    monkeypatch.setattr(prove_module, "read_before_write", lambda *args, **kwargs: [])
    v = prove(*_neighbour(), config=config)
    assert v.status is Status.PROVED, v.explain()


def test_rope_reads_q_and_k_before_writing_them(rope):
    v = rope
    rbw = [o for o in v.obligations if o.kind == "read-before-write"]
    assert len(rbw) == 8, v.explain()  # two loads × two stores, for q and for k
    assert all(o.status == "proved" for o in rbw), v.explain()
    assert v.status is not Status.UNSUPPORTED


def test_rope_is_proved(rope):
    # rope's row index p = b·S + s spans two axes of q: decoded by carrying into (p div S, p mod S)
    assert rope.status is Status.PROVED, rope.explain()


# -- the ordering rule, on hand-built accesses --------------------------------------------------------

N = sym("N", "size")


@pytest.fixture(scope="module")
def backend():
    with default_backend() as b:
        yield b


def _world(backend, programs: int = 1) -> World:
    spec = load(KERNELS / "inplace_double.toml")  # x = inout f32[N]
    T = Z3Theory()
    model = SizeModel.build(spec, T)
    enc = Encoder(T, model, {n: d.dtype for n, d in spec.tensors.items()})
    w = World(T, model, enc, layouts(spec, model), backend, Limits(seconds=1.0))
    w.grid = (z3.IntVal(programs, T.ctx),)
    return w


def _at(kind: str, index, loops=()) -> Access:
    """A scalar access to x[index] (no lanes), inside `loops` ((variable, trip count), outermost first)."""
    return Access(kind, "x", index, (index,), const(True), (), const(0.0) if kind == "store" else None, None,
                  "strides", tuple(loops))


def _statuses(backend, accesses, programs: int = 1, **kw) -> list[str]:
    return [o.status for o in read_before_write(_world(backend, programs), accesses, **kw)]


TI, TJ = var("i"), var("j")
LOOP_I, LOOP_J = ("i", N), ("j", N)


@pytest.mark.parametrize(("accesses", "conservative", "fresh"), [
    # for i: v = x[i]; x[i] = f(v)
    ([_at("load", TI, [LOOP_I]), _at("store", TI, [LOOP_I])], "proved", "proved"),
    # for i: x[i] = ...; v = x[i + 1]: iteration i + 1 writes x[i + 1] after iteration i read it
    ([_at("store", TI, [LOOP_I]), _at("load", build.add(TI, const(1)), [LOOP_I])], "failed", "proved"),
    # for i: v = x[i]; x[i + 1] = ...: iteration i overwrites what iteration i + 1 then reads
    ([_at("load", TI, [LOOP_I]), _at("store", build.add(TI, const(1)), [LOOP_I])], "failed", "failed"),
    # for i: x[i] = ...; v = x[i]: reads back its own store
    ([_at("store", TI, [LOOP_I]), _at("load", TI, [LOOP_I])], "failed", "failed"),
    # for i: v = x[i]; then for j: x[j] = ...: the reading loop finishes first
    ([_at("load", TI, [LOOP_I]), _at("store", TJ, [LOOP_J])], "proved", "proved"),
    # for j: x[j] = ...; then for i: v = x[i]
    ([_at("store", TJ, [LOOP_J]), _at("load", TI, [LOOP_I])], "failed", "failed"),
    # x[0] = ...; then for i: v = x[i]
    ([_at("store", const(0)), _at("load", TI, [LOOP_I])], "failed", "failed"),
    # for i: for j: v = x[j]; then (in i) x[i] = ...: iteration i stores x[i], which iteration i + 1 reads
    ([_at("load", TJ, [LOOP_I, LOOP_J]), _at("store", TI, [LOOP_I])], "failed", "failed"),
])
def test_the_store_must_come_after_the_load(backend, accesses, conservative, fresh):
    assert _statuses(backend, accesses) == [conservative]
    assert _statuses(backend, accesses, fresh_loops=True) == [fresh]


def test_a_loop_variable_named_twice_is_not_trusted_to_be_one_loop(backend):
    """`for i: x[i] = ...` then a second `for i: v = x[i + 1]`: the first loop has written x[i + 1]
    before the second starts. Read as one loop (names fresh) it would pass; the default refuses."""
    accesses = [_at("store", TI, [LOOP_I]), _at("load", build.add(TI, const(1)), [LOOP_I])]
    assert _statuses(backend, accesses) == ["failed"]


def test_different_programs_may_not_share_an_element(backend):
    p = var("p0")
    own = [_at("load", p), _at("store", p)]
    assert _statuses(backend, own, programs=4) == ["proved"]
    other = [_at("load", build.sub(const(3), p)), _at("store", p)]  # program p reads what 3 − p writes
    assert _statuses(backend, other, programs=4) == ["failed"]


def test_masks_limit_the_elements_touched(backend):
    p = var("p0")
    ld = _at("load", build.add(p, const(1)))
    ld = Access(ld.kind, ld.tensor, ld.offset, ld.index, build.compare(Op.LT, build.add(p, const(1)), const(1)), (), None,
                None, "strides")  # masked off everywhere: p + 1 < 1 never holds for p ≥ 0
    assert _statuses(backend, [ld, _at("store", p)], programs=4) == ["proved"]


def test_too_many_pairs_are_left_unknown(backend, monkeypatch):
    monkeypatch.setattr(inout, "MAX_PAIRS", 1)
    accesses = [_at("load", TI, [LOOP_I]), _at("load", TI, [LOOP_I]), _at("store", TI, [LOOP_I])]
    assert _statuses(backend, accesses) == ["unknown"]


def test_a_load_after_an_earlier_launch_wrote_the_tensor_is_left_unknown(backend):
    accesses = [_at("load", TI, [LOOP_I])]
    assert _statuses(backend, accesses) == []  # no store in this launch: nothing to check
    w = _world(backend)
    assert [o.status for o in read_before_write(w, accesses, stored_before={"x"})] == ["unknown"]
