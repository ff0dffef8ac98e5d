"""Terms as deep as a loop is long: resolving unreachable branches and printing need no Python
recursion, and cost time linear in the distinct sub-terms (issue 11, point 6)."""

from __future__ import annotations

from tritonlift.dsl import build
from tritonlift.dsl.printer import parse, to_text, to_text_shared
from tritonlift.dsl.term import Op, const, read, sym, undef
from tritonlift.symex.memory import UndefResolver, resolve_unreachable


def _chain(n: int):
    acc = read("x", const(0))
    for k in range(1, n):
        acc = build.add(acc, read("x", const(k)))
    return acc


def test_unreachable_undef_branch_disappears():
    c = build.compare(Op.LT, sym("N", "size"), const(3))
    a, b = read("x", const(0)), read("x", const(1))
    t = build.where(build.logical_not(c), a, build.where(c, b, undef("masked")))
    assert resolve_unreachable(t) is build.where(build.logical_not(c), a, b)


def test_reachable_undef_stays():
    c = build.compare(Op.LT, sym("N", "size"), const(3))
    t = build.where(c, read("x", const(0)), undef("masked"))
    assert resolve_unreachable(t) is t


def test_deep_where_chain_resolves_without_recursion():
    conds = [build.compare(Op.LT, read("i", const(k)), const(0)) for k in range(5000)]
    t = undef("start")
    for k, c in enumerate(conds):  # where(c_k, x[k], where(c_k, ..., ...)): inner repeats are decided
        t = build.where(c, read("x", const(k)), build.where(c, undef("never"), t))
    r = resolve_unreachable(t)
    assert not any(n.attrs == ("never",) for n in _nodes(r))
    assert any(n.attrs == ("start",) for n in _nodes(r))


def test_resolver_shares_work_between_elements():
    c = build.compare(Op.LT, sym("N", "size"), const(3))
    shared = build.where(c, _chain(3000), undef("masked"))
    res = UndefResolver()
    outs = [res.resolve(build.add(shared, read("y", const(k)))) for k in range(200)]
    assert all(o.args[0] is outs[0].args[0] for o in outs)


def test_printer_handles_long_chains():
    text = to_text(_chain(20000))
    assert text.startswith("x[0] + x[1] + ") and text.endswith(" + x[19999]")


def test_printer_unchanged_for_small_terms():
    t = build.mul(build.add(read("x", const(0)), const(1)), build.neg(sym("alpha", "real")))
    assert to_text(t) == "(x[0] + 1) * -alpha"
    assert parse(to_text(t)) is t


def test_shared_subterms_are_named_once():
    row = _chain(100)
    elems = [build.div(read("x", const(k)), row) for k in range(50)]
    defs, texts = to_text_shared(elems)
    assert len(defs) == 1 and defs[0] == ("$1", to_text(row))
    assert texts[7] == "x[7] / $1"
    assert sum(map(len, texts)) < 20 * len(texts)  # linear, not 50 copies of the row
    # short shared terms print in full, exactly as to_text
    small = [build.add(read("x", const(0)), read("x", const(k))) for k in range(3)]
    assert to_text_shared(small) == ([], [to_text(t) for t in small])


def _nodes(t):
    from tritonlift.dsl.term import walk

    return list(walk(t))
