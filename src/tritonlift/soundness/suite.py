"""The mutation suite: generate mutants, judge them in worker processes, classify, summarise.

Classification of one mutant (`classify`):

- behaviour (from the interpreter, against the original kernel at the judged sizes, both
  program orders): ``equivalent``, ``differing``, ``kernel-error`` (the mutant raises or writes
  outside a tensor where the original does not), ``unjudged`` (the judge stage failed);
- lift verdict: ``wrong-proved`` (PROVED, but its formula differs from the mutant's run at a
  judged size), ``wrong-bounded`` (BOUNDED, but differs at a size it says it checked),
  ``bounded-differs-beyond`` (BOUNDED, differs only past the checked sizes: allowed),
  ``proved``, ``bounded``, ``proved-unjudged``/``bounded-unjudged`` (the claimed formula could
  not be evaluated numerically), ``findings`` (FINDINGS: a bug found, for a mutant that errs or
  differs; ``findings-equivalent`` for one that does not), ``not-lifted`` (UNSUPPORTED/ERROR/UNKNOWN),
  ``timeout``, ``crash``;
- check verdict (differing and kernel-error mutants of a base whose formula matched the original
  everywhere: `check` of that intended formula against the mutant): ``refuted`` (REFUTED, or
  FINDINGS with a counterexample, whose counterexample the interpreter replays), ``refuted-no-replay``, ``wrong-proved`` (PROVED
  although the mutant differs from the intended formula), ``findings`` (FINDINGS: a bug found in
  the mutant), ``not-refuted`` (BOUNDED/UNKNOWN/...),
  ``timeout``, ``crash``, ``no-intended-formula``.

The summary line: ``soundness: N mutants, wrong-proved A, wrong-bounded B, refuted C/D differing``
where A counts wrong PROVED by `lift` or by `check`, B wrong BOUNDED at a checked size, D the
differing mutants and C those REFUTED with a counterexample that replays.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import bases as bases_mod
from .pool import Pool, Task, run_all

STATUS_LIFTED = ("PROVED", "BOUNDED")


@dataclass
class Config:
    run_dir: Path
    generated_dir: Path
    jobs: int = 2
    seed: int = 0
    per_base: int = bases_mod.DEFAULT_PER_BASE
    limit: int | None = None
    only: set[str] | None = None
    base_filter: str = ""
    timeout_base: float = 600.0
    timeout_lift: float = 120.0
    timeout_judge: float = 300.0
    timeout_check: float = 120.0
    check: bool = True
    simplify: bool = True
    progress: bool = True

    def worker_cfg(self) -> dict[str, Any]:
        return {"run_dir": str(self.run_dir), "generated_dir": str(self.generated_dir), "simplify": self.simplify}


@dataclass
class Report:
    bases: dict[str, dict[str, Any]] = field(default_factory=dict)
    mutants: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        return summarize(self.mutants)

    def to_json(self) -> dict[str, Any]:
        return {"summary": self.summary(), "bases": list(self.bases.values()), "mutants": self.mutants,
                "seconds": round(self.seconds, 1)}


def base_record(base: bases_mod.Base, run_dir: Path) -> dict[str, Any]:
    return {"ident": base.ident, "original_spec": str(bases_mod.original_spec(run_dir, base)),
            "file_name": base.file_name, "kernels": list(base.kernels),
            "flag_gems": bool(base.generated_globals) or base.module_name.startswith("flag_gems")}


def select(mutants: list[bases_mod.Mutant], limit: int | None, seed: int) -> list[bases_mod.Mutant]:
    if limit is None or limit >= len(mutants):
        return mutants
    order = list(mutants)
    random.Random(f"limit:{seed}").shuffle(order)
    keep = {m.ident for m in order[:limit]}
    return [m for m in mutants if m.ident in keep]


def run(cfg: Config, log=None) -> Report:
    log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    t0 = time.monotonic()
    root = str(bases_mod.ROOT)
    specs = [p for p in bases_mod.base_specs() if cfg.base_filter in f"{p.parent.name}/{p.stem}"]
    bases, mutants = bases_mod.generate(cfg.run_dir, cfg.generated_dir, cfg.seed, cfg.per_base, specs, cfg.only)
    mutants = select(mutants, cfg.limit, cfg.seed)
    used = {m.base for m in mutants}
    wcfg = cfg.worker_cfg()
    records = {b.ident: base_record(b, cfg.run_dir) for b in bases if b.ident in used}
    log(f"soundness: {len(mutants)} mutants of {len(records)} kernels; judging the originals")
    report = Report()
    for task, result in run_all([Task(ident, "base", (wcfg, rec), cfg.timeout_base) for ident, rec in records.items()],
                                cfg.jobs, root):
        rec = records[task.tag]
        report.bases[task.tag] = {**rec, **result} if "lift" in result else {
            **rec, "lift": {"status": result.get("status", "CRASH"), "reason": result.get("reason", "")},
            "points": [], "choices": [{}], "formula_ok": False, "failed": True}
    states = {m.ident: {"mutant": m.to_json()} for m in mutants}
    queue: list[tuple[str, str]] = [(m.ident, "lift") for m in mutants]
    done = [0]

    def next_task() -> Task | None:
        while queue:
            ident, stage = queue.pop(0)
            st = states[ident]
            base = report.bases[st["mutant"]["base"]]
            if stage == "lift":
                return Task((ident, stage), "lift", (wcfg, st["mutant"]), cfg.timeout_lift)
            if stage == "judge":
                if base.get("failed"):
                    st["judge"] = {"status": "CRASH", "reason": "the original could not be judged"}
                    _finish(ident)
                    continue
                return Task((ident, stage), "judge", (wcfg, st["mutant"], base, st["lift"]), cfg.timeout_judge)
            return Task((ident, stage), "check", (wcfg, st["mutant"], base), cfg.timeout_check)
        return None

    def _finish(ident: str) -> None:
        rec = classify(states[ident], report.bases[states[ident]["mutant"]["base"]])
        report.mutants.append(rec)
        done[0] += 1
        if cfg.progress:
            log(f"[{done[0]}/{len(mutants)}] {ident}: {rec['behaviour']}, lift {rec['lift_verdict']}"
                + (f", check {rec['check_verdict']}" if rec["check_verdict"] else ""))

    def on_result(task: Task, result: dict[str, Any]) -> None:
        ident, stage = task.tag
        st = states[ident]
        st[stage] = result
        base = report.bases[st["mutant"]["base"]]
        if stage == "lift":
            queue.insert(0, (ident, "judge"))
        elif stage == "judge":
            died = "process died" in result.get("reason", "")
            wants_check = (cfg.check and base.get("formula_ok")
                           and (result.get("differs") or result.get("kernel_error") or died))
            if wants_check:
                queue.insert(0, (ident, "check"))
            else:
                _finish(ident)
        else:
            _finish(ident)

    Pool(cfg.jobs, root).run(next_task, on_result)
    report.mutants.sort(key=lambda r: r["ident"])
    report.seconds = time.monotonic() - t0
    return report


# -- classification -------------------------------------------------------------------------------

def classify(state: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    m = state["mutant"]
    lift = state.get("lift", {})
    judge = state.get("judge", {})
    check = state.get("check")
    status = lift.get("status", "CRASH")
    if "status" in judge and "process died" in judge.get("reason", ""):
        behaviour = "kernel-error"  # the mutant's out-of-bounds writes corrupted the interpreter's heap
    elif "status" in judge:
        behaviour = "unjudged"
    elif judge.get("kernel_error"):
        behaviour = "kernel-error"
    elif judge.get("differs"):
        behaviour = "differing"
    else:
        behaviour = "equivalent"
    if status == "TIMEOUT":
        verdict = "timeout"
    elif status == "CRASH":
        verdict = "crash"
    elif status == "FINDINGS":  # a bug found (race, out-of-bounds, ...): right for a mutant that errs or differs
        verdict = "findings" if behaviour != "equivalent" else "findings-equivalent"
    elif status not in STATUS_LIFTED:
        verdict = "not-lifted"
    elif behaviour in ("unjudged", "kernel-error") and "status" in judge:
        verdict = status.lower()
    elif judge.get("formula_unevaluable") and not (judge.get("formula_wrong_checked") or judge.get("formula_wrong_eval")):
        verdict = f"{status.lower()}-unjudged"  # the claimed formula could not be evaluated
    elif status == "PROVED":
        verdict = "wrong-proved" if (judge.get("formula_wrong_checked") or judge.get("formula_wrong_eval")) else "proved"
    elif judge.get("formula_wrong_checked"):
        verdict = "wrong-bounded"
    elif judge.get("formula_wrong_eval"):
        verdict = "bounded-differs-beyond"
    else:
        verdict = "bounded"
    check_verdict = ""
    if behaviour in ("differing", "kernel-error"):
        if not base.get("formula_ok"):
            check_verdict = "no-intended-formula"
        elif check is None:
            check_verdict = "not-run"
        else:
            cs = check.get("status", "CRASH")
            if cs == "REFUTED" or cs == "FINDINGS" and check.get("counterexample"):
                check_verdict = "refuted" if check.get("replays") else "refuted-no-replay"
            elif cs == "FINDINGS":
                check_verdict = "findings"
            elif cs == "PROVED" and judge.get("intended_differs"):
                check_verdict = "wrong-proved"
            elif cs in ("TIMEOUT", "CRASH"):
                check_verdict = cs.lower()
            else:
                check_verdict = f"not-refuted ({cs})"
    why = judge.get("formula_wrong_checked") or judge.get("formula_wrong_eval") or ""
    return {"ident": m["ident"], "base": m["base"], "op": m["op"], "line": m["line"], "description": m["description"],
            "behaviour": behaviour, "lift_status": status, "lift_verdict": verdict, "check_verdict": check_verdict,
            "formula": lift.get("formula"), "lift_reason": lift.get("reason", "")[:200], "why": why,
            "difference": judge.get("difference", ""),
            "kernel_error": judge.get("kernel_error", "") or (judge.get("reason", "") if behaviour == "kernel-error" else ""),
            "order_dependent": judge.get("order_dependent", False), "judge_error": judge.get("reason", ""),
            "check": {k: v for k, v in (check or {}).items() if k != "traceback"} or None}


def summarize(records: list[dict[str, Any]]) -> dict[str, Any]:
    behaviour = Counter(r["behaviour"] for r in records)
    lift = Counter(r["lift_verdict"] for r in records)
    check = Counter(r["check_verdict"] for r in records if r["check_verdict"])
    wrong_proved = sum(r["lift_verdict"] == "wrong-proved" for r in records)
    wrong_proved_check = sum(r["check_verdict"] == "wrong-proved" for r in records)
    differing = [r for r in records if r["behaviour"] == "differing"]
    refuted = sum(r["check_verdict"] == "refuted" for r in differing)
    per_op: dict[str, dict[str, int]] = {}
    for r in records:
        row = per_op.setdefault(r["op"], Counter())
        row["mutants"] += 1
        row[r["behaviour"]] += 1
        row["wrong-proved"] += r["lift_verdict"] == "wrong-proved" or r["check_verdict"] == "wrong-proved"
        row["wrong-bounded"] += r["lift_verdict"] == "wrong-bounded"
        row["refuted"] += r["behaviour"] == "differing" and r["check_verdict"] == "refuted"
    proved_erring = sum(r["behaviour"] == "kernel-error" and r["lift_status"] == "PROVED" for r in records)
    bounded_erring = sum(r["behaviour"] == "kernel-error" and r["lift_status"] == "BOUNDED" for r in records)
    return {"mutants": len(records), "wrong_proved": wrong_proved + wrong_proved_check,
            "proved_kernel_error": proved_erring, "bounded_kernel_error": bounded_erring,
            "wrong_proved_lift": wrong_proved, "wrong_proved_check": wrong_proved_check,
            "wrong_bounded": lift["wrong-bounded"], "refuted": refuted, "differing": len(differing),
            "behaviour": dict(behaviour), "lift": dict(lift), "check": dict(check),
            "per_operator": {k: dict(v) for k, v in sorted(per_op.items())}}


def summary_line(s: dict[str, Any]) -> str:
    return (f"soundness: {s['mutants']} mutants, wrong-proved {s['wrong_proved']}, wrong-bounded {s['wrong_bounded']}, "
            f"refuted {s['refuted']}/{s['differing']} differing")


def text_report(report: Report) -> str:
    s = report.summary()
    lines = [summary_line(s)]
    b = s["behaviour"]
    lines.append(f"  behaviour: {b.get('differing', 0)} differing, {b.get('equivalent', 0)} equivalent, "
                 f"{b.get('kernel-error', 0)} kernel errors, {b.get('unjudged', 0)} unjudged")
    lines.append("  lift: " + ", ".join(f"{k} {v}" for k, v in sorted(s["lift"].items())))
    lines.append("  check (differing and kernel-error mutants): " + ", ".join(f"{k} {v}" for k, v in sorted(s["check"].items())))
    lines.append(f"  wrong PROVED: {s['wrong_proved_lift']} by lift, {s['wrong_proved_check']} by check; "
                 f"PROVED although the mutant fails under the interpreter: {s['proved_kernel_error']} "
                 f"(BOUNDED: {s['bounded_kernel_error']})")
    for r in report.mutants:
        if r["lift_verdict"] in ("wrong-proved", "wrong-bounded") or r["check_verdict"] == "wrong-proved":
            kind = r["lift_verdict"] if r["lift_verdict"] in ("wrong-proved", "wrong-bounded") else "check wrong-proved"
            lines.append(f"  {kind}: {r['ident']} ({r['description']}, line {r['line']}): {r['why'] or r['difference']}")
        elif r["behaviour"] == "kernel-error" and r["lift_status"] == "PROVED":
            lines.append(f"  PROVED, kernel error: {r['ident']} ({r['description']}): {r['kernel_error'][:160]}")
    bad_bases = [b for b in report.bases.values() if b.get("formula_mismatch") or b.get("failed")]
    for b in bad_bases:
        lines.append(f"  original {b['ident']}: lift {b['lift'].get('status')}; "
                     f"{b.get('formula_mismatch') or b['lift'].get('reason', '')[:150]}")
    lines.append(f"  {report.seconds:.0f} s")
    return "\n".join(lines)


def write_json(report: Report, path: Path) -> None:
    path.write_text(json.dumps(report.to_json(), indent=1, default=str) + "\n")
