"""Choose the sizes a host call is traced at, find the thresholds where its launch structure
changes, fit, validate, and write the launch spec (the driver behind `tritonlift trace`)."""

from __future__ import annotations

import ast
import time
from pathlib import Path
from typing import Any

from .generalise import SpecText, _key_text, check_spec, generalise, render
from .observe import Observation
from .recorder import TraceError
from .trace import BASES, CHECK_VALUES, Tracer, TraceRequest, TraceResult, _describe


def _fmt(sizes: dict[str, int]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in sizes.items())


def _versions() -> str:
    import importlib.metadata as md

    out = []
    for dist in ("torch", "triton", "flag_gems", "liger_kernel"):
        try:
            out.append(f"{dist} {md.version(dist.replace('_', '-'))}")
        except md.PackageNotFoundError:
            continue
    return ", ".join(out)


def op_name(call: str) -> str:
    try:
        node = ast.parse(call.strip(), mode="eval").body
    except SyntaxError:
        return "op"
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return "op"


class _Axis:
    """What one symbol's ladder showed around the base point."""

    def __init__(self, symbol: str) -> None:
        self.symbol = symbol
        self.lo: int | None = None  # smallest value with the base structure (None: down to the ladder's start)
        self.hi: int | None = None  # largest value with the base structure (None: not bounded where traced)
        self.inside: list[int] = []  # traced values with the base structure
        self.top = 0  # largest value traced
        self.others: list[tuple[int, str]] = []  # (value, structure) of other structures
        self.cut = False  # hi/lo come from a value switching formula, not from the structure


def _explore_axis(tr: Tracer, base: dict[str, int], s: str, sig: Any) -> _Axis:
    ax = _Axis(s)
    runs = tr.axis(base, s)
    vals = [v for v, _ in runs]
    sigs = [tr.signature(o) for _, o in runs]
    ax.top = vals[-1]
    i = j = vals.index(base[s])
    while i + 1 < len(vals) and sigs[i + 1] == sig:
        i += 1
    while j > 0 and sigs[j - 1] == sig:
        j -= 1
    if i + 1 < len(vals):
        ax.hi = tr.bisect(base, s, vals[i], vals[i + 1])
    if j > 0:
        a, b = vals[j - 1], vals[j]
        while b - a > 1:
            mid = tr.nearest_allowed(base, s, a, b)
            if mid is None:
                break
            if tr.signature(tr.run({**base, s: mid})) == sig:
                b = mid
            else:
                a = mid
        ax.lo = b
    ax.inside = [v for v, g in zip(vals, sigs, strict=True) if g == sig
                 and (ax.lo is None or v >= ax.lo) and (ax.hi is None or v <= ax.hi)]
    ax.others = [(v, _describe(o)) for (v, o), g in zip(runs, sigs, strict=True) if g != sig]
    return ax


def _in_box(v: int, ax: _Axis) -> bool:
    return (ax.lo is None or v >= ax.lo) and (ax.hi is None or v <= ax.hi) and v <= ax.top


def trace_to_spec(req: TraceRequest, out: Path) -> TraceResult:
    t0 = time.perf_counter()
    tr = Tracer(req)
    tr.out_dir = str(out.resolve().parent)
    symbols = tr.symbols
    base = {s: BASES[i % len(BASES)] for i, s in enumerate(symbols)}
    if req.at:
        unknown = set(req.at) - set(symbols)
        if unknown:
            raise TraceError(f"--at names {', '.join(sorted(unknown))}: not a size symbol ({', '.join(symbols)})")
        base.update(req.at)
    movable = [s for s in symbols if s not in (req.at or {}) and any(s in c.names for c in tr.constraints)]
    for d in range(1, 17):  # move the base point onto the caller's preconditions
        if tr.allowed(base):
            break
        cand = next(({**base, s: base[s] + d} for s in movable if tr.allowed({**base, s: base[s] + d})), None)
        if cand is not None:
            base = cand
    if not tr.allowed(base):
        raise TraceError(f"no base point satisfies the constraints ({', '.join(req.constraints)}): give --at")
    first = tr.run(base)
    if isinstance(first, str):
        raise TraceError(f"the call fails at {_fmt(base)}: {first}")
    if not first.launches:
        raise TraceError(f"the call launched no Triton kernel at {_fmt(base)}")
    tr.layouts = {t.name: t.layout for t in first.tensors.values()}
    sig = first.signature()
    tr.rerun(base)  # the first run imported and rewrote kernels: time a warm one
    axes = {s: _explore_axis(tr, base, s, sig) for s in symbols}

    fit_obs = _fit_runs(tr, base, axes, sig)
    gen, fit_obs, cut_notes = _restrict(tr, base, axes, sig, fit_obs)
    checks = _check_runs(tr, base, axes, sig, fit_obs)
    if gen.floats_varying:
        k, vs = next(iter(gen.floats_varying.items()))
        raise TraceError(f"float argument {k} changes with the sizes ({vs[:4]}...): a launch spec can only "
                         "give float arguments as constants or symbolic reals")
    info = _spec_text(req, tr, base, axes, first, fit_obs, checks)
    info.regime_notes += cut_notes
    text = render(first, gen, info)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    if gen.lists:  # every configuration is in the spec: check the largest one too
        largest = [tr.run(o.sizes, autotune="largest") for o in (checks or fit_obs)[:2]]
        largest = [o for o in largest if not isinstance(o, str) and o.signature() == sig]
        checks = checks + largest
        info.check_sizes = [o.sizes for o in checks]
        info.extra_notes.append("Autotuned values are listed; the fit ran the smallest configuration and was "
                                f"checked with the largest at {len(largest)} sizes.")
        text = render(first, gen, info)
        out.write_text(text)
    problems = check_spec(out, fit_obs + checks, gen.lists)
    if problems:
        # fit again with the validation sizes included, then check the extra points
        fit_obs = fit_obs + checks
        gen = generalise(fit_obs, symbols, req.autotune == "all")
        if gen.failed:
            raise TraceError(_failed_text(gen.failed, fit_obs))
        info.fit_sizes = [o.sizes for o in fit_obs]
        info.check_sizes = []
        info.extra_notes.append("Not validated: the first fit disagreed at the validation sizes ("
                                + "; ".join(problems[:3]) + "); refitted with them included.")
        text = render(first, gen, info)
        out.write_text(text)
        again = check_spec(out, fit_obs, gen.lists)
        if again:
            raise TraceError(f"the written spec disagrees with the host: {again[0]} ({out})")
    structures = _structures(first, axes)
    return TraceResult(out, text, info.fit_sizes, info.check_sizes, structures, len(tr.cache),
                       time.perf_counter() - t0)


def _failed_text(failed: dict[str, list[int]], runs: list[Observation]) -> str:
    key, vals = next(iter(failed.items()))
    pts = "; ".join(f"{_fmt(o.sizes)} -> {v}" for o, v in list(zip(runs, vals, strict=True))[:8])
    more = f" (and {len(failed) - 1} more values)" if len(failed) > 1 else ""
    return f"no size expression fits {key}{more}: {pts}"


def predict(gen: Any, sizes: dict[str, int], observed: dict[str, int] | None = None) -> dict[str, int]:
    """Every fitted integer evaluated at `sizes` (autotuned list values taken from `observed`)."""
    from .fit import evaluate

    env: dict[str, int] = dict(sizes)
    rid_of = {key: rid for rid, key in gen.refs.items()}
    for key in gen.lists:
        if key in rid_of and observed is not None and key in observed:
            env[rid_of[key]] = observed[key]
    out: dict[str, int] = {}
    for key, e in gen.exprs.items():
        out[key] = evaluate(e, env)
        if key in rid_of:
            env[rid_of[key]] = out[key]
    return out


def _fits(tr: Tracer, gen: Any, sizes: dict[str, int], sig: Any) -> bool:
    o = tr.run(sizes)
    if isinstance(o, str) or o.signature() != sig:
        return False
    try:
        return predict(gen, sizes, o.ints()) == {k: v for k, v in o.ints().items() if k in gen.exprs}
    except (ZeroDivisionError, KeyError):
        return False


def _fit_alone(runs: list[Observation], symbols: list[str], keys: dict[str, list[int]]) -> bool:
    """Whether each of `keys` has an expression over `runs` without naming other values."""
    from .fit import Fitter

    f = Fitter(symbols, [o.sizes for o in runs])
    return all(f.fit([o.ints()[k] for o in runs]) is not None for k in keys)


def _restrict(tr: Tracer, base: dict[str, int], axes: dict[str, _Axis], sig: Any,
              fit_obs: list[Observation]) -> tuple[Any, list[Observation], list[str]]:
    """Fit; when a value has no single expression (a host choice switching at a threshold inside
    one launch structure, e.g. BLOCK = 512 if N <= 512 else 1024), keep the range of one size around
    the base point where everything fits, and find the threshold by bisection."""
    symbols = list(axes)
    all_configs = tr.req.autotune == "all"
    gen = generalise(fit_obs, symbols, all_configs)
    if not gen.failed:
        return gen, fit_obs, []
    failed = gen.failed
    best: tuple[int, str, str, int, int | None, Any, list[Observation]] | None = None
    # Choose the cut with the values that failed alone (cheap), fit everything once at the end.
    for quick in (True, False):
        for s in symbols:
            vals = sorted({o.sizes[s] for o in fit_obs})
            for side in ("hi", "lo"):
                order = ([v for v in reversed(vals) if v >= base[s]] if side == "hi"
                         else [v for v in vals if v <= base[s]])
                for i, t in enumerate(order[1:], 1):
                    keep = [o for o in fit_obs if (o.sizes[s] <= t if side == "hi" else o.sizes[s] >= t)]
                    if best is not None and len(keep) <= best[0]:
                        break
                    if quick and not _fit_alone(keep, symbols, failed):
                        continue
                    g = generalise(keep, symbols, all_configs)
                    if not g.failed:
                        best = (len(keep), s, side, t, order[i - 1], g, keep)
                        break
        if best is not None:
            break
    if best is None:
        raise TraceError(_failed_text(failed, fit_obs))
    _, s, side, t, beyond, g, keep = best
    a, b = (t, beyond) if side == "hi" else (beyond, t)
    while b - a > 1:  # the switch lies between a and b
        mid = tr.nearest_allowed(base, s, a, b)
        if mid is None:
            break
        inside = _fits(tr, g, {**base, s: mid}, sig)
        if (side == "hi") == inside:
            a = mid
        else:
            b = mid
    ax = axes[s]
    ax.cut = True
    if side == "hi":
        ax.hi = a if ax.hi is None else min(ax.hi, a)
        bound = f"{s} <= {a}"
    else:
        ax.lo = b if ax.lo is None else max(ax.lo, b)
        bound = f"{s} >= {b}"
    ax.inside = [v for v in ax.inside if _in_box(v, ax)]
    what = ", ".join(_key_text(k, fit_obs[0]) for k in list(failed)[:3])
    at = ", ".join(f"{k} = {v}" for k, v in base.items() if k != s)
    where = f"above {s} = {a}" if side == "hi" else f"below {s} = {b}"
    note = (f"The host passes other values of {what} (same kernels) {where} (found by bisection along "
            f"{s}{' at ' + at if at else ''}): this spec keeps {bound}.")
    return g, keep, [note]


def _fit_runs(tr: Tracer, base: dict[str, int], axes: dict[str, _Axis], sig: Any) -> list[Observation]:
    points: list[dict[str, int]] = [dict(base)]
    for s, ax in axes.items():
        points += [{**base, s: v} for v in ax.inside if v != base[s]]
    # points moving every symbol at once (separate products from sums of the symbols)
    if len(axes) > 1:
        pools = {s: [v for v in ax.inside if v != base[s]] or [base[s]] for s, ax in axes.items()}
        for pick in (lambda vs: vs[min(1, len(vs) - 1)], lambda vs: vs[len(vs) // 2], lambda vs: vs[0]):
            p = {s: pick(vs) for s, vs in pools.items()}
            if p not in points and tr.affordable(p, None):
                points.append(p)
    out: list[Observation] = []
    for p in points:
        if not tr.allowed(p):
            continue
        o = tr.run(p)
        if not isinstance(o, str) and o.signature() == sig:
            out.append(o)
    return out


def _check_runs(tr: Tracer, base: dict[str, int], axes: dict[str, _Axis], sig: Any,
                fit: list[Observation]) -> list[Observation]:
    used = [o.sizes for o in fit]
    points: list[dict[str, int]] = []
    for s, ax in axes.items():
        limit = max(ax.inside) if ax.inside else base[s]
        cands = [v for v in CHECK_VALUES if _in_box(v, ax) and v < limit and tr.allowed({**base, s: v})]
        if cands:
            points.append({**base, s: cands[-1]})
    if len(axes) > 1:
        joint = {}
        for s, ax in axes.items():
            cands = [v for v in CHECK_VALUES if _in_box(v, ax) and v != base[s] and tr.allowed({**base, s: v})]
            joint[s] = cands[0] if cands else base[s]
        points.append(joint)
    out: list[Observation] = []
    for p in points:
        if p in used or not tr.affordable(p, None) or not tr.allowed(p):
            continue
        used.append(p)
        o = tr.run(p)
        if not isinstance(o, str) and o.signature() == sig:
            out.append(o)
    return out


def _spec_text(req: TraceRequest, tr: Tracer, base: dict[str, int], axes: dict[str, _Axis],
               first: Observation, fit: list[Observation], checks: list[Observation]) -> SpecText:
    constraints: dict[str, list[str]] = {}
    size_notes: dict[str, str] = {}
    regime: list[str] = [f"Launch structure described: {first.structure()}."]
    for s, ax in axes.items():
        cs = []
        at = ", ".join(f"{k} = {v}" for k, v in base.items() if k != s) or "-"
        if ax.lo is not None and ax.lo > 1 and s not in req.widen:
            cs.append(f"{s} >= {ax.lo}")
        elif ax.lo is not None and ax.lo > 1:
            regime.append(f"--widen {s}: the lower bound {s} >= {ax.lo} is not written; the host does not "
                          f"launch this structure below it.")
        if ax.hi is not None:
            cs.append(f"{s} <= {ax.hi}")
        cs += [c for c in req.constraints if _first_symbol(c, symbols_order=list(axes)) == s]
        constraints[s] = cs
        size_notes[s] = f"traced {s} = {min([base[s], *ax.inside])}..{ax.top}" + (f" at {at}" if at != "-" else "")
        if (ax.lo is not None or ax.hi is not None) and not ax.cut:
            bounds = " and ".join(
                ([f"below {s} = {ax.lo}"] if ax.lo is not None else [])
                + ([f"above {s} = {ax.hi}"] if ax.hi is not None else []))
            where = f" at {at}" if at != "-" else ""
            regime.append(f"The host launches other kernels {bounds} (thresholds found by bisection along "
                          f"{s}{where}; constraint in [sizes]).")
        seen: dict[str, list[int]] = {}
        for v, d in ax.others:
            seen.setdefault(d, []).append(v)
        for d, vs in seen.items():
            regime.append(f"Other launch structure at {s} = {', '.join(map(str, vs))}: {d}.")
    reals = {r.name: r.constraint for r in req.reals}
    cmd = req.command or f"tritonlift trace {req.call!r}"
    notes = [n for o in fit[:1] for n in o.notes]
    return SpecText(req.op or op_name(req.call), cmd, req.call, list(axes), constraints, size_notes, reals,
                    [o.sizes for o in fit], [o.sizes for o in checks], _versions(), regime, notes)


def _first_symbol(constraint: str, symbols_order: list[str]) -> str | None:
    from ..frontend.intexpr import parse_int_expr

    names = parse_int_expr(constraint, allow_bool=True).names
    return next((s for s in symbols_order if s in names), None)


def _structures(first: Observation, axes: dict[str, _Axis]) -> dict[str, str]:
    out = {first.structure(): "described"}
    for s, ax in axes.items():
        for v, d in ax.others:
            out.setdefault(d, f"{s} = {v}")
    return out
