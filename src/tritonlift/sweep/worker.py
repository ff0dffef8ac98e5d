"""One operator of a sweep, in its own process: trace the host call, check the traced spec
against the reference operator, lift it when the check does not prove it, replay a refutation
against torch, and write `OUT/ops/<library>.<name>.json`.

    python -m tritonlift.sweep.worker OUT LIBRARY NAME [--cache-dir DIR] [--max-size N] [--timeout S]

The runner (sweep/run.py) kills the process past the per-operator time limit; every stage
here also runs under its own share of it. Tooling: imports torch and triton.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from .table import SweepCall, calls, category

BUG = re.compile(r"(^|: )(oob|race|uninit): ")  # findings that are bugs of the kernel


def result_path(out: Path, c: SweepCall) -> Path:
    return out / "ops" / f"{c.key}.json"


def _record(c: SweepCall) -> dict[str, Any]:
    return {"library": c.library, "name": c.name, "key": c.key, "call": c.call, "op": c.op, "params": c.params,
            "category": category(c), "status": "UNSUPPORTED", "reason": "", "stage": "", "findings": [],
            "seconds": {}, "spec": None, "reference": None, "lifted": None, "check": None, "counterexample": None,
            "replay": None}


def run_one(c: SweepCall, out: Path, cache: Path, max_size: int, timeout: float) -> dict[str, Any]:
    rec = _record(c)
    t0 = time.monotonic()

    def left() -> float:
        return max(5.0, timeout - (time.monotonic() - t0))

    if c.why:
        rec["reason"] = c.why
        return rec
    if not c.op:
        rec["reason"] = "no reference operator states what it computes"
        return rec
    spec = out / "specs" / c.library / f"{c.name}.toml"
    spec.parent.mkdir(parents=True, exist_ok=True)
    rec["stage"] = "trace"
    try:
        _trace(c, spec, cache, max_size)
    except Exception as e:  # the host call cannot be traced: say why, in the tool's words
        rec["reason"] = f"trace: {_first_line(e)}"
        return _timed(rec, "trace", t0)
    rec["spec"] = str(spec)
    _timed(rec, "trace", t0)
    t1 = time.monotonic()
    rec["stage"] = "reference"
    import tritonlift


    try:
        against = _against(tritonlift.load_launch(spec), c)
    except tritonlift.TritonLiftError as e:
        rec["reason"] = f"reference: {e.message}"
        return rec
    moved = _relayouts(c, tritonlift.load_launch(spec), against)
    if moved:
        rec["reason"] = (f"reference: the traced spec's {moved} is a copy of the call's tensor in another layout "
                         "(the host permutes or reshapes it before the kernel); a reference over such copies is not "
                         "stated yet")
        return rec
    rec["reference"] = {"describe": against.describe(), "formula": against.formula, "latex": _latex_text(spec, against.formula)}
    rec["stage"] = "check"
    try:
        r = tritonlift.check(spec, against.formula, timeout=left())
    except tritonlift.TritonLiftError as e:
        rec["status"], rec["reason"] = "ERROR", f"check: {e.message}"
        return rec
    except RecursionError:  # a bug of check at these blocks, reported as such
        rec["status"], rec["reason"] = "ERROR", "check: expression nesting too deep (RecursionError) at the host's blocks"
        return rec
    rec["check"] = check_fields(r)
    rec["status"], rec["reason"] = rec["check"]["status"], rec["check"]["reason"]
    rec["findings"] = list(rec["check"]["findings"])
    rec["seconds"]["check"] = round(time.monotonic() - t1, 2)
    if r.counterexample is not None:
        # against PyTorch, a counterexample is the headline; races or out-of-bounds accesses found on
        # the way (check's FINDINGS) stay listed with the record
        rec["status"] = "REFUTED"
        rec["counterexample"] = r.counterexample.to_json()
        rec["replay"] = replay(against, r.counterexample)
        rec["replay"]["host_value"] = host_value(c, spec, r.counterexample, cache)
        rec["replay"]["verdict"] = _verdict(rec["replay"])
        if rec["replay"]["verdict"].startswith("not a divergence"):  # a defect of tritonlift, not of the kernel
            rec["status"] = "ERROR"
            rec["reason"] = f"refuted, but {rec['replay']['verdict']} ({rec['reason']})"
    if rec["status"] != "PROVED":
        t2 = time.monotonic()
        rec["stage"] = "lift"
        try:
            lifted = tritonlift.lift(spec, timeout=left())
            rec["lifted"] = lift_fields(lifted)
            rec["findings"] = sorted(set(rec["findings"]) | set(rec["lifted"]["findings"]))
        except tritonlift.TritonLiftError as e:
            rec["lifted"] = {"status": "ERROR", "reason": e.message, "formula": None, "latex": [], "findings": []}
        rec["seconds"]["lift"] = round(time.monotonic() - t2, 2)
    if rec["status"] not in ("REFUTED", "PROVED") and any(BUG.search(f) for f in rec["findings"]):
        rec["status"] = "FINDINGS"
    rec["stage"] = "done"
    return rec


def _against(launch: Any, c: SweepCall) -> Any:
    """The reference operator over the traced spec; a loss whose kernel writes one value per
    row (the host reducing them) is stated per row when its reduction cannot be stated."""
    from ..reference import get
    from ..reference.against import formula_against

    try:
        return formula_against(launch, c.op, c.params, c.tensors)
    except Exception:
        op = get(c.op, **c.params)
        if op.param("reduction") is None or "reduction" in c.params:
            raise
        return formula_against(launch, c.op, {**c.params, "reduction": "none"}, c.tensors)


def _relayouts(c: SweepCall, launch: Any, against: Any) -> str:
    """A mapped input whose spec shape is not the call's shape for it (the trace names a host
    copy such as `x.permute(1, 0).contiguous()` after the input), described; else ''."""
    for name in against.tensors.values():
        dims = c.shapes.get(name)
        decl = launch.tensors.get(name)
        if dims is None or decl is None or decl.direction == "out":
            continue
        want = [d.strip() for d in dims.split(",") if d.strip()]
        got = [e.text.strip() for e in decl.shape]
        if want != got:
            return f"{name} [{', '.join(got)}] (the call's {name} is [{', '.join(want)}])"
    return ""


def _timed(rec: dict[str, Any], stage: str, t0: float) -> dict[str, Any]:
    rec["seconds"][stage] = round(time.monotonic() - t0, 2)
    return rec


def _first_line(e: BaseException) -> str:
    text = getattr(e, "message", None) or str(e) or type(e).__name__
    return text.strip().splitlines()[0][:300]


def _trace(c: SweepCall, spec: Path, cache: Path, max_size: int) -> None:
    from ..interp.trace import TraceRequest, parse_real, parse_shapes, trace

    shapes = parse_shapes([f"{k}={v}" for k, v in c.shapes.items()])
    ranges = {k: tuple(v.split(":", 1)) for k, v in c.ranges.items()}
    req = TraceRequest(call=c.call, shapes=shapes, dtypes=dict(c.dtypes), reals=[parse_real(r) for r in c.reals],
                       ranges=ranges, op=c.name, at=dict(c.at) or None, max_size=max_size, run_budget=1.0,
                       generated_dir=cache, widen=set(c.widen), constraints=list(c.constraints),
                       autotune="smallest", command=f"tritonlift sweep {c.library} --only {c.name}")
    trace(req, spec)


# -- adapters over the public result records (their fields may grow; read only these) ----------------

def check_fields(r: Any) -> dict[str, Any]:
    return {"status": str(getattr(r, "status", "ERROR")), "reason": getattr(r, "reason", "") or "",
            "findings": [str(f) for f in getattr(r, "findings", ())], "location": getattr(r, "location", ""),
            "checked_sizes": [dict(s) for s in getattr(r, "checked_sizes", ())]}


def lift_fields(r: Any) -> dict[str, Any]:
    formula = getattr(r, "formula", None)
    latex = []
    if formula is not None:
        from ..render.latex import formula_latex

        latex = [formula_latex(o.tensor, o.index_vars, o.body) for o in formula.outputs]
    return {"status": str(getattr(r, "status", "ERROR")), "reason": getattr(r, "reason", "") or "",
            "formula": str(formula) if formula is not None else None, "latex": latex,
            "findings": [str(f) for f in getattr(r, "findings", ())]}


def _latex_text(spec: Path, text: str) -> list[str]:
    import tritonlift

    from ..render.latex import formula_latex
    from ..user_formula import parse_user_formula

    try:
        f = parse_user_formula(text, tritonlift.load_launch(spec))
    except tritonlift.TritonLiftError:
        return []
    return [formula_latex(o.tensor, o.index_vars, o.body) for o in f.outputs]


def replay(against: Any, cex: Any) -> dict[str, Any]:
    """The counterexample's inputs through the torch operator itself: torch's value at the
    element, next to the kernel's and the formula's. `verdict` says which side torch takes."""
    import dataclasses

    import numpy as np

    from ..reference.numeric import torch_outputs

    arrays = cex.arrays()
    inv = {s: r for r, s in against.tensors.items()}
    inputs = {}
    for a in against.op.inputs:
        if a.name in against.tensors:
            v = np.asarray(arrays[against.tensors[a.name]])
            inputs[a.name] = v.astype(np.int64 if a.dtype == "int" else bool if a.dtype == "bool" else np.float64)
    params = {k: (cex.reals.get(v, v) if isinstance(v, str) and k in against.instance.symbolic else v)
              for k, v in against.params.items()}
    params = {k: (float(v) if k in against.instance.symbolic else v) for k, v in params.items()}
    inst = dataclasses.replace(against.instance, params={**against.instance.params, **params})
    try:
        outs = torch_outputs(inst, inputs, dict(cex.sizes))
        ref_out = inv.get(cex.tensor)
        t = outs[ref_out]
        torch_value = float(np.asarray(t)[tuple(cex.index)]) if t.shape else float(t)
    except Exception as e:  # torch refuses these inputs (shapes the formula allows, torch does not)
        return {"torch_value": None, "verdict": f"torch cannot run these inputs: {_first_line(e)}"}
    rp = {"torch_value": torch_value, "kernel_value": cex.kernel_value, "formula_value": cex.formula_value}
    return {**rp, "verdict": _verdict(rp)}


def _close(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= 1e-4 * max(1.0, abs(a), abs(b))


def _verdict(rp: dict[str, Any]) -> str:
    """Which side torch takes; with the host call run on the counterexample (`host_value`, the
    real kernel under the Triton interpreter), whether the kernel really computes that value."""
    t, k, f = rp.get("torch_value"), rp.get("kernel_value"), rp.get("formula_value")
    if "host_value" in rp and isinstance(rp["host_value"], str):
        host = f" (the host call could not be replayed: {rp['host_value']})"
    elif "host_value" in rp and _close(rp["host_value"], t):
        return ("not a divergence: the host call run on these inputs agrees with torch; the traced spec or the "
                "symbolic execution is wrong here")
    elif "host_value" in rp and _close(rp["host_value"], k):
        host = " (the host call run on these inputs gives the kernel's value too)"
    else:
        host = ""
    if _close(t, f) and not _close(t, k):
        return "real divergence: torch agrees with the reference formula, not with the kernel" + host
    if _close(t, k):
        return "reference-library defect: torch agrees with the kernel" + host
    return "torch agrees with neither" + host


def host_value(c: SweepCall, spec: Path, cex: Any, cache: Path) -> float | str:
    """The host call itself run on the counterexample's inputs (CPU, Triton interpreter): the
    value of the refuted element, from the returned tensor of the spec output's shape, or the
    input tensor updated in place. A string says why it could not be run."""
    import numpy as np
    import torch

    import tritonlift

    from ..frontend.concrete import instantiate
    from ..interp.trace import Tracer, TraceRequest, parse_real, parse_shapes

    try:
        launch = tritonlift.load_launch(spec)
        conc = instantiate(launch, dict(cex.sizes), dict(cex.choice))
        want = conc.tensors[cex.tensor].shape
        req = TraceRequest(call=c.call, shapes=parse_shapes([f"{k}={v}" for k, v in c.shapes.items()]),
                           reals=[parse_real(r) for r in c.reals], generated_dir=cache)
        tracer = Tracer(req)
        dtypes = {"i64": torch.int64, "i1": torch.bool, "i32": torch.int32}
        values: dict[str, Any] = {**cex.sizes, **tracer.real_values, **dict(cex.reals)}
        for name in c.shapes:
            if name not in cex.inputs:
                return f"input {name} is not in the counterexample"
            values[name] = torch.tensor(np.asarray(cex.inputs[name]), dtype=dtypes.get(c.dtypes.get(name, "f32"), torch.float32))
        from ..interp.trace import _Namespace

        torch.manual_seed(0)
        result = eval(tracer.call_code, {"__builtins__": __builtins__}, _Namespace(values, tracer._import))  # noqa: S307
        if cex.tensor in c.shapes:
            out = values[cex.tensor]
        else:
            found = [t for t in (result if isinstance(result, (tuple, list)) else [result])
                     if isinstance(t, torch.Tensor) and tuple(t.shape) == tuple(want)]
            if not found:
                return f"no returned tensor of {cex.tensor}'s shape {list(want)}"
            out = found[0]
        return float(out[tuple(cex.index)] if out.dim() else out)
    except Exception as e:  # the replay is evidence, not a verdict: say why it is missing
        return _first_line(e)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="tritonlift.sweep.worker")
    p.add_argument("out")
    p.add_argument("library")
    p.add_argument("name")
    p.add_argument("--cache-dir", default=".tritonlift_cache/flaggems-5.0.2")
    p.add_argument("--max-size", type=int, default=1025)
    p.add_argument("--timeout", type=float, default=300.0)
    args = p.parse_args(argv)
    os.environ.setdefault("TRITON_INTERPRET", "1")
    out = Path(args.out)
    c = next((c for c in calls([args.library]) if c.name == args.name), None)
    if c is None:
        print(f"no operator {args.name!r} in {args.library}", file=sys.stderr)
        return 2
    t0 = time.monotonic()
    try:
        rec = run_one(c, out, Path(args.cache_dir).resolve(), args.max_size, args.timeout)
    except Exception as e:  # an internal error of tritonlift on this operator: recorded, the sweep goes on
        rec = _record(c)
        rec["status"], rec["reason"] = "ERROR", f"internal error: {type(e).__name__}: {_first_line(e)}"
        rec["traceback"] = traceback.format_exc()[-3000:]
    rec["seconds"]["total"] = round(time.monotonic() - t0, 2)
    path = result_path(out, c)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(rec, indent=1, default=str))
    tmp.replace(path)  # whole files only: an interrupted sweep never leaves half a result
    return 0


if __name__ == "__main__":
    sys.exit(main())
