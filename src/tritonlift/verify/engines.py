"""Running one query in this process, on z3 or on cvc5. The worker process calls these too.

Each run builds a fresh solver context from the query's text, so no state leaks from one query to
the next and the answer depends only on the text, the limits and the seed. Any exception a solver
raises (parse errors, unsupported constructs, resource exhaustion) is turned into `unknown` here.
"""

from __future__ import annotations

import threading

from .query import Answer, Query, Status

# cvc5 settings for the second opinion; `fmf-fun` finds counterexamples through recursive
# definitions that default cvc5 reports as unknown (solvers-and-egraphs notes, section 4.1).
CVC5_DEFAULT: tuple[tuple[str, str], ...] = ()
CVC5_FMF: tuple[tuple[str, str], ...] = (("fmf-fun", "true"),)

_MODEL_VALUE_CHARS = 400


def run_z3(query: Query, interrupt_after: float | None = None) -> Answer:
    """Check `query` with z3. `interrupt_after` (seconds) arms a watchdog thread that interrupts
    z3 if its own timeout has not stopped it; used when running without a worker process."""
    import z3

    lim = query.limits
    try:
        ctx = z3.Context()
        s = z3.Solver(ctx=ctx)
        s.set("timeout", max(1, int(lim.seconds * 1000)))
        s.set("random_seed", lim.seed)
        if lim.rlimit:
            s.set("rlimit", lim.rlimit)
        s.from_string(query.text)
        timer = threading.Timer(interrupt_after, ctx.interrupt) if interrupt_after else None
        if timer:
            timer.daemon = True
            timer.start()
        try:
            r = s.check()
        finally:
            if timer:
                timer.cancel()
        if r == z3.unsat:
            return Answer(Status.UNSAT, solver="z3")
        if r == z3.sat:
            return Answer(Status.SAT, model=_z3_model(s.model()), solver="z3")
        return Answer(Status.UNKNOWN, reason=s.reason_unknown() or "unknown", solver="z3")
    except Exception as e:  # the solver boundary: nothing escapes as an exception
        return Answer(Status.UNKNOWN, reason=f"z3 error: {_one_line(e)}", solver="z3")


def _z3_model(m) -> tuple[tuple[str, str], ...]:
    out = []
    for d in m.decls():
        name = d.name()
        if "!" in name or "-" in name:  # z3's auxiliary symbols (fold-rec-1, k!0, ...)
            continue
        out.append((name, _clip(str(m[d]))))
    return tuple(sorted(out))


def run_cvc5(query: Query, options: tuple[tuple[str, str], ...] = CVC5_DEFAULT) -> Answer:
    """Check `query` with cvc5 through its SMT-LIB parser."""
    import cvc5

    lim = query.limits
    tag = "cvc5" + "".join(f"[{k}={v}]" for k, v in options)
    try:
        tm = cvc5.TermManager()
        s = cvc5.Solver(tm)
        s.setOption("produce-models", "true")
        s.setOption("tlimit-per", str(max(1, int(lim.seconds * 1000))))
        s.setOption("seed", str(lim.seed))
        s.setOption("sat-random-seed", str(lim.seed))
        for k, v in options:
            s.setOption(k, v)
        sm = cvc5.SymbolManager(tm)
        parser = cvc5.InputParser(s, sm)
        # The query has no set-logic (z3 does not print one); cvc5 needs a logic before the first
        # declaration, and ALL covers quantifiers, datatypes, recursive definitions and NRA.
        parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, "(set-logic ALL)\n" + query.text, query.name)
        while True:
            cmd = parser.nextCommand()
            if cmd.isNull():
                break
            cmd.invoke(s, sm)
        r = s.checkSat()
        if r.isUnsat():
            return Answer(Status.UNSAT, solver=tag)
        if r.isSat():
            model = tuple(sorted((str(t), _clip(str(s.getValue(t)))) for t in sm.getDeclaredTerms()))
            return Answer(Status.SAT, model=model, solver=tag)
        return Answer(Status.UNKNOWN, reason=r.getUnknownExplanation().name.lower(), solver=tag)
    except Exception as e:
        return Answer(Status.UNKNOWN, reason=f"cvc5 error: {_one_line(e)}", solver=tag)


def run(engine: str, query: Query, options: tuple[tuple[str, str], ...] = ()) -> Answer:
    if engine == "z3":
        return run_z3(query)
    if engine == "cvc5":
        return run_cvc5(query, options)
    return Answer(Status.UNKNOWN, reason=f"no solver named {engine!r}")


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MODEL_VALUE_CHARS else text[: _MODEL_VALUE_CHARS - 3] + "..."


def _one_line(e: BaseException) -> str:
    msg = " ".join(str(e).split()) or type(e).__name__
    return msg[:300]
