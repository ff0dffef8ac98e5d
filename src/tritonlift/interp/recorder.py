"""Record every Triton kernel launch a piece of host code makes under ``TRITON_INTERPRET=1``.

:class:`LaunchRecorder` is a context manager that wraps, for its duration only, the launch path
of Triton 3.9's interpreter:

- ``InterpretedFunction.run`` (what ``kernel[grid](...)`` calls, directly or through the
  wrappers below): the innermost launch, with every argument after heuristics and autotuning.
  The grid is resolved (a callable grid is called with the arguments, as Triton does), every
  tensor-like argument (``torch.Tensor``, FlagGems ``StridedBuffer``, ``TensorWrapper``) is
  identified by its storage and element offset, and the storages are compared before and after
  the launch to know which ones it wrote. The kernel runs with the compiler's meaning
  (:func:`tritonlift.bench.compiled_semantics.compiled_semantics`).
- ``Autotuner.run``: the full list of configurations, the ones surviving the kernel's own
  pruning (the interpreter keeps the first: it cannot benchmark), ``reset_to_zero``.
- ``Heuristics.run``: which constexprs a ``@triton.heuristics`` decorator computed.
- optionally (``poison_empty``) ``torch.empty``/``empty_like``/``new_empty``/``empty_strided``
  fill new float buffers with NaN and int buffers with a sentinel, so that a buffer found all
  zero (or all one value) before its first launch was filled by the host.

Tooling only: torch and triton are imported inside functions.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

from ..errors import TritonLiftError

TORCH_TO_SPEC = {
    "float16": "f16", "bfloat16": "bf16", "float32": "f32", "float64": "f64", "bool": "i1",
    "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64", "uint8": "u8", "uint32": "u32",
    "uint64": "u64",
}
TL_TO_SPEC = {
    "fp16": "f16", "bf16": "bf16", "fp32": "f32", "fp64": "f64", "int1": "i1", "int8": "i8",
    "int16": "i16", "int32": "i32", "int64": "i64", "uint8": "u8", "uint32": "u32", "uint64": "u64",
}
INT_SENTINEL = -0x5A5A5A5A
_INT_POISON = {"int8": -99, "int16": -12345, "uint8": 201, "int32": INT_SENTINEL, "int64": INT_SENTINEL,
               "uint32": 0x5A5A5A5A, "uint64": 0x5A5A5A5A}


class TraceError(TritonLiftError):
    """A host call could not be traced, or its launches cannot be written as a launch spec."""

    kind = "trace error"


@dataclass(frozen=True)
class TensorArg:
    """A pointer argument: ``offset`` elements (of ``dtype``) into the storage ``storage``."""

    storage: int
    offset: int
    dtype: str  # spec dtype: f32, i64, ...
    shape: tuple[int, ...]
    strides: tuple[int, ...]


@dataclass(frozen=True)
class DTypeArg:
    name: str  # spec dtype


@dataclass
class Autotune:
    configs: list[dict[str, Any]]  # every config of the decorator (kwargs)
    surviving: list[dict[str, Any]]  # after the kernel's own pruning (early_config_prune)
    chosen: dict[str, Any]
    reset_to_zero: list[str]
    key: list[str]


@dataclass
class Launch:
    fn: Any  # the Python function of the kernel (not the InterpretedFunction)
    grid: tuple[int, ...]
    args: dict[str, Any]  # param -> TensorArg | int | float | bool | str | None | DTypeArg
    params: list[str]
    constexprs: set[str]
    heuristics: set[str] = field(default_factory=set)
    autotune: Autotune | None = None
    writes: set[int] = field(default_factory=set)  # storages this launch changed
    generated: Any = None  # FlagGems PointwiseDynamic origin: (module, function, rank)


@dataclass
class Buffer:
    """A storage seen as a kernel argument."""

    key: int
    nbytes: int
    dtype: str
    view: tuple[tuple[int, ...], tuple[int, ...], int]  # first view: shape, strides, element offset
    first_launch: int
    first_param: str
    fill: float | int | None = None  # every element equal before the first launch (not poison)
    written: bool = False
    poisoned: bool = False  # still the NaN / sentinel fill of an uninitialised torch.empty
    initial: Any = None  # the storage's bytes before its first launch (uint8 tensor)


@dataclass
class Recording:
    launches: list[Launch] = field(default_factory=list)
    buffers: dict[int, Buffer] = field(default_factory=dict)
    keep: list[Any] = field(default_factory=list)  # keeps every argument's storage alive


def spec_dtype(dt: Any) -> str:
    """'f32' for torch.float32 / tl.float32 / 'fp32'."""
    name = str(dt)
    if name.startswith("torch."):
        name = name[6:]
        if name in TORCH_TO_SPEC:
            return TORCH_TO_SPEC[name]
    if name in TL_TO_SPEC:
        return TL_TO_SPEC[name]
    if name in TORCH_TO_SPEC:
        return TORCH_TO_SPEC[name]
    raise TraceError(f"unsupported dtype {dt!r}")


def _is_tensor_like(v: Any) -> bool:
    return hasattr(v, "data_ptr") and hasattr(v, "dtype") and not isinstance(v, type)


def _storage_of(v: Any) -> Any:
    base = getattr(v, "base", None) if type(v).__name__ == "TensorWrapper" else v
    st = base.untyped_storage()
    if not hasattr(st, "nbytes"):
        raise TraceError(f"a kernel argument of type {type(v).__name__} has no storage (raw pointer)")
    return st


def _tensor_arg(v: Any, rec: Recording) -> TensorArg:
    st = _storage_of(v)
    dtype = spec_dtype(v.dtype)
    itemsize = _itemsize(v.dtype)
    delta = int(v.data_ptr()) - int(st.data_ptr())
    if delta % itemsize:
        raise TraceError("a pointer argument is not aligned to its element size")
    shape = tuple(int(s) for s in (v.shape if hasattr(v, "shape") else ()))
    strides = tuple(int(s) for s in v.stride()) if hasattr(v, "stride") else ()
    rec.keep.append(v)
    return TensorArg(int(st.data_ptr()), delta // itemsize, dtype, shape, strides)


def _itemsize(dt: Any) -> int:
    if hasattr(dt, "itemsize"):
        return int(dt.itemsize)
    if hasattr(dt, "primitive_bitwidth"):
        return max(1, dt.primitive_bitwidth // 8)
    raise TraceError(f"unknown element size of {dt!r}")


def scalar_value(v: Any) -> Any:
    """A kernel argument that is not a tensor, as a plain Python value or DTypeArg."""
    import numpy as np

    if hasattr(v, "value") and type(v).__name__ == "constexpr":
        v = v.value
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v)
    tname = type(v).__module__ + "." + type(v).__name__
    if tname.startswith("torch.") and tname.endswith("dtype") or "triton.language" in tname and "dtype" in tname:
        return DTypeArg(spec_dtype(v))
    if hasattr(v, "item") and getattr(v, "numel", lambda: 2)() == 1:  # a 0-d tensor as a scalar
        return scalar_value(v.item())
    if isinstance(v, tuple):
        raise TraceError(f"tuple-valued kernel argument {v!r}: not expressible in a launch spec")
    raise TraceError(f"unsupported kernel argument of type {type(v).__name__}")


def _storage_bytes(st: Any) -> Any:
    import torch

    return torch.empty(0, dtype=torch.uint8).set_(st).clone()


_POISON = object()


def _uniform_value(raw: Any, dtype: str) -> Any:
    """The one value every element of the storage bytes `raw` holds (as `dtype`): None when they
    differ, `_POISON` when it is the NaN / sentinel fill of an uninitialised buffer."""
    import torch

    tdt = getattr(torch, {v: k for k, v in TORCH_TO_SPEC.items()}[dtype])
    n = raw.numel() // tdt.itemsize
    if n == 0:
        return None
    vals = raw[: n * tdt.itemsize].view(tdt)
    first = vals[0]
    if tdt.is_floating_point:
        if bool(torch.isnan(vals).all()):
            return _POISON
        if not bool((vals == first).all()):
            return None
        f = float(first)
        return int(f) if f.is_integer() else f
    if not bool((vals == first).all()):
        return None
    v = int(first)
    return _POISON if v == _INT_POISON.get(str(tdt)[6:]) else v


AUTOTUNE_POLICIES = ("first", "smallest", "largest", "all")  # "all" executes the smallest


def config_size(kwargs: dict[str, Any]) -> int:
    """The product of a config's integer constexprs (its block sizes)."""
    n = 1
    for v in kwargs.values():
        if isinstance(v, int) and not isinstance(v, bool) and v > 0:
            n *= v
    return n


class LaunchRecorder:
    """Context manager recording the launches made inside it into ``self.recording``."""

    def __init__(self, poison_empty: bool = False, autotune: str = "first") -> None:
        if autotune not in AUTOTUNE_POLICIES:
            raise TraceError(f"autotune policy {autotune!r}: one of {', '.join(AUTOTUNE_POLICIES)}")
        self.recording = Recording()
        self.poison_empty = poison_empty
        self.autotune = autotune
        self._undo: list[Any] = []
        self._autotune: list[Autotune] = []
        self._heuristics: list[set[str]] = []

    # -- patching --------------------------------------------------------------------------------
    def __enter__(self) -> LaunchRecorder:
        from triton.runtime.autotuner import Autotuner, Heuristics
        from triton.runtime.interpreter import InterpretedFunction

        from ..bench.flaggems_shim import patch_interpreter

        patch_interpreter()
        self._patch(InterpretedFunction, "run", self._wrap_run)
        self._patch(Autotuner, "run", self._wrap_autotuner)
        self._patch(Autotuner, "prune_configs", self._wrap_prune)
        self._patch(Heuristics, "run", self._wrap_heuristics)
        if self.poison_empty:
            self._poison()
        return self

    def __exit__(self, *exc: object) -> None:
        for undo in reversed(self._undo):
            undo()
        self._undo.clear()

    def _patch(self, owner: Any, name: str, make: Any) -> None:
        original = owner.__dict__[name]
        setattr(owner, name, make(original))
        self._undo.append(lambda: setattr(owner, name, original))

    def _poison(self) -> None:
        import torch

        def poisoned(t: Any) -> Any:
            if isinstance(t, torch.Tensor) and t.numel():
                with torch.no_grad():
                    if t.dtype.is_floating_point:
                        t.fill_(float("nan"))
                    elif str(t.dtype)[6:] in _INT_POISON:
                        t.fill_(_INT_POISON[str(t.dtype)[6:]])
            return t

        def wrap(fn: Any) -> Any:
            def alloc(*a: Any, **k: Any) -> Any:
                return poisoned(fn(*a, **k))

            return alloc

        for owner, name in ((torch, "empty"), (torch, "empty_like"), (torch, "empty_strided"),
                            (torch.Tensor, "new_empty")):
            original = getattr(owner, name)
            setattr(owner, name, wrap(original))
            self._undo.append(lambda o=owner, n=name, f=original: setattr(o, n, f))

    # -- wrappers ----------------------------------------------------------------------------------
    def _wrap_autotuner(self, original: Any) -> Any:
        rec = self

        def run(tuner: Any, *args: Any, **kwargs: Any) -> Any:
            nargs = dict(zip(tuner.arg_names, args, strict=False))
            configs = [dict(c.kwargs) for c in tuner.configs]
            surviving = configs
            prune = getattr(tuner, "early_config_prune", None)
            if prune and len(tuner.configs) > 1:
                try:
                    surviving = [dict(c.kwargs) for c in prune(tuner.configs, nargs, **kwargs)]
                except Exception:  # the real launch below reports a broken pruner
                    surviving = configs
            info = Autotune(configs, surviving, {}, list(tuner.reset_to_zero), list(tuner.keys))
            rec._autotune.append(info)
            tuner.cache.clear()  # a choice cached by an earlier run (another policy) must not stick
            try:
                return original(tuner, *args, **kwargs)
            finally:
                rec._autotune.pop()

        return run

    def _wrap_prune(self, original: Any) -> Any:
        """The interpreter runs one config (it cannot benchmark): the first surviving the kernel's
        pruning, or with ``autotune="smallest"`` the one with the smallest block sizes. Either is a
        launch the host makes on some GPU."""
        rec = self

        def prune_configs(tuner: Any, kwargs: dict) -> list:
            surviving = list(tuner.configs)
            if tuner.early_config_prune:
                surviving = list(tuner.early_config_prune(tuner.configs, tuner.nargs, **kwargs)) or surviving
            if rec.autotune in ("smallest", "all"):
                return [min(surviving, key=lambda c: config_size(c.kwargs))]
            if rec.autotune == "largest":
                return [max(surviving, key=lambda c: config_size(c.kwargs))]
            return surviving[:1]

        return prune_configs

    def _wrap_heuristics(self, original: Any) -> Any:
        rec = self

        def run(h: Any, *args: Any, **kwargs: Any) -> Any:
            rec._heuristics.append(set(h.values))
            try:
                return original(h, *args, **kwargs)
            finally:
                rec._heuristics.pop()

        return run

    def _wrap_run(self, original: Any) -> Any:
        rec = self

        def run(kernel: Any, *args: Any, grid: Any, warmup: Any, **kwargs: Any) -> Any:
            if warmup:
                return original(kernel, *args, grid=grid, warmup=warmup, **kwargs)
            from ..bench.compiled_semantics import compiled_semantics

            launch, storages = rec._begin(kernel, args, grid, kwargs)
            before = {k: _storage_bytes(st) for k, st in storages.items()}
            for k, raw in before.items():
                buf = rec.recording.buffers[k]
                if buf.initial is None:
                    buf.initial = raw
                    fill = _uniform_value(raw, buf.dtype)
                    buf.poisoned = fill is _POISON
                    buf.fill = None if fill is _POISON else fill
            with compiled_semantics(kernel):
                out = original(kernel, *args, grid=grid, warmup=warmup, **kwargs)
            for k, st in storages.items():
                if not bool((_storage_bytes(st) == before[k]).all()):
                    launch.writes.add(k)
                    rec.recording.buffers[k].written = True
            return out

        return run

    def _begin(self, kernel: Any, args: tuple, grid: Any, kwargs: dict) -> tuple[Launch, dict[int, Any]]:
        fn = kernel.fn
        sig = inspect.signature(fn)
        params = list(sig.parameters)
        kwargs = {k: v for k, v in kwargs.items() if k in sig.parameters}
        try:
            bound = sig.bind(*args, **kwargs)
        except TypeError as e:
            raise TraceError(f"kernel {fn.__name__}: {e}") from None
        bound.apply_defaults()  # a parameter's default is part of the launch (grids read them too)
        raw = dict(bound.arguments)
        g = grid(raw) if callable(grid) else grid
        g = tuple(int(scalar_value(x)) for x in (g if isinstance(g, (tuple, list)) else (g,)))
        annotations = {k: str(v) for k, v in inspect.get_annotations(fn).items()}
        constexprs = {k for k, v in annotations.items() if "constexpr" in v}
        rec = self.recording
        index = len(rec.launches)
        values: dict[str, Any] = {}
        storages: dict[int, Any] = {}
        for name, v in raw.items():
            if _is_tensor_like(v):
                ta = _tensor_arg(v, rec)
                values[name] = ta
                st = _storage_of(v)
                storages[ta.storage] = st
                if ta.storage not in rec.buffers:
                    shape, strides = ta.shape, ta.strides
                    rec.buffers[ta.storage] = Buffer(
                        ta.storage, int(st.nbytes()), ta.dtype, (shape, strides, ta.offset), index, name)
            else:
                values[name] = scalar_value(v)
        tune = self._autotune[-1] if self._autotune else None
        if tune is not None:
            tune.chosen = {k: values[k] for k in (tune.surviving[0] if tune.surviving else {}) if k in values}
        launch = Launch(fn, g, values, params, constexprs,
                        set().union(*self._heuristics) if self._heuristics else set(), tune)
        rec.launches.append(launch)
        return launch, storages
