"""pytest plugin (registered through the `pytest11` entry point): assertions for kernel tests.

    from pathlib import Path
    from tritonlift.pytest_plugin import assert_lifts, assert_proved

    HERE = Path(__file__).parent

    def test_softmax_kernel():
        assert_lifts(None, HERE / "softmax.toml", "y[i, j] = exp(x[i, j]) / sum(l, 0, N, exp(x[i, l]))")

    def test_softmax_is_proved():
        assert_proved(None, HERE / "softmax.toml")

The same functions are on the `tritonlift` fixture (`tritonlift.assert_lifts(...)`). `kernel` is
`path.py::name` or `package.module:name` (None: the launch spec's own); relative paths are
relative to the working directory, as on the command line. A failed assertion shows the
status, the lifted formula, the reason and any counterexample; a bad launch spec or formula
raises its located TritonLiftError.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

PathLike = str | Path


def assert_lifts(kernel: str | None, launch: PathLike, formula: str | None = None, *, proved: bool = False,
                 timeout: float | None = None) -> None:
    """The kernel lifts (BOUNDED or better; PROVED with `proved=True`) and, when `formula` is
    given, computes it: the lifted formula is that text, or `check` of the text is BOUNDED or
    better (PROVED with `proved=True`)."""
    __tracebackhide__ = True
    from . import api
    from .result import Status

    r = api.lift(launch, kernel, timeout=timeout)
    want = Status.PROVED if proved else Status.BOUNDED
    if r.status > want:
        raise AssertionError(_lift_failure(r, f"expected {want} or better"))
    if formula is None:
        return
    if _same_text(formula, r):
        return
    c = api.check(launch, formula, kernel, prove=proved, timeout=timeout)
    if c.status > want:
        raise AssertionError(_check_failure(c, r, formula, f"expected {want} or better"))


def assert_proved(kernel: str | None, launch: PathLike, formula: str | None = None, *,
                  timeout: float | None = None) -> None:
    """PROVED for every size the launch spec allows: the lifted formula (no `formula`), or the
    given formula checked against the kernel."""
    __tracebackhide__ = True
    from . import api
    from .result import Status

    if formula is None:
        r = api.lift(launch, kernel, timeout=timeout)
        if r.status is not Status.PROVED:
            raise AssertionError(_lift_failure(r, "expected PROVED"))
        return
    c = api.check(launch, formula, kernel, timeout=timeout)
    if c.status is not Status.PROVED:
        raise AssertionError(_check_failure(c, None, formula, "expected PROVED"))


@pytest.fixture
def tritonlift() -> SimpleNamespace:
    """The assertions and the API in one object: `tritonlift.assert_lifts(...)`,
    `tritonlift.assert_proved(...)`, `tritonlift.lift(...)`, `tritonlift.check(...)`."""
    from . import api

    return SimpleNamespace(assert_lifts=assert_lifts, assert_proved=assert_proved, lift=api.lift,
                           check=api.check, load_launch=api.load_launch)


def _same_text(formula: str, r) -> bool:
    from .user_formula import split_equations

    def norm(s: str) -> str:
        return "".join(s.split())

    want = sorted(norm(eq) for eq in split_equations(formula))
    for f in (r.formula, r.lifted):
        if f is not None and sorted(norm(str(o)) for o in f.outputs) == want:
            return True
    return False


def _lift_failure(r, expectation: str) -> str:
    lines = [f"tritonlift: {r.launch}: {r.status} ({expectation})"]
    if r.formula is not None:
        lines += [f"  lifted: {o}" for o in r.formula.outputs]
    if r.error is not None:
        lines.append("  " + str(r.error).replace("\n", "\n  "))
    elif r.reason:
        lines.append(f"  reason: {r.reason}")
    lines += [f"  finding: {f}" for f in r.findings if f.bug]
    return "\n".join(lines)


def _check_failure(c, r, formula: str, expectation: str) -> str:
    lines = [f"tritonlift: {c.launch}: the formula is {c.status} ({expectation})", f"  expected: {formula}"]
    if r is not None and r.formula is not None:
        lines += [f"  lifted:   {o}" for o in r.formula.outputs]
    if c.counterexample is not None:
        from .render.check_text import counterexample_text

        lines.append(f"  counterexample: {counterexample_text(c.counterexample)}")
    if c.error is not None:
        lines.append("  " + str(c.error).replace("\n", "\n  "))
    elif c.reason:
        lines.append(f"  reason: {c.reason}")
    lines += [f"  finding: {f}" for f in c.findings if f.bug]
    return "\n".join(lines)
