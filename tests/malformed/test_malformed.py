"""The malformed-input suite (issue 12): every case ends with the documented exit code, no
traceback, no internal error, one diagnostic on stderr located at a file and line (or a file and
key, or the flag of a usage error), and within the hang bound (an alarm in this process, a
timeout for the few run as subprocesses).

Cases are generated in cases.py by mutating the well-formed fixtures (fixtures.py) in the
categories of the issue; `python -m pytest tests/malformed -q` runs them in about half a minute.
"""

from collections import Counter

import pytest

from .cases import INPUT, NOT_PROVED, OK, UNSUPPORTED, Case, all_cases
from .runner import problems, run, setup

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.category}/{c.id}" for c in CASES])
def test_malformed_input(case: Case, tmp_path):
    setup(case, tmp_path)
    outcome = run(case, tmp_path)
    assert problems(case, outcome) == [], outcome.stderr


def test_the_suite_covers_the_categories_of_the_issue():
    counts = Counter(c.category for c in CASES)
    assert len(CASES) >= 300
    assert {"paths", "kernel files", "syntax errors", "unsupported constructs", "wrong types", "unknown keys",
            "typos", "cycles", "division by zero", "contradictions", "power towers", "huge", "deep formulas",
            "formulas", "flags", "toml syntax"} == set(counts)
    assert min(counts.values()) >= 10
    assert len({c.id for c in CASES}) == len(CASES)
    assert {c.code for c in CASES} == {1, INPUT, NOT_PROVED, UNSUPPORTED}
    assert sum(c.subprocess for c in CASES) >= 5
    assert all(c.code != OK for c in CASES)


@pytest.mark.parametrize("spec", ["k.toml", "row.toml", "two.toml", "fn.toml"])
def test_the_fixtures_are_well_formed(spec, tmp_path):
    base = Case("fixture", "fixture", ("lift", "--launch", spec), OK, None)
    setup(base, tmp_path)
    outcome = run(base, tmp_path)
    assert outcome.code == 0 and "PROVED" in outcome.stdout and outcome.stderr == "", outcome.stderr
