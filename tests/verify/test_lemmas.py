"""Every lemma of the library is proved by induction (base, step, conclusion as separate
queries); it is false without each hypothesis it lists as needed (a bounded counterexample
exists, and the proof fails); its proof is not vacuous; its axiom form fires on its triggers."""

import pytest
import z3

from tritonlift.render.assumptions import assumptions_text
from tritonlift.verify.axioms import BY_NAME as AXIOM
from tritonlift.verify.lemmas import LEMMA, LEMMAS
from tritonlift.verify.query import Limits, Query, Status
from tritonlift.verify.solver import Cvc5Backend, Portfolio, Z3Backend

NEEDED = [(lem, h) for lem in LEMMAS for h in lem.refuted_without]


@pytest.fixture(scope="module")
def z3b():
    b = Z3Backend()
    b.check(Query("warm-up", ""))  # the worker's start-up is not a lemma's proof time
    yield b
    b.close()


@pytest.mark.parametrize("lem", LEMMAS, ids=lambda lem: lem.name)
def test_lemma_is_proved(lem, z3b):
    ans = lem.prove(z3b, limits=Limits(seconds=60))  # proved, not timed: a loaded machine is slow
    assert ans.status is Status.UNSAT, ans.reason


@pytest.mark.parametrize("lem, hyp", NEEDED, ids=lambda x: getattr(x, "name", x))
def test_lemma_is_false_without_hypothesis(lem, hyp, z3b):
    cex = z3b.check(lem.refutation((hyp,), limits=Limits(seconds=5)))
    assert cex.status is Status.SAT and cex.model, cex
    assert not lem.prove(z3b, drop=(hyp,), limits=Limits(seconds=0.5)).proved


@pytest.mark.parametrize("lem", LEMMAS, ids=lambda lem: lem.name)
def test_lemma_proof_is_not_vacuous(lem, z3b):
    assert z3b.check(lem.sanity(Limits(seconds=5))).status is Status.SAT


@pytest.mark.parametrize("lem", [lem for lem in LEMMAS if lem.setup(lem.reductions()).patterns],
                         ids=lambda lem: lem.name)
def test_axiom_form_fires_on_its_triggers(lem, z3b):
    # ∀-form with triggers, applied to fresh constants: the ground claim follows by e-matching.
    R = lem.reductions()
    st = lem.setup(R)
    fresh = [z3.Const(f"{v}_0", v.sort()) for v in st.vars]
    ground = z3.substitute(z3.And(*[h for _, h in st.hyps], z3.Not(st.claim)), *zip(st.vars, fresh, strict=True))
    assert z3b.check(Query.from_z3(lem.name, [lem.axiom(R), ground], Limits(seconds=5))).status is Status.UNSAT


def test_dropping_an_unknown_hypothesis_is_an_error():
    with pytest.raises(ValueError, match="no hypothesis"):
        LEMMA["sum_split"].obligations(drop=("N ≤ hi",))


def test_uses_name_real_axioms_and_lemmas_without_cycles():
    for lem in LEMMAS:
        for name in lem.uses:
            assert name in AXIOM or name in LEMMA, (lem.name, name)

    def depends(name, seen=()):
        assert name not in seen, f"circular proof: {' -> '.join((*seen, name))}"
        for used in (u for u in LEMMA[name].uses if u in LEMMA):
            depends(used, (*seen, name))

    for lem in LEMMAS:
        depends(lem.name)


def test_lemmas_are_listed_with_the_assumptions():
    text = assumptions_text()
    for lem in LEMMAS:
        assert f"  {lem.name}: {lem.statement}" in text


def test_every_lemma_is_also_proved_by_cvc5():
    # The second opinion reads the same SMT-LIB text (datatypes, define-funs-rec, triggers).
    # prod_split's step is (x·y)·f = x·(y·f) over products of recursive terms: nonlinear, and
    # cvc5 times out on it (measured); z3 proves it (test_lemma_is_proved). A proof that misses
    # the 1 s limit (a loaded machine) is retried with 10 s, so the machine's speed does not
    # decide the test (issue 11, point 10).
    with Portfolio(Cvc5Backend(), Cvc5Backend(fmf=True)) as cvc5:
        failed = {}
        for lem in LEMMAS:
            if lem.name == "prod_split":
                continue
            for seconds in (1, 10):
                a = lem.prove(cvc5, limits=Limits(seconds=seconds))
                if a.proved:
                    break
            else:
                failed[lem.name] = a.reason
    assert not failed, failed
