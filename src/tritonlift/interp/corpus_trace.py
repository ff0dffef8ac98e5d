"""Trace every public benchmark item from its host call and compare with the hand-written spec.

    python -m tritonlift.interp.corpus_trace OUT_DIR [--items 15,23_softmax] [--max-size 65537]
                                             [--budget 3] [--timeout 120] [--json FILE]

writes ``OUT_DIR/<stem>.toml`` for each item of :data:`tritonlift.interp.corpus_calls.CALLS`, lifts
it and ``corpus/<stem>.toml`` (each in a worker process with a time limit), and prints a table:
whether tracing worked, both statuses, and whether the formulas are the same once tensors and
reals are renamed through the kernel parameters both specs bind.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from .corpus_calls import CALLS, CorpusCall

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Row:
    stem: str
    traced: str  # "ok" or the reason tracing failed
    trace_seconds: float
    traced_status: str = ""
    hand_status: str = ""
    same_formula: bool = False
    traced_formula: str = ""
    hand_formula: str = ""
    kernel_same: bool = False
    extra_outputs: str = ""  # outputs the traced spec has and the hand-written one does not
    equivalent: str = ""  # when the printed formulas differ: `check` of the hand formula on the traced spec
    note: str = ""


def _request(c: CorpusCall, max_size: int, budget: float, gen_dir: Path):
    from .trace import TraceRequest, parse_real

    shapes = {k: tuple(d.strip() for d in v.split(",")) for k, v in c.shapes.items()}
    ranges = {k: tuple(v.split(":", 1)) for k, v in c.ranges.items()}
    return TraceRequest(c.call, shapes, dtypes=dict(c.dtypes), reals=[parse_real(r) for r in c.reals],
                        ranges=ranges, at=dict(c.at) or None, widen=set(c.widen), max_size=max_size,
                        constraints=list(c.constraints), autotune="all",
                        run_budget=budget, generated_dir=gen_dir,
                        command=f"python -m tritonlift.interp.corpus_trace ({c.stem})")


def _formula_parts(pretty: str | None, names: dict[str, str]) -> list[str]:
    from .compare import rename_text

    return sorted(rename_text(p.strip(), names) for p in (pretty or "").split("; ") if p.strip())


def _equivalent(traced: Path, hand_formula: str, names: dict[str, str], opts) -> str:
    """Status of `check` of the hand-written spec's formula (renamed) on the traced spec."""
    from ..check import check_formula
    from .compare import rename_text

    inverse = {v: k for k, v in names.items()}
    text = "; ".join(rename_text(line, inverse) for line in hand_formula.splitlines() if line.strip())
    try:
        r = check_formula(traced, text, opts)
        if r.status.name == "UNKNOWN" and "no input found where the values differ" in r.reason:
            return "UNKNOWN, numerically equal"
        return r.status.name
    except Exception as e:  # a formula the checker cannot take is reported, not fatal
        return f"check failed: {type(e).__name__}"


def run(out_dir: Path, calls: Sequence[CorpusCall], *, max_size: int, budget: float, timeout: float,
        corpus: Path, lift: bool = True, log=print) -> list[Row]:
    os.environ.setdefault("TRITON_INTERPRET", "1")
    from ..bench.runner import Worker
    from ..frontend.launch import load_launch
    from ..options import Options
    from .compare import renaming
    from .trace import trace

    opts = Options()
    out_dir.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    for c in calls:
        t0 = time.perf_counter()
        try:
            res = trace(_request(c, max_size, budget, opts.generated_dir), out_dir / f"{c.stem}.toml")
            row = Row(c.stem, "ok", time.perf_counter() - t0, note=c.note)
            del res
        except Exception as e:  # a failing item is a row of the table, not the end of the run
            msg = getattr(e, "message", None) or f"{type(e).__name__}: {e}"
            row = Row(c.stem, msg.splitlines()[0], time.perf_counter() - t0, note=c.note)
        rows.append(row)
        log(f"{c.stem:26} traced {row.trace_seconds:6.1f} s  {row.traced}")
    if not lift:
        return rows
    worker = Worker()
    try:
        for row in rows:
            if row.traced != "ok":
                continue
            traced, hand = out_dir / f"{row.stem}.toml", corpus / f"{row.stem}.toml"
            rt, rh = worker.run(traced, opts, timeout), worker.run(hand, opts, timeout)
            t_spec, h_spec = load_launch(traced), load_launch(hand)
            names = renaming(t_spec, h_spec)
            row.kernel_same = [s.kernel for s in t_spec.steps] == [s.kernel for s in h_spec.steps]
            row.traced_status, row.hand_status = rt.status.name, rh.status.name
            tf, hf = _formula_parts(rt.pretty, names), _formula_parts(rh.pretty, {})
            row.traced_formula, row.hand_formula = "; ".join(tf), "; ".join(hf)
            row.same_formula = bool(hf) and set(hf) <= set(tf)
            extra = [p.split("[", 1)[0] for p in tf if p not in hf]
            if row.same_formula and extra:
                row.extra_outputs = ", ".join(extra)
            if hf and tf and not row.same_formula and rh.formula:
                row.equivalent = _equivalent(traced, rh.formula, names, opts)
            if rt.reason and not row.same_formula:
                row.note = (row.note + "; " if row.note else "") + rt.reason.splitlines()[0][:160]
            log(f"{row.stem:26} {row.traced_status:11} hand {row.hand_status:11} "
                f"{'same formula' if row.same_formula else 'DIFFERENT'}")
    finally:
        worker.close()
    return rows


def table(rows: Sequence[Row]) -> str:
    head = f"{'item':26} {'trace':6} {'traced':11} {'hand':11} {'formula':9} note"
    lines = [head, "-" * len(head)]
    for r in rows:
        ok = "ok" if r.traced == "ok" else "FAIL"
        formula = "same" if r.same_formula else ("-" if ok != "ok" else "none" if not r.hand_formula
                                                   else f"~{r.equivalent}" if r.equivalent else "differs")
        note = r.traced if ok != "ok" else "; ".join(
            filter(None, [f"also outputs {r.extra_outputs}" if r.extra_outputs else "", r.note]))
        lines.append(f"{r.stem:26} {ok:6} {r.traced_status or '-':11} {r.hand_status or '-':11} {formula:9} {note}")
    traced = sum(r.traced == "ok" for r in rows)
    same = sum(r.same_formula for r in rows)
    proved = sum(r.traced_status == "PROVED" for r in rows)
    equal = sum(r.equivalent in ("PROVED", "BOUNDED") for r in rows)
    lines.append(f"{len(rows)} items: {traced} traced, {proved} traced specs PROVED, "
                 f"{same} lift to the hand-written spec's formula, {equal} more to a formula `check` finds "
                 "equal (BOUNDED/PROVED) at the checked sizes")
    lines.append("formula: same = every output of the hand-written spec printed identically (renamed); "
                 "~STATUS = printed differently, `check` of the hand formula on the traced spec; "
                 "none = neither lifts")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tritonlift.interp.corpus_trace", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="folder for the traced specs")
    ap.add_argument("--items", help="comma-separated stems or id prefixes (default: all 42)")
    ap.add_argument("--max-size", type=int, default=65537)
    ap.add_argument("--budget", type=float, default=3.0, help="seconds per run before a size stops growing")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per lift")
    ap.add_argument("--no-lift", action="store_true")
    ap.add_argument("--json", help="also write the rows as JSON")
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    a = ap.parse_args(argv)
    calls = list(CALLS)
    if a.items:
        wanted = [w.strip() for w in a.items.split(",") if w.strip()]
        calls = [c for c in calls if any(c.stem == w or c.stem.startswith(w.zfill(2) + "_") for w in wanted)]
    rows = run(Path(a.out), calls, max_size=a.max_size, budget=a.budget, timeout=a.timeout,
               corpus=Path(a.corpus), lift=not a.no_lift, log=lambda s: print(s, file=sys.stderr, flush=True))
    print(table(rows))
    if a.json:
        Path(a.json).write_text(json.dumps([asdict(r) for r in rows], indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
