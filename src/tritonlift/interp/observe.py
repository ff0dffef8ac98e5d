"""One traced run of a host call, named: tensors by role, launches by kernel reference.

:func:`observe` turns a :class:`~tritonlift.interp.recorder.Recording` (storages, launches) into an
:class:`Observation`: every storage a kernel touched gets a tensor name and a direction —

- a tensor the caller named (``--shape x=...``, or a variable in the ``record`` block's frame)
  keeps its name: ``in``, or ``inout`` when a launch wrote it;
- a storage the call returned (tensors anywhere in the returned value): ``out``;
- any other storage a launch wrote: ``temp`` (created by the host, passed between launches);

named after the kernel parameter it was first passed as (``out_mean_ptr`` -> ``mean``). A storage
every element of which held one value before its first launch (the host zero-filled it: with
``poison_empty`` every ``torch.empty`` buffer starts as NaN) gets ``init``. The observation's
*signature* is its launch structure (kernels, argument kinds, bool/str/dtype constexprs, tensors and
directions); its integers (grid, int arguments, pointer offsets, shapes, strides) are what
:mod:`tritonlift.interp.generalise` fits across sizes.
"""

from __future__ import annotations

import keyword
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .recorder import Buffer, DTypeArg, Launch, Recording, TensorArg, TraceError, spec_dtype


@dataclass(frozen=True)
class Real:
    name: str


@dataclass(frozen=True)
class TensorRef:
    tensor: str
    offset: int


@dataclass
class TensorObs:
    name: str
    direction: str
    dtype: str
    shape: tuple[int, ...]
    strides: tuple[int, ...]
    init: float | int | None
    origin: str
    sym_shape: tuple[str, ...] | None = None  # the caller's symbolic shape (named tensors)
    value_range: tuple[str, str] | None = None
    layout: tuple[int, ...] | None = None  # a named input's dimensions as this buffer holds them
    source: str | None = None  # the named input this buffer holds (itself or a host copy)


@dataclass
class LaunchObs:
    ref: str
    name: str
    grid: tuple[int, ...]
    args: dict[str, Any]  # TensorRef | int | float | bool | str | None | DTypeArg | Real
    constexprs: set[str]
    heuristics: set[str]
    autotune: Any
    writes: list[str]


@dataclass
class Observation:
    sizes: dict[str, int]
    tensors: dict[str, TensorObs]
    launches: list[LaunchObs]
    notes: list[str] = field(default_factory=list)

    def signature(self) -> tuple:
        launches = tuple(
            (lo.ref, len(lo.grid), tuple((p, _kind(v)) for p, v in lo.args.items())) for lo in self.launches)
        tensors = tuple(sorted((t.name, t.direction, t.dtype, len(t.shape), t.layout)
                               for t in self.tensors.values()))
        return launches, tensors

    def ints(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for li, lo in enumerate(self.launches):
            for d, g in enumerate(lo.grid):
                out[f"L{li}.grid.{d}"] = g
            for p, v in lo.args.items():
                if isinstance(v, int) and not isinstance(v, bool):
                    out[f"L{li}.arg.{p}"] = v
                elif isinstance(v, TensorRef):
                    out[f"L{li}.ptr.{p}"] = v.offset
        for t in self.tensors.values():
            for d, n in enumerate(t.shape):
                out[f"T.{t.name}.shape.{d}"] = n
            for d, s in enumerate(t.strides):
                out[f"T.{t.name}.stride.{d}"] = s
        return out

    def floats(self) -> dict[str, float]:
        return {f"L{li}.arg.{p}": v for li, lo in enumerate(self.launches) for p, v in lo.args.items()
                if isinstance(v, float)}

    def structure(self) -> str:
        """One line: the kernels and their non-integer constexprs."""
        parts = []
        for lo in self.launches:
            flags = [f"{p}={v}" for p, v in lo.args.items()
                     if isinstance(v, (bool, str)) or isinstance(v, DTypeArg)]
            parts.append(lo.name + (f"({', '.join(flags)})" if flags else ""))
        return "; ".join(parts) if parts else "no kernel launch"


def relayout(obs: Observation, layouts: dict[str, tuple[int, ...] | None],
             sym_shapes: dict[str, tuple[str, ...]]) -> Observation:
    """Describe each input buffer in the layout `layouts` gives for its name when that is the same
    memory: at a size of 1 the host's ``x.t().contiguous()`` is ``x`` itself (no copy), which holds
    its elements in the order of the copy made at other sizes."""
    for t in obs.tensors.values():
        target = layouts.get(t.name)
        if target is None or t.layout is None or t.source is None or t.layout == target:
            continue
        if sorted(target) != sorted(t.layout):
            continue
        orig = [0] * len(t.layout)
        for i, p in enumerate(t.layout):
            orig[p] = t.shape[i]
        if [p for p in t.layout if orig[p] != 1] != [p for p in target if orig[p] != 1]:
            continue
        t.shape = tuple(orig[p] for p in target)
        t.strides = _contiguous(t.shape)
        t.sym_shape = tuple(sym_shapes[t.source][p] for p in target)
        t.layout = tuple(target)
    return obs


def _kind(v: Any) -> Any:
    if isinstance(v, TensorRef):
        return ("tensor", v.tensor)
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return ("str", v)
    if v is None:
        return "none"
    if isinstance(v, DTypeArg):
        return ("dtype", v.name)
    if isinstance(v, Real):
        return ("real", v.name)
    return repr(v)


def tensor_name_from_param(param: str) -> str:
    """``out_mean_ptr`` -> ``mean``, ``Y_ptr`` -> ``y``, ``in_ptr`` -> ``inp``."""
    base = re.sub(r"(_ptrs?|_pointer|Ptr|_PTR)$", "", param) or param
    base = base.lower()
    for prefix in ("output_", "out_", "input_", "in_"):
        if base.startswith(prefix) and len(base) > len(prefix):
            base = base[len(prefix):]
            break
    if keyword.iskeyword(base) or base in ("input",):
        base = {"in": "inp", "input": "inp"}.get(base, base + "_t")
    if not re.match(r"^[A-Za-z_]\w*$", base):
        base = "buf"
    return base


def walk_tensors(value: Any, out: list[Any] | None = None) -> list[Any]:
    """Tensors anywhere in a returned value (tuples, lists, dicts, dataclass-like objects)."""
    out = [] if out is None else out
    if hasattr(value, "untyped_storage") and hasattr(value, "shape"):
        out.append(value)
    elif isinstance(value, (tuple, list)):
        for v in value:
            walk_tensors(v, out)
    elif isinstance(value, dict):
        for v in value.values():
            walk_tensors(v, out)
    return out


def _storage_key(t: Any) -> int:
    return int(t.untyped_storage().data_ptr())


def _view(t: Any) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    return tuple(int(s) for s in t.shape), tuple(int(s) for s in t.stride()), int(t.storage_offset())


_ITEMSIZE = {"f16": 2, "bf16": 2, "f32": 4, "f64": 8, "i1": 1, "i8": 1, "i16": 2, "i32": 4, "i64": 8,
             "u8": 1, "u32": 4, "u64": 8}


def _elements(buf: Buffer) -> int:
    return buf.nbytes // _ITEMSIZE[buf.dtype]


def _extent(shape: tuple[int, ...], strides: tuple[int, ...], offset: int) -> int:
    if any(n == 0 for n in shape):
        return offset
    return offset + 1 + sum((n - 1) * s for n, s in zip(shape, strides, strict=True))


def observe(rec: Recording, sizes: dict[str, int], *, named: dict[str, Any],
            sym_shapes: dict[str, tuple[str, ...]], returned: Any = None,
            reals: dict[str, float] | None = None, ranges: dict[str, tuple[str, str]] | None = None,
            outputs_named: bool = False, refs: dict[Any, str] | None = None,
            reserved: set[str] | None = None) -> Observation:
    """Name the storages and launches of one run. ``named``: the caller's tensors by name (inputs;
    with ``outputs_named`` a named tensor no launch wrote is an input, one written is ``out``
    unless it is in ``sym_shapes``); ``returned``: the call's result; ``reals``: symbolic real
    name -> the value passed; ``refs``: kernel function -> reference."""
    reals = reals or {}
    refs = refs or {}
    taken = set(reserved or ())
    by_key: dict[int, tuple[str, Any]] = {}
    for name, t in named.items():
        if hasattr(t, "untyped_storage"):
            by_key.setdefault(_storage_key(t), (name, t))
            taken.add(name)
    ret = walk_tensors(returned)
    ret_keys = {_storage_key(t): i for i, t in reversed(list(enumerate(ret)))}
    tensors: dict[str, TensorObs] = {}
    names: dict[int, str] = {}
    offsets: dict[int, int] = {}
    notes: list[str] = []
    named_order = {k: i for i, k in enumerate(by_key)}
    ordered = sorted(rec.buffers.items(), key=lambda kv: (named_order.get(kv[0], len(named_order)),))
    for key, buf in ordered:
        if key in by_key:
            name, t = by_key[key]
            shape, strides, off = _view(t)
            if name in sym_shapes or not outputs_named:
                direction, origin = ("inout" if buf.written else "in"), "input"
                if buf.written:
                    origin = "input, updated in place"
            else:
                direction, origin = ("out", "written by the kernels") if buf.written else ("in", "input")
            init = buf.fill if direction == "out" else None
            obs = TensorObs(name, direction, spec_dtype(t.dtype), shape, strides, init, origin,
                            sym_shapes.get(name), (ranges or {}).get(name), tuple(range(len(shape))),
                            name if name in sym_shapes else None)
        elif (copy := _host_copy(buf, by_key, sym_shapes)) is not None:
            src, perm = copy
            src_used = _storage_key(by_key_name(by_key, src)) in rec.buffers
            name = _unique(f"{src}_copy", taken) if src_used else src
            t = by_key_name(by_key, src)
            shape = tuple(int(t.shape[i]) for i in perm)
            strides, off = _contiguous(shape), 0
            how = f"{src}.clone()" if list(perm) == sorted(perm) else f"{src}.permute{tuple(perm)}.contiguous()"
            direction = "inout" if buf.written else "in"
            obs = TensorObs(name, direction, buf.dtype, shape, strides, None,
                            f"the host's copy {how} of input {src}" + (", updated in place" if buf.written else ""),
                            tuple(sym_shapes[src][i] for i in perm), (ranges or {}).get(src), tuple(perm), src)
            taken.add(name)
            init = None
        else:
            name = _unique(tensor_name_from_param(buf.first_param), taken)
            if key in ret_keys:
                t = ret[ret_keys[key]]
                shape, strides, off = _view(t)
                direction, origin = "out", f"returned (result #{ret_keys[key]})"
            elif buf.written and not _read_after_last_write(rec, key):
                # written, not returned, and no later launch reads it: a result the host keeps
                # (saved for the backward pass, or reduced on the host)
                shape, strides, off = buf.view
                direction = "out"
                last = max(i for i, lo in enumerate(rec.launches) if key in lo.writes)
                origin = (f"created by the host, written by launch {last + 1} ({buf.first_param}), not returned "
                          "and read by no later launch: a result the host keeps")
            else:
                shape, strides, off = buf.view
                direction = "temp"
                origin = f"created by the host, first passed as {buf.first_param} to launch {buf.first_launch + 1}"
                if not buf.written:
                    if buf.fill is None and not buf.poisoned:
                        raise TraceError(
                            f"launch {buf.first_launch + 1} reads a buffer ({buf.first_param}) the host filled with "
                            "computed data: neither an input, nor returned, nor written by a kernel")
                    origin += ", never written by a kernel"
            if _extent(shape, strides, off) < _elements(buf) or off != 0:
                # the view does not cover the storage: declare the storage as a flat buffer
                shape, strides, off = (_elements(buf),), (1,), 0
            if key in ret_keys and buf.dtype != spec_dtype(t.dtype):
                raise TraceError(f"result {name} is a {spec_dtype(t.dtype)} view of a buffer the kernels "
                                 f"use as {buf.dtype}")
            init = buf.fill
            obs = TensorObs(name, direction, buf.dtype, shape, strides, init, origin)
            taken.add(name)
        names[key] = name
        offsets[key] = off
        tensors[name] = obs
    launches: list[LaunchObs] = []
    for launch in rec.launches:
        launches.append(_launch_obs(launch, names, offsets, reals, refs))
    for i, t in enumerate(ret):
        if _storage_key(t) not in rec.buffers:
            notes.append(f"result #{i} (shape {tuple(t.shape)}) was not produced by a kernel launch")
    return Observation(dict(sizes), tensors, launches, notes)


def _read_after_last_write(rec: Recording, key: int) -> bool:
    last = max((i for i, lo in enumerate(rec.launches) if key in lo.writes), default=-1)
    return any(isinstance(v, TensorArg) and v.storage == key
               for lo in rec.launches[last + 1:] for v in lo.args.values())


def by_key_name(by_key: dict[int, tuple[str, Any]], name: str) -> Any:
    return next(t for n, t in by_key.values() if n == name)


def _contiguous(shape: tuple[int, ...]) -> tuple[int, ...]:
    out, acc = [], 1
    for n in reversed(shape):
        out.append(acc)
        acc *= max(n, 1)
    return tuple(reversed(out))


def _host_copy(buf: Buffer, by_key: dict[int, tuple[str, Any]],
               sym_shapes: dict[str, tuple[str, ...]]) -> tuple[str, tuple[int, ...]] | None:
    """(input name, permutation) when the storage held, before its first launch, a contiguous copy
    of a named input with its dimensions permuted (``x.clone()``, ``q.transpose(1, 2).contiguous()``)."""
    import itertools

    import torch

    if buf.initial is None or buf.poisoned or buf.fill is not None:
        return None
    for name, t in by_key.values():
        if name not in sym_shapes or spec_dtype(t.dtype) != buf.dtype:
            continue
        if t.numel() * t.element_size() != buf.initial.numel() or t.numel() < 2:
            continue
        for perm in itertools.permutations(range(t.dim())):
            data = t.detach().permute(perm).contiguous().view(-1).view(torch.uint8)
            if torch.equal(data, buf.initial):
                return name, perm
    return None


def _unique(base: str, taken: set[str]) -> str:
    name, k = base, 2
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    return name


def _launch_obs(launch: Launch, names: dict[int, str], offsets: dict[int, int],
                reals: dict[str, float], refs: dict[Any, str]) -> LaunchObs:
    args: dict[str, Any] = {}
    for p, v in launch.args.items():
        if isinstance(v, TensorArg):
            args[p] = TensorRef(names[v.storage], v.offset - offsets[v.storage])
        elif isinstance(v, float) and not isinstance(v, bool):
            args[p] = _match_real(v, reals)
        else:
            args[p] = v
    writes = [names[k] for k in sorted(launch.writes) if k in names]
    return LaunchObs(refs.get(launch.fn, launch.fn.__name__), launch.fn.__name__, launch.grid, args,
                     launch.constexprs, launch.heuristics, launch.autotune, writes)


def _match_real(v: float, reals: dict[str, float]) -> Any:
    import struct

    def f32(x: float) -> float:
        return struct.unpack("f", struct.pack("f", x))[0] if math.isfinite(x) else x

    hits = [n for n, r in reals.items() if v == r or f32(v) == f32(r)]
    return Real(hits[0]) if len(hits) == 1 else v


def spec_path_dir(path: str | Path) -> Path:
    return Path(path).resolve().parent
