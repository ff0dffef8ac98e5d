"""Generalise observations of one launch structure across sizes and write the launch spec.

:func:`generalise` fits every integer of the observations (grid, int arguments, pointer offsets,
shapes, strides) with :class:`~tritonlift.interp.fit.Fitter`, in an order that lets later values be
written in terms of earlier ones (constexprs first, then the other int arguments, the grid, then
the tensors a launch uses first). :func:`render` writes the TOML: referenced values become
``[let]`` names (or, inside one launch, the argument's own name), every value carries a comment
saying where it came from. :func:`check_spec` loads the written file with the project's own
launch-spec reader and compares every grid, argument, shape and stride with the observations.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .fit import Expr, Fitter, sym
from .observe import Observation, Real, TensorRef
from .recorder import DTypeArg, TraceError


@dataclass
class Generalised:
    exprs: dict[str, Expr]
    refs: dict[str, str]  # ref id -> quantity key
    failed: dict[str, list[int]]
    floats_varying: dict[str, list[float]]
    inits: dict[str, float | int | None] = field(default_factory=dict)
    lists: dict[str, list[Any]] = field(default_factory=dict)  # autotuned args written as value lists


def quantity_order(obs: Observation) -> list[str]:
    keys = obs.ints()
    order: list[str] = []
    seen_tensors: set[str] = set()
    for li, lo in enumerate(obs.launches):
        params = list(lo.args)
        first = [p for p in params if p in lo.constexprs] + [p for p in params if p not in lo.constexprs]
        order += [f"L{li}.arg.{p}" for p in first if f"L{li}.arg.{p}" in keys]
        order += [f"L{li}.grid.{d}" for d in range(len(lo.grid))]
        for p in params:
            v = lo.args[p]
            if isinstance(v, TensorRef) and v.tensor not in seen_tensors:
                seen_tensors.add(v.tensor)
                t = obs.tensors[v.tensor]
                order += [f"T.{t.name}.shape.{d}" for d in range(len(t.shape))]
                order += [f"T.{t.name}.stride.{d}" for d in range(len(t.strides))]
        order += [f"L{li}.ptr.{p}" for p in params if f"L{li}.ptr.{p}" in keys]
    order += [k for k in keys if k not in order]
    return order


def autotune_lists(obs: Observation) -> dict[str, list[Any]]:
    """Every autotuned constexpr with its distinct values over the decorator's configs (sorted):
    the spec then proves every combination, as host code may run any configuration."""
    out: dict[str, list[Any]] = {}
    for li, lo in enumerate(obs.launches):
        if lo.autotune is None:
            continue
        keys = {k for c in lo.autotune.configs for k in c if k in lo.args}
        for k in sorted(keys):
            vals = sorted({c[k] for c in lo.autotune.configs if k in c}, key=lambda v: (str(type(v)), v))
            if len(vals) > 1:
                out[f"L{li}.arg.{k}"] = vals
    return out


def generalise(runs: Sequence[Observation], symbols: Sequence[str], all_configs: bool = False) -> Generalised:
    fitter = Fitter(symbols, [r.sizes for r in runs])
    base = runs[0]
    values = [r.ints() for r in runs]
    lists = autotune_lists(base) if all_configs else {}
    chosen = {f"L{li}.arg.{p}" for li, lo in enumerate(base.launches) for p in lo.args
              if p in lo.heuristics or lo.autotune is not None and any(p in c for c in lo.autotune.configs)}
    exprs: dict[str, Expr] = {}
    refs: dict[str, str] = {}
    failed: dict[str, list[int]] = {}
    contiguous = {name for name in base.tensors
                  if all(_contiguous(r.tensors[name].shape, r.tensors[name].strides) for r in runs)}
    for key in quantity_order(base):
        vals = [v[key] for v in values]
        t = base.tensors.get(key.split(".")[1]) if key.startswith("T.") else None
        if t is not None and t.name in contiguous and ".stride." in key:
            continue  # contiguous at every run: strides are not written
        if t is not None and t.sym_shape is not None and ".shape." in key:
            exprs[key] = _parse_dim(t.sym_shape[int(key.rsplit(".", 1)[1])])
            continue
        e = fitter.fit(vals)
        if e is None and key in lists:
            # an autotuned value written as its list: the executed configuration may change with
            # the sizes (the kernel's pruning); later values may still name it
            rid = f"q{len(refs)}"
            refs[rid] = key
            fitter.add_ref(rid, vals, cost=0.9)
            continue
        if e is None:
            failed[key] = vals
            continue
        exprs[key] = e
        if not e.is_atomic or (key.startswith("L") and ".arg." in key and e.op == "const"
                               and key.split(".")[2] in base.launches[int(key[1:].split(".")[0])].constexprs):
            rid = f"q{len(refs)}"
            refs[rid] = key
            # an autotuned value is named rather than written as its number (cdiv(N, BLOCK)):
            # with every configuration listed the name is the only right choice
            fitter.add_ref(rid, vals, cost=0.9 if key in chosen else 1.0 if not e.is_atomic else 1.1)
    floats: dict[str, list[float]] = {}
    for key in base.floats():
        vs = [r.floats().get(key) for r in runs]
        if len({repr(v) for v in vs}) > 1:
            floats[key] = vs  # type: ignore[assignment]
    # a tensor starts with a value when it did so at every run (a fresh torch.empty may be zero)
    inits: dict[str, float | int | None] = {}
    for name, t in base.tensors.items():
        vals = {repr(r.tensors[name].init) for r in runs if name in r.tensors}
        inits[name] = t.init if len(vals) == 1 and t.direction in ("out", "temp") else None
    return Generalised(exprs, refs, failed, floats, inits, lists)


def _contiguous(shape: tuple[int, ...], strides: tuple[int, ...]) -> bool:
    acc = 1
    for n, st in zip(reversed(shape), reversed(strides), strict=True):
        if n != 1 and st != acc:
            return False
        acc *= n
    return True


def _parse_dim(text: str) -> Expr:
    from .fit import const

    return const(int(text)) if re.fullmatch(r"-?\d+", text) else sym(text)


# -- rendering ------------------------------------------------------------------------------------


@dataclass
class SpecText:
    """Everything the TOML header needs besides the fitted values."""

    op: str
    command: str
    call: str
    symbols: list[str]
    constraints: dict[str, list[str]]
    size_notes: dict[str, str]
    reals: dict[str, str]
    fit_sizes: list[dict[str, int]]
    check_sizes: list[dict[str, int]]
    versions: str
    regime_notes: list[str] = field(default_factory=list)
    extra_notes: list[str] = field(default_factory=list)


def _fmt_sizes(sizes: Sequence[dict[str, int]], symbols: Sequence[str], limit: int = 40) -> str:
    sizes = [s for i, s in enumerate(sizes) if s not in sizes[:i]]
    if not sizes:
        return "-"
    if len(symbols) == 1:
        vals = ", ".join(str(s[symbols[0]]) for s in sizes[:limit])
        return f"{symbols[0]} = {vals}" + (", ..." if len(sizes) > limit else "")
    head = "(" + ", ".join(symbols) + ")"
    vals = " ".join("(" + ", ".join(str(s[n]) for n in symbols) + ")" for s in sizes[:limit])
    return f"{head} = {vals}" + (" ..." if len(sizes) > limit else "")


def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _toml_float(v: float) -> str:
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    r = repr(float(v))
    return r if any(c in r for c in ".en") else r + ".0"


def _comment_lines(text: str, width: int = 98) -> list[str]:
    out: list[str] = []
    for para in text.split("\n"):
        words = para.split(" ")
        line = "#"
        for w in words:
            if len(line) + 1 + len(w) > width and line != "#":
                out.append(line)
                line = "#  "
            line += " " + w if line not in ("#",) else " " + w
        out.append(line.rstrip())
    return out


class _Names:
    """Decides how each referenced value is written: a [let] name or an argument of the launch."""

    def __init__(self, gen: Generalised, obs: Observation, symbols: Sequence[str], reals: Sequence[str]) -> None:
        self.gen = gen
        self.obs = obs
        used_in: dict[str, set[str]] = {rid: set() for rid in gen.refs}
        for key, e in gen.exprs.items():
            for rid in e.refs():
                used_in[rid].add(self._context(key))
        self.taken = set(symbols) | set(obs.tensors) | set(reals)
        self.let_of: dict[str, str] = {}
        # Every value used by another one becomes a [let]. (The spec language also lets an argument
        # name another argument of the same launch, but not every consumer of specs resolves such
        # names: the prover evaluates arguments on their own.)
        lets = {rid for rid, ctx in used_in.items() if ctx and gen.refs[rid] not in gen.lists}
        self.arg_of: dict[str, str] = {}
        for rid, ctx in used_in.items():
            key = gen.refs[rid]
            if key in gen.lists:  # an autotuned list: named by the argument, inside its launch only
                if ctx - {self._context(key)}:
                    raise TraceError(f"{_key_text(key, obs)} is autotuned and used outside its launch: "
                                     "a launch spec cannot say that (trace with --autotune first)")
                self.arg_of[rid] = key.split(".", 2)[2]
        todo = list(lets)
        while todo:
            for r in gen.exprs[gen.refs[todo.pop()]].refs():
                if r in self.arg_of:
                    raise TraceError(f"{_key_text(gen.refs[r], obs)} is autotuned and used in a [let]: "
                                     "a launch spec cannot say that (trace with --autotune first)")
                if r not in lets:
                    lets.add(r)
                    todo.append(r)
        for rid in gen.refs:
            if rid in lets:
                self.let_of[rid] = self._let_name(rid)
        self.key_let = {gen.refs[rid]: name for rid, name in self.let_of.items()}

    def quantity(self, key: str) -> Expr:
        """The expression to write for quantity `key`: its [let] name when it defines one."""
        if key in self.key_let:
            return Expr("ref", value=[r for r, n in self.let_of.items() if n == self.key_let[key]][0])
        return self.gen.exprs[key]

    @staticmethod
    def _context(key: str) -> str:
        return key.split(".")[0] if key.startswith("L") else "T"

    def _let_name(self, rid: str) -> str:
        key = self.gen.refs[rid]
        candidates = []
        if ".arg." in key:
            candidates.append(key.split(".", 2)[2])
        for k, e in self.gen.exprs.items():
            if e.op == "ref" and e.value == rid and ".arg." in k:
                candidates.append(k.split(".", 2)[2])
        if key.startswith("L") and ".grid." in key:
            li, _, d = key[1:].split(".")
            candidates.append(f"GRID{int(li) + 1}" + (f"_{d}" if d != "0" else ""))
        if key.startswith("T."):
            _, t, what, d = key.split(".")
            candidates.append(f"{t.upper()}_{what.upper()}{d}")
        for c in candidates:
            name = re.sub(r"\W", "_", c).upper()
            if name not in self.taken and not re.fullmatch(r"[a-z][0-9]*", name):
                self.taken.add(name)
                return name
        base = re.sub(r"\W", "_", candidates[0]).upper() if candidates else "V"
        k = 2
        while f"{base}_{k}" in self.taken:
            k += 1
        self.taken.add(f"{base}_{k}")
        return f"{base}_{k}"

    def render(self, e: Expr) -> str:
        return e.text(lambda rid: self.let_of.get(rid) or self.arg_of[rid])


def render(obs: Observation, gen: Generalised, info: SpecText) -> str:
    """The launch spec of `obs`'s structure with the fitted values of `gen`, as TOML text."""
    if gen.failed:
        raise TraceError("cannot write a spec while values are not generalised: " + ", ".join(gen.failed))
    names = _Names(gen, obs, info.symbols, list(info.reals))
    lines: list[str] = []
    header = (f"Launch spec traced by `{info.command}`.\n"
              f"Host call: {info.call}  ({info.versions}, run under TRITON_INTERPRET=1 on CPU).\n"
              f"Every integer below (grid, int arguments, shapes, strides) is an expression of the size "
              f"symbols fitted to the values the host passed at {len(info.fit_sizes)} sizes: "
              f"{_fmt_sizes(info.fit_sizes, info.symbols)}; validated at sizes not used to fit it: "
              f"{_fmt_sizes(info.check_sizes, info.symbols)}.")
    lines += _comment_lines(header)
    for note in info.regime_notes + info.extra_notes:
        lines += _comment_lines(note)
    lines.append(f"op = {_toml_str(info.op)}")
    single = len(obs.launches) == 1
    if single:
        lines += _launch_lines(obs, gen, names, 0, top=True)
    lines.append("")
    lines.append("[sizes]")
    for s in info.symbols:
        cs = info.constraints.get(s, [])
        text = cs[0] if len(cs) == 1 else ""
        val = _toml_str(text) if len(cs) <= 1 else "[" + ", ".join(_toml_str(c) for c in cs) + "]"
        note = info.size_notes.get(s)
        lines.append(f"{s} = {val}" + (f"   # {note}" if note else ""))
    if info.reals:
        lines += ["", "[reals]"]
        for r, c in info.reals.items():
            lines.append(f"{r} = {_toml_str(c)}   # the call's value of {r}, kept symbolic")
    lets = [(names.let_of[rid], gen.refs[rid]) for rid in gen.refs if rid in names.let_of]
    shadow = _shadowed(obs, gen)
    if lets or shadow:
        lines += ["", "[let]"]
        for s in sorted(shadow):
            lines.append(f"{s}_ = {_toml_str(s)}   # {s}, for launches with an argument named {s}")
        for name, key in lets:
            lines.append(f"{name} = {_value_text(gen.exprs[key], names)}   # {_key_text(key, obs)}")
    lines += ["", "[tensors]"]
    for t in obs.tensors.values():
        init = gen.inits.get(t.name)
        origin = t.origin + (f"; every element {init} before its first launch at every traced size"
                             if init is not None else "")
        lines.append(f"{t.name} = {_tensor_text(t, gen, names)}   # {origin}")
    if not single:
        for li in range(len(obs.launches)):
            lines.append("")
            lines += _launch_lines(obs, gen, names, li, top=False)
    return "\n".join(lines) + "\n"


def _key_text(key: str, obs: Observation) -> str:
    if key.startswith("L"):
        li, what, rest = key[1:].split(".", 2)
        lo = obs.launches[int(li)]
        return f"launch {int(li) + 1} ({lo.name}) " + (f"grid[{rest}]" if what == "grid" else rest)
    _, t, what, d = key.split(".")
    return f"{t}.{what}[{d}]"


def _value_text(e: Expr, names: _Names, shadow: set[str] | None = None) -> str:
    if e.op == "const":
        return str(e.value)
    text = names.render(e)
    for s in shadow or ():
        text = re.sub(rf"\b{re.escape(s)}\b", f"{s}_", text)
    return _toml_str(text)


def _tensor_text(t, gen: Generalised, names: _Names) -> str:
    dims = [names.render(names.quantity(f"T.{t.name}.shape.{d}")) for d in range(len(t.shape))]
    explicit = f"T.{t.name}.stride.0" in gen.exprs
    stride_txt = [names.render(names.quantity(f"T.{t.name}.stride.{d}")) for d in range(len(t.strides))] \
        if explicit else []
    fields: dict[str, str] = {}
    init = gen.inits.get(t.name)
    if explicit or init is not None or t.value_range is not None:
        fields["dir"] = _toml_str(t.direction)
        fields["dtype"] = _toml_str(t.dtype)
        fields["shape"] = "[" + ", ".join(_toml_str(d) for d in dims) + "]"
        if explicit:
            fields["strides"] = "[" + ", ".join(_toml_str(s) for s in stride_txt) + "]"
        if t.value_range is not None:
            fields["range"] = "[" + ", ".join(_toml_str(r) for r in t.value_range) + "]"
        if init is not None:
            fields["init"] = _toml_float(init) if isinstance(init, float) else str(init)
        return "{ " + ", ".join(f"{k} = {v}" for k, v in fields.items()) + " }"
    return _toml_str(f"{t.direction} {t.dtype}[{', '.join(dims)}]")


def _shadowed(obs: Observation, gen: Generalised) -> set[str]:
    """Size symbols that some launch also has as an argument with a different value."""
    out: set[str] = set()
    for li, lo in enumerate(obs.launches):
        for p in lo.args:
            e = gen.exprs.get(f"L{li}.arg.{p}")
            if e is not None and p in _all_symbols(gen) and not (e.op == "sym" and e.value == p):
                out.add(p)
    return out


def _all_symbols(gen: Generalised) -> set[str]:
    out: set[str] = set()
    for e in gen.exprs.values():
        out |= e.symbols()
    return out


def _launch_lines(obs: Observation, gen: Generalised, names: _Names, li: int, top: bool) -> list[str]:
    lo = obs.launches[li]
    shadow = {p for p in _shadowed(obs, gen) if p in lo.args}
    lines = [] if top else ["[[launch]]"]
    lines.append(f"kernel = {_toml_str(lo.ref)}")
    grid = [_value_text(names.quantity(f"L{li}.grid.{d}"), names, shadow) for d in range(len(lo.grid))]
    while len(grid) > 1 and grid[-1] == "1":
        grid.pop()
    lines.append(f"grid = [{', '.join(grid)}]")
    if lo.autotune is not None:
        lines += _autotune_lines(lo.autotune)
    lines.append("[args]" if top else "[launch.args]")
    params = sorted(lo.args, key=lambda p: p in shadow)  # shadowing arguments last
    for p in params:
        v = lo.args[p]
        text, note = _arg_text(li, p, v, gen, names, shadow - {p})
        tags = []
        if p in lo.heuristics:
            tags.append("@triton.heuristics")
        if lo.autotune is not None and p in (lo.autotune.chosen or {}):
            tags.append("autotune")
        if p in lo.constexprs:
            tags.append("constexpr")
        comment = ", ".join(filter(None, [", ".join(tags), note]))
        lines.append(f"{_key(p)} = {text}" + (f"   # {comment}" if comment else ""))
    return lines


def _key(p: str) -> str:
    return p if re.fullmatch(r"[A-Za-z0-9_-]+", p) else _toml_str(p)


def _arg_text(li: int, p: str, v: Any, gen: Generalised, names: _Names, shadow: set[str]) -> tuple[str, str]:
    if isinstance(v, TensorRef):
        e = gen.exprs[f"L{li}.ptr.{p}"]
        if e.op == "const" and e.value == 0:
            return _toml_str(v.tensor), ""
        return _toml_str(f"{v.tensor} + {names.render(e)}"), "pointer into the tensor"
    if isinstance(v, bool):
        return ("true" if v else "false"), ""
    if f"L{li}.arg.{p}" in gen.lists:
        vals = gen.lists[f"L{li}.arg.{p}"]
        return "[" + ", ".join(str(x).lower() if isinstance(x, bool) else str(x) for x in vals) + "]", \
            "every value of the autotune configs"
    if isinstance(v, int):
        return _value_text(names.quantity(f"L{li}.arg.{p}"), names, shadow), ""
    if isinstance(v, Real):
        return _toml_str(v.name), ""
    if isinstance(v, float):
        return _toml_float(v), "float constant"
    if isinstance(v, str):
        return "{ str = " + _toml_str(v) + " }", ""
    if v is None:
        return _toml_str("None"), ""
    if isinstance(v, DTypeArg):
        return "{ dtype = " + _toml_str(v.name) + " }", ""
    raise TraceError(f"cannot write argument {p} = {v!r}")


def _autotune_lines(tune: Any) -> list[str]:
    def fmt(c: dict) -> str:
        return "{" + ", ".join(f"{k}: {v}" for k, v in c.items()) + "}"

    text = (f"autotune: {len(tune.configs)} configs {', '.join(fmt(c) for c in tune.configs)}"
            f"; key {tune.key}; {len(tune.surviving)} survive the kernel's pruning at these sizes; the "
            f"interpreter cannot benchmark and runs one: {fmt(tune.chosen)}, written below"
            + (f"; reset_to_zero {tune.reset_to_zero}" if tune.reset_to_zero else ""))
    return _comment_lines(text)


# -- checking a written spec against the observations -----------------------------------------------


def check_spec(path: Path, runs: Sequence[Observation], lists: dict[str, list[Any]] | None = None) -> list[str]:
    """Instantiate the spec at every run's sizes with the project's reader; the differences."""
    from ..errors import TritonLiftError
    from ..frontend.concrete import RealSym, TensorPtr, instantiate
    from ..frontend.launch import load_launch

    problems: list[str] = []
    try:
        spec = load_launch(path)
    except TritonLiftError as e:
        return [f"the written spec does not load: {e}"]
    for obs in runs:
        at = ", ".join(f"{k}={v}" for k, v in obs.sizes.items())
        try:
            choice = {}
            for key, vals in (lists or {}).items():
                li, _, p = key[1:].split(".", 2)
                v = obs.launches[int(li)].args.get(p)
                if v in vals:
                    choice[f"{li}.{p}"] = vals.index(v)
            conc = instantiate(spec, obs.sizes, choice)
        except TritonLiftError as e:
            problems.append(f"at {at}: {e.message}")
            continue
        for name, t in obs.tensors.items():
            ct = conc.tensors.get(name)
            if ct is None or ct.shape != t.shape or (ct.strides != t.strides and math.prod(t.shape) > 1):
                problems.append(f"at {at}: tensor {name}: spec {ct and (ct.shape, ct.strides)}, "
                                f"host {(t.shape, t.strides)}")
        for step, lo in zip(conc.steps, obs.launches, strict=True):
            grid = tuple(lo.grid) + (1,) * (3 - len(lo.grid))
            if tuple(step.grid) != grid:
                problems.append(f"at {at}: launch {step.index + 1} grid: spec {step.grid}, host {grid}")
            for p, v in lo.args.items():
                s = step.args.get(p)
                if isinstance(v, TensorRef):
                    ok = isinstance(s, TensorPtr) and s.tensor == v.tensor and s.offset == v.offset
                elif isinstance(v, Real):
                    ok = isinstance(s, RealSym) and s.name == v.name
                elif isinstance(v, DTypeArg):
                    ok = getattr(s, "name", None) == {"f16": "fp16", "f32": "fp32", "f64": "fp64", "bf16": "bf16",
                                                       "i1": "int1"}.get(v.name, v.name.replace("i", "int")
                                                                         .replace("u", "uint"))
                elif isinstance(v, float):
                    ok = isinstance(s, float) and (s == v or math.isnan(s) and math.isnan(v))
                else:
                    ok = s == v and type(s) is type(v) or (isinstance(v, int) and s == v)
                if not ok:
                    problems.append(f"at {at}: launch {step.index + 1} argument {p}: spec {s!r}, host {v!r}")
    return problems
