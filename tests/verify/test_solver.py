"""The solver boundary: answers are records, exceptions become unknown, nothing hangs, queries
dump to SMT-LIB that both solvers read back."""

from dataclasses import dataclass

import pytest
import z3

from tritonlift.verify import engines
from tritonlift.verify.query import Answer, Limits, Query, Status, dump
from tritonlift.verify.solver import Cvc5Backend, Portfolio, Z3Backend


def _q(name, build, limits=None):
    ctx = z3.Context()
    return Query.from_z3(name, build(ctx), limits)


def _contradiction(ctx):
    a = z3.Real("a", ctx)
    return [a > 1, a < 0]


def _satisfiable(ctx):
    x = z3.Function("x", z3.IntSort(ctx), z3.RealSort(ctx))
    n = z3.Int("n", ctx)
    return [x(n) > 3, n > 2]


def _rec_sum(ctx):
    # Σ_{k<n} f(k) by recursion; the step identity is valid, so its negation is unsat.
    f = z3.Function("f", z3.IntSort(ctx), z3.RealSort(ctx))
    S = z3.RecFunction("S", z3.IntSort(ctx), z3.RealSort(ctx))
    k, n = z3.Int("k", ctx), z3.Int("n", ctx)
    z3.RecAddDefinition(S, [k], z3.If(k <= 0, z3.RealVal(0, ctx), S(k - 1) + f(k - 1)))
    return [n >= 0, S(n + 1) != S(n) + f(n)]


def _hard(ctx):
    # The rescaling step with exp(u+v) as the trigger: a known timeout (notes section 3.2).
    R, Z = z3.RealSort(ctx), z3.IntSort(ctx)
    E, x = z3.Function("E", R, R), z3.Function("x", Z, R)
    S = z3.RecFunction("S", Z, R, R)
    k, c = z3.Int("k", ctx), z3.Real("c", ctx)
    z3.RecAddDefinition(S, [k, c], z3.If(k <= 0, z3.RealVal(0, ctx), S(k - 1, c) + E(x(k - 1) - c)))
    u, v = z3.Reals("u v", ctx)
    n, a, b = z3.Int("n", ctx), z3.Real("a", ctx), z3.Real("b", ctx)
    return [z3.ForAll([u, v], E(u + v) == E(u) * E(v), patterns=[E(u + v)]), z3.ForAll([u], E(u) > 0),
            n >= 0, S(n, a) * E(a - b) == S(n, b), S(n + 1, a) * E(a - b) != S(n + 1, b)]


@pytest.fixture(scope="module", params=["z3", "z3-in-process", "cvc5"])
def backend(request):
    b = {"z3": lambda: Z3Backend(), "z3-in-process": lambda: Z3Backend(isolate=False),
         "cvc5": lambda: Cvc5Backend()}[request.param]()
    yield b
    b.close()


def test_unsat_sat_and_model(backend):
    assert backend.check(_q("c", _contradiction)).status is Status.UNSAT
    ans = backend.check(_q("s", _satisfiable))
    assert ans.status is Status.SAT
    assert dict(ans.model)["n"] == "3"
    assert ans.seconds > 0 and ans.solver.startswith(backend.name.split("[")[0])


def test_recursive_functions_cross_the_text_boundary(backend):
    q = _q("rec", _rec_sum)
    assert "(_ S" not in q.text and "define-funs-rec" in q.text
    assert backend.check(q).status is Status.UNSAT


def test_solver_errors_become_unknown(backend):
    ans = backend.check(Query("bad", "(assert (> undeclared 1.0))"))
    assert ans.status is Status.UNKNOWN
    assert "error" in ans.reason


def test_solver_output_cannot_corrupt_the_reply_channel(backend):
    chatty = '(declare-fun a () Real)(assert (> a 1.0))(check-sat)(echo "noise")(get-model)'
    ans = backend.check(Query("chatty", chatty))
    assert ans.status is Status.SAT, ans
    assert backend.check(_q("c", _contradiction)).status is Status.UNSAT


def test_timeout_is_unknown_with_reason():
    with Z3Backend() as b:
        ans = b.check(_q("hard", _hard, Limits(seconds=0.3)))
        assert ans.status is Status.UNKNOWN and "timeout" in ans.reason


def test_rlimit_stops_z3_deterministically():
    # rlimit counts z3's internal steps, so the cut-off does not depend on the machine's speed.
    with Z3Backend() as b:
        ans = b.check(_q("hard", _hard, Limits(seconds=30, rlimit=100_000)))
        assert ans.status is Status.UNKNOWN and "canceled" in ans.reason


@dataclass(frozen=True)
class _KillEarly(Limits):
    @property
    def kill_after(self) -> float:
        return 0.3


def test_hard_deadline_kills_the_worker_and_the_next_query_still_runs():
    with Z3Backend() as b:
        ans = b.check(_q("hard", _hard, _KillEarly(seconds=30)))
        assert ans.status is Status.UNKNOWN and "killed" in ans.reason
        assert b.check(_q("c", _contradiction)).status is Status.UNSAT


class _Unknown:
    name = "stub"

    def check(self, query):
        return Answer(Status.UNKNOWN, "stub gave up", 0.01, solver="stub")

    def close(self):
        pass


def test_portfolio_asks_the_next_solver_only_on_unknown():
    with Portfolio(_Unknown(), Z3Backend()) as p:
        ans = p.check(_q("c", _contradiction))
        assert ans.status is Status.UNSAT and ans.solver == "z3" and ans.seconds >= 0.01
    with Portfolio(_Unknown(), _Unknown()) as p:
        ans = p.check(_q("c", _contradiction))
        assert ans.status is Status.UNKNOWN and ans.reason.count("stub gave up") == 2


def test_dump_writes_a_script_both_solvers_replay(tmp_path):
    q = _q("rec sum/step", _rec_sum)
    path = dump(q, tmp_path)
    assert path.name == "rec_sum_step.smt2"
    text = path.read_text()
    assert text.rstrip().endswith("(check-sat)") and "(set-logic ALL)" in text
    s = z3.Solver(ctx=z3.Context())
    s.from_string(text)
    assert s.check() == z3.unsat
    body = text.split("(set-logic ALL)\n", 1)[1].replace("(check-sat)", "")
    assert engines.run_cvc5(Query("replay", body)).status is Status.UNSAT


def test_seed_makes_answers_repeatable():
    with Z3Backend() as b:
        q = _q("s", _satisfiable, Limits(seed=7))
        assert b.check(q).model == b.check(q).model
