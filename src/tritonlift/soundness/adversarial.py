"""Adversarial kernels (tests/soundness/adversarial/): small kernels written to break the prover,
one per case of issue 11's "Why" list and more in its classes, each with the verdict it deserves
and the verdict measured today (`expected.toml`).

Every entry names a *witness*: sizes (and an autotune choice) at which running the kernel under
``TRITON_INTERPRET=1`` shows the problem, in one of four ways (`confirm`):

- ``mismatch``: the kernel's output differs from the `intended` formula (what the kernel is meant
  to compute, in the DSL's text form) on random inputs;
- ``order``: the output with the grid's programs in reverse order differs from forward order;
- ``guard``: the kernel writes outside a tensor's storage;
- ``raises``: the interpreter rejects the launch (Triton's own rules).

`correct` is the verdict class the tool should reach: ``finding`` (a race, out-of-bounds access,
overflow or rejected launch reported, never PROVED), ``refuted`` (a counterexample; never PROVED),
``proved-bounded`` (PROVED only for the sizes where no overflow happens, saying so), ``error``
(the launch is rejected at the witness size). `today` is `lift`'s status on the current code,
`today_check` the status of `check` with the intended formula; `wrong_today` marks a wrong PROVED.

    python -m tritonlift.soundness adversarial [--json FILE] [NAME ...]

measures every entry again (lift, check, the interpreter at the witness) and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bases import ROOT

DIR = ROOT / "tests" / "soundness" / "adversarial"
CLASSES = ("size/pid/iteration thresholds", "block-size dependence", "integer semantics",
           "aliasing and in-place", "launches Triton rejects")
CONFIRM = ("mismatch", "order", "guard", "raises")
CORRECT = ("finding", "refuted", "proved-bounded", "error")
# A PROVED result is acceptable for a `proved-bounded` entry only if it states the bound.
BOUND_WORDS = re.compile(r"overflow|wrap", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    name: str
    cls: str
    case: str  # the "Why" case it reproduces ("" for the other kernels of a class)
    confirm: str
    witness: dict[str, int]
    correct: str
    today: str
    today_check: str
    why: str
    intended: str = ""
    choice: dict[str, int] = field(default_factory=dict)

    @property
    def spec(self) -> Path:
        return DIR / f"{self.name}.toml"

    @property
    def wrong_today(self) -> bool:
        return self.today == "PROVED"


def load_table(path: Path | None = None) -> list[Entry]:
    data = tomllib.loads((path or DIR / "expected.toml").read_text())
    out = []
    for name, e in data.items():
        out.append(Entry(name, e["class"], e.get("case", ""), e["confirm"], dict(e["witness"]), e["correct"],
                         e["today"], e.get("today_check", ""), e["why"], e.get("intended", ""),
                         dict(e.get("choice", {}))))
    return out


def _generated_dir() -> Path:
    from ..options import Options

    d = Options().generated_dir
    return d if d.exists() else ROOT / ".tritonlift_cache" / "flaggems-5.0.2"


def wrong_proved(entry: Entry, result: Any) -> bool:
    """A PROVED result for a kernel that is wrong at its witness; a `proved-bounded` entry may be
    PROVED when the result names the overflow bound (a finding, an assumption or the reason)."""
    if str(result.status) != "PROVED":
        return False
    if entry.correct == "proved-bounded":
        text = " ".join([*map(str, result.findings), *_trusted(result), result.reason])
        return not BOUND_WORDS.search(text)
    return True


def _trusted(result: Any) -> tuple[str, ...]:
    """The result's trusted facts and coverage conditions (records since schema 2)."""
    a = result.assumptions
    cov = getattr(result, "coverage", None)
    return (*a.trusted(), *a.sizes, *(cov.conditions if cov is not None else ()))


def check_wrong_proved(entry: Entry, result: Any) -> bool:
    """`check` of the intended formula PROVED although the kernel differs from it at the witness
    (a `proved-bounded` entry may be PROVED when a finding or the reason names the overflow)."""
    if str(result.status) != "PROVED":
        return False
    if entry.correct == "proved-bounded":
        return not BOUND_WORDS.search(" ".join([*map(str, result.findings), result.reason]))
    return True


def confirm(entry: Entry) -> tuple[bool, str]:
    """Whether the interpreter shows the problem at the witness, and what it saw."""
    from . import runtime

    gen = _generated_dir()
    inputs, reals = runtime.inputs_for(entry.spec, entry.witness, entry.choice, seed=7)
    fwd = runtime.run(entry.spec, entry.witness, entry.choice, inputs, reals, False, gen)
    if entry.confirm == "raises":
        ok = bool(fwd.error) and "out of bounds" not in fwd.error
        return ok, fwd.error or "the interpreter ran the launch"
    if entry.confirm == "guard":
        return "out of bounds" in fwd.error, fwd.error or "no write outside a tensor"
    if fwd.error:
        return False, f"the interpreter failed: {fwd.error}"
    if entry.confirm == "order":
        rev = runtime.run(entry.spec, entry.witness, entry.choice, inputs, reals, True, gen)
        if rev.error:
            return False, f"reverse order failed: {rev.error}"
        for name, v in fwd.outputs.items():
            n, where = runtime.differ(v, rev.outputs[name])
            if n:
                return True, f"{name} {where} (forward vs reverse), {n} elements"
        return False, "both program orders give the same output"
    from ..frontend.launch import load_launch
    from ..user_formula import parse_user_formula

    formula = parse_user_formula(entry.intended, load_launch(entry.spec))
    want = runtime.evaluate_formula(formula, entry.spec, entry.witness, inputs, reals)
    for name, v in want.items():
        n, where = runtime.differ(fwd.outputs[name], v)
        if n:
            return True, f"{name} {where} (kernel vs intended), {n} elements"
    return False, "the kernel computes the intended formula at the witness"


def measure(entry: Entry, check: bool = True) -> dict[str, Any]:
    """`lift` (and `check` of the intended formula) on the current code."""
    from ..check import check_formula
    from ..options import Options
    from ..pipeline import lift

    opts = Options(generated_dir=_generated_dir())
    r = lift(entry.spec, opts)
    out: dict[str, Any] = {"name": entry.name, "lift": str(r.status), "reason": r.reason[:200],
                           "formula": str(r.formula) if r.formula else None, "wrong_proved": wrong_proved(entry, r)}
    if check and entry.intended:
        try:
            c = check_formula(entry.spec, entry.intended, opts)
            out["check"] = str(c.status)
            out["check_wrong_proved"] = check_wrong_proved(entry, c)
            out["check_reason"] = c.reason[:200]
        except Exception as e:  # a bad formula or spec: recorded
            out["check"] = f"raised {type(e).__name__}"
    return out


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m tritonlift.soundness adversarial")
    p.add_argument("names", nargs="*")
    p.add_argument("--json", type=Path, default=None)
    p.add_argument("--no-check", action="store_true")
    a = p.parse_args(argv)
    os.environ.setdefault("TRITON_INTERPRET", "1")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    rows = []
    for e in load_table():
        if a.names and e.name not in a.names:
            continue
        m = measure(e, check=not a.no_check)
        ok, seen = confirm(e)
        m.update({"confirmed": ok, "interpreter": seen, "expected_today": e.today, "correct": e.correct})
        rows.append(m)
        flag = "WRONG PROVED" if m["wrong_proved"] else ""
        print(f"{e.name:34} lift {m['lift']:11} check {m.get('check', '-'):11} confirmed {str(ok):5} "
              f"(today {e.today}) {flag}", flush=True)
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1) + "\n")
    wrong = sum(r["wrong_proved"] for r in rows)
    print(f"adversarial: {len(rows)} kernels, wrong PROVED {wrong}, confirmed {sum(r['confirmed'] for r in rows)}")
    return 0
