"""The stages that judge one base or one mutant (run in worker processes, see `pool`).

Every stage takes and returns plain data (dicts of str/int/float/list), so it crosses a pipe.

- `stage_base`: lift the base's original copy; pick the judged sizes (`sizes.plan`); run the
  original under the interpreter at every judged size, autotune choice and program order and
  cache the outputs (`<run>/refs/`; other sizes are run and cached when a mutant needs them);
  check the base's formula against them. The base's formula is
  the *intended* formula of its mutants when it matches everywhere.
- `stage_lift`: `pipeline.lift` on a mutant's spec.
- `stage_judge`: run the mutant at the judged sizes (and, for a BOUNDED result, at the sizes
  its lift says it checked) in both orders; compare with the original (equivalent, differing, kernel error, order
  dependent) and with the formula its lift claimed (wrong PROVED, wrong BOUNDED at a checked
  size, BOUNDED but different past the checked sizes).
- `stage_check`: `tritonlift check` of the intended formula against a differing mutant; a
  REFUTED counterexample is replayed under the interpreter (the mutant at the counterexample's
  sizes on its inputs) and counts only if the interpreter's value differs from the formula's.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import pickle
import time
import zlib
from pathlib import Path
from typing import Any

import numpy as np

MAX_CHOICES = 4  # autotune combinations judged per size


def _opts(cfg: dict[str, Any]):
    from ..options import Options

    return Options(generated_dir=Path(cfg["generated_dir"]), strategy=cfg.get("strategy", "both"),
                   simplify=cfg.get("simplify", True))


def _key(point: dict[str, int], choice: dict[str, int], reverse: bool) -> str:
    text = json.dumps([point, choice, reverse], sort_keys=True)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def _seed(point: dict[str, int], choice: dict[str, int]) -> int:
    return 1 + zlib.crc32(json.dumps([point, choice], sort_keys=True).encode()) % 100_000


def _choices(spec_path: str) -> list[dict[str, int]]:
    from ..frontend.concrete import autotune_params
    from ..frontend.launch import load_launch

    params = autotune_params(load_launch(spec_path))
    names = list(params)
    combos = itertools.product(*(range(params[n]) for n in names))
    return [dict(zip(names, c, strict=True)) for c in itertools.islice(combos, MAX_CHOICES)] or [{}]


def _parse(text: str | None, spec_path: str):
    if not text:
        return None
    from ..frontend.launch import load_launch
    from ..user_formula import parse_user_formula

    try:
        return parse_user_formula(text, load_launch(spec_path))
    except Exception:
        return None


def _formula_text(r) -> str | None:
    return str(r.formula) if r.formula is not None else None


def lift_summary(spec_path: str, cfg: dict[str, Any]) -> dict[str, Any]:
    from ..pipeline import lift

    t0 = time.monotonic()
    try:
        r = lift(spec_path, _opts(cfg))
    except Exception as e:  # a bug of the pipeline: recorded, never fatal to the suite
        return {"status": "CRASH", "reason": f"{type(e).__name__}: {e}"[:300], "seconds": time.monotonic() - t0}
    formula = _formula_text(r)
    if formula is not None and _parse(formula, spec_path) is None and r.lifted is not None:
        formula = str(r.lifted)  # the simplified text does not parse back: judge the lifted form
    return {"status": str(r.status), "reason": r.reason[:400], "formula": formula,
            "checked_sizes": [dict(s) for s in r.checked_sizes], "findings": [str(f) for f in r.findings][:5],
            "seconds": round(time.monotonic() - t0, 3)}


# -- reference outputs (the original kernel) -----------------------------------------------------

def _ref_path(run_dir: str, base: str, key: str) -> Path:
    return Path(run_dir) / "refs" / base.replace("/", "__") / f"{key}.pkl"


def _run_point(spec_path: str, point: dict[str, int], choice: dict[str, int], reverse: bool, cfg: dict[str, Any],
               inputs: tuple[dict, dict] | None = None):
    from . import runtime

    if inputs is None:
        inputs = runtime.inputs_for(spec_path, point, choice, _seed(point, choice))
    return runtime.run(spec_path, point, choice, inputs[0], inputs[1], reverse, Path(cfg["generated_dir"])), inputs


def reference(cfg: dict[str, Any], base: dict[str, Any], point: dict[str, int], choice: dict[str, int],
              reverse: bool):
    """The original kernel's run at one judged size (cached on disk)."""
    path = _ref_path(cfg["run_dir"], base["ident"], _key(point, choice, reverse))
    if path.exists():
        return pickle.loads(path.read_bytes())
    run, _ = _run_point(base["original_spec"], point, choice, reverse, cfg)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(run))
    return run


def _prepare(cfg: dict[str, Any], base: dict[str, Any]) -> None:
    if base.get("flag_gems"):
        from ..bench.flaggems_gen import ensure_flag_gems

        ensure_flag_gems(Path(cfg["generated_dir"]) / ".flaggems")


def _compare_formula(formula, spec_path: str, point, inputs, run) -> tuple[int, str]:
    """Elements where the formula differs from a run (0 when it agrees; -1 when the formula has
    no reference code). A formula that cannot be evaluated at these sizes although the kernel
    runs (an argmax over an empty range) differs from the kernel there."""
    from . import runtime

    try:
        fn = runtime.formula_function(formula, spec_path)
    except Exception as e:
        return -1, f"no reference code for the formula: {type(e).__name__}: {e}"[:200]
    try:
        values = runtime.evaluate_formula(formula, spec_path, point, inputs[0], inputs[1], fn)
    except Exception as e:
        return max(1, sum(v.size for v in run.outputs.values())), f"the formula is undefined here ({type(e).__name__}: {e})"[:200]
    total, first = 0, ""
    for name, v in values.items():
        if name not in run.outputs:
            continue
        n, where = runtime.differ(run.outputs[name], v)
        if n and not first:
            first = f"{name} {where} (kernel vs formula)"
        total += n
    return total, first


def stage_base(cfg: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    import ast

    from ..frontend.launch import load_launch
    from . import sizes

    _prepare(cfg, base)
    spec_path = base["original_spec"]
    lifted = lift_summary(spec_path, cfg)
    module = Path(spec_path).parent / base["file_name"]
    consts = sizes.kernel_constants(ast.parse(module.read_text()), base["kernels"])
    plan = sizes.plan(load_launch(spec_path), consts)
    points = [dict(p) for p in plan.points]
    choices = _choices(spec_path)
    formula = _parse(lifted.get("formula"), spec_path)
    mismatch, errors, order_dependent = "", [], False
    for point in points:
        for choice in choices:
            runs = {}
            for reverse in (False, True):
                run = reference(cfg, base, point, choice, reverse)
                runs[reverse] = run
                if not run.ok:
                    errors.append(f"{point} {choice}: {run.error}")
                    continue
                if formula is not None and not mismatch:
                    inputs = _inputs(spec_path, point, choice)
                    n, where = _compare_formula(formula, spec_path, point, inputs, run)
                    if n:
                        mismatch = f"{point}{' ' + str(choice) if choice else ''}{' reversed' if reverse else ''}: {where}"
            if runs[False].ok and runs[True].ok and _outputs_differ(runs[False], runs[True]):
                order_dependent = True
    return {**base, "lift": lifted, "points": points, "choices": choices, "largest_constant": plan.largest_constant,
            "unreached": list(plan.unreached), "formula_ok": formula is not None and not mismatch and not errors,
            "formula_mismatch": mismatch, "kernel_errors": errors[:5], "order_dependent": order_dependent}


def _inputs(spec_path: str, point, choice):
    from . import runtime

    return runtime.inputs_for(spec_path, point, choice, _seed(point, choice))


def _outputs_differ(a, b) -> bool:
    from . import runtime

    return any(runtime.differ(a.outputs[k], b.outputs[k])[0] for k in a.outputs if k in b.outputs)


# -- mutants ---------------------------------------------------------------------------------------

def stage_lift(cfg: dict[str, Any], mutant: dict[str, Any]) -> dict[str, Any]:
    return lift_summary(mutant["spec_path"], cfg)


def stage_judge(cfg: dict[str, Any], mutant: dict[str, Any], base: dict[str, Any], lifted: dict[str, Any]) -> dict[str, Any]:
    from . import runtime

    _prepare(cfg, base)
    spec_path = mutant["spec_path"]
    formula = _parse(lifted.get("formula"), spec_path)
    intended = _parse(base["lift"].get("formula"), spec_path) if base.get("formula_ok") else None
    # the sizes a BOUNDED result says it checked (a PROVED result is judged at the judged sizes)
    checked = ([dict(s) for s in lifted.get("checked_sizes", [])]
               if formula is not None and lifted.get("status") == "BOUNDED" else [])
    judged = [(dict(p), "eval") for p in base["points"]] + [(p, "checked") for p in checked if p not in base["points"]]
    out: dict[str, Any] = {"differs": False, "difference": "", "kernel_error": "", "order_dependent": False,
                           "formula_wrong_checked": "", "formula_wrong_eval": "", "intended_differs": "",
                           "formula_unevaluable": ""}
    if lifted.get("formula") and formula is None:
        out["formula_unevaluable"] = "the claimed formula does not parse back"
    for point, kind in judged:
        for choice in base["choices"]:
            inputs = _inputs(spec_path, point, choice)
            runs = {}
            for reverse in (False, True):
                run = runtime.run(spec_path, point, choice, inputs[0], inputs[1], reverse, Path(cfg["generated_dir"]))
                runs[reverse] = run
                where = f"{point}{' ' + str(choice) if choice else ''}{' reversed' if reverse else ''}"
                ref = reference(cfg, base, point, choice, reverse)
                if not run.ok:
                    if not out["kernel_error"] and ref.ok:
                        out["kernel_error"] = f"{where}: {run.error}"
                    continue
                if ref.ok and not out["differs"]:
                    for name in ref.outputs:
                        n, what = runtime.differ(run.outputs.get(name, np.zeros(0)), ref.outputs[name])
                        if n:
                            out["differs"] = True
                            out["difference"] = f"{where}: {name} {what} (mutant vs original), {n} elements"
                            break
                if formula is not None:
                    n, what = _compare_formula(formula, spec_path, point, inputs, run)
                    if n < 0:
                        out["formula_unevaluable"] = what
                    elif n:
                        field = "formula_wrong_checked" if kind == "checked" or _in(point, checked) else "formula_wrong_eval"
                        if not out[field]:
                            out[field] = f"{where}: {what}, {n} elements"
                if intended is not None and not out["intended_differs"]:
                    n, what = _compare_formula(intended, spec_path, point, inputs, run)
                    if n > 0:
                        out["intended_differs"] = f"{where}: {what}"
            if runs[False].ok and runs[True].ok and _outputs_differ(runs[False], runs[True]):
                out["order_dependent"] = True
    return out


def _in(point: dict[str, int], sizes: list[dict[str, int]]) -> bool:
    return any(point == s for s in sizes)


def stage_check(cfg: dict[str, Any], mutant: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """`check` of the intended formula against the mutant, and the replay of its counterexample."""
    from ..check import check_formula
    from . import runtime

    _prepare(cfg, base)
    spec_path = mutant["spec_path"]
    text = base["lift"]["formula"]
    t0 = time.monotonic()
    try:
        r = check_formula(spec_path, text, _opts(cfg))
    except Exception as e:
        return {"status": "CRASH", "reason": f"{type(e).__name__}: {e}"[:300], "seconds": time.monotonic() - t0}
    out: dict[str, Any] = {"status": str(r.status), "reason": r.reason[:300], "seconds": round(time.monotonic() - t0, 3),
                           "replays": False, "replay": ""}
    cex = r.counterexample
    # FINDINGS (a bug found: a race, an access outside a tensor) with a counterexample is replayed
    # like REFUTED: the counterexample is the same concrete claim
    if r.status.name not in ("REFUTED", "FINDINGS") or cex is None:
        return out
    out["counterexample"] = {"sizes": dict(cex.sizes), "tensor": cex.tensor, "index": list(cex.index),
                             "kernel_value": cex.kernel_value, "formula_value": cex.formula_value}
    inputs = {k: np.asarray(v) for k, v in cex.inputs.items()}
    reals = dict(cex.reals)
    # in the program order the counterexample was found in (a race shows in reverse order only)
    reverse = bool(getattr(cex, "reverse_order", False))
    out["counterexample"]["program_order"] = "reverse" if reverse else "launch"
    run = runtime.run(spec_path, dict(cex.sizes), dict(cex.choice), _typed(inputs, spec_path, cex), reals, reverse,
                      Path(cfg["generated_dir"]))
    if not run.ok:
        out["replay"] = f"the interpreter fails at the counterexample: {run.error}"
        out["replays"] = True  # a kernel that fails where the formula has a value is a counterexample
        return out
    formula = _parse(text, spec_path)
    try:
        want = runtime.evaluate_formula(formula, spec_path, dict(cex.sizes), inputs, reals)[cex.tensor][tuple(cex.index)]
    except Exception as e:
        out["replay"] = f"formula not evaluable at the counterexample: {type(e).__name__}: {e}"[:200]
        return out
    got = run.outputs[cex.tensor][tuple(cex.index)]
    differs = runtime.differ(np.asarray(got), np.asarray(want))[0] > 0
    out["replays"] = bool(differs)
    out["replay"] = f"interpreter {got!r} vs formula {want!r}"
    return out


def _typed(inputs: dict[str, np.ndarray], spec_path: str, cex) -> dict[str, np.ndarray]:
    """Counterexample inputs (nested lists) as arrays of each tensor's shape at its sizes."""
    from ..frontend.concrete import instantiate
    from ..frontend.launch import load_launch

    conc = instantiate(load_launch(spec_path), dict(cex.sizes), dict(cex.choice))
    out = {}
    for k, v in inputs.items():
        t = conc.tensors.get(k)
        out[k] = np.asarray(v).reshape(t.shape) if t is not None else v
    return out


STAGES = {"base": stage_base, "lift": stage_lift, "judge": stage_judge, "check": stage_check}


def run_stage(name: str, *args: Any) -> dict[str, Any]:
    return STAGES[name](*args)
