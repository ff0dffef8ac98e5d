"""`tritonlift trace`: run a host call on CPU under ``TRITON_INTERPRET=1`` at several sizes, record
every kernel launch, generalise the integers to expressions of the size symbols and write a launch
spec (docs/launch-spec.md).

    trace_call("flag_gems.softmax(x, dim=1)", {"x": ("M", "N")}, out="softmax.toml")

How sizes are chosen: every size symbol is moved alone from a base point along a ladder of values
(powers of two and their neighbours, up to 65537) while a run stays affordable; where the launch
structure changes between two neighbouring values (another kernel, another bool constexpr, another
number of launches) the threshold is found by bisection. The spec describes the structure of the
base point (or of ``at``), constrained to the range between the thresholds found around it; the
other structures are listed in its comments. Its integers are fitted on the axis points and a few
points moving every symbol, then checked at points used for neither.

Tooling: torch/triton/flag_gems are imported inside functions only.
"""

from __future__ import annotations

import ast
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .observe import Observation, observe, relayout
from .recorder import LaunchRecorder, TraceError

LADDER = (1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 64, 100, 129, 256, 1000, 1025, 4096, 4097, 16385, 65537)
CHECK_VALUES = (6, 11, 23, 47, 300, 777, 1500, 3001, 5000, 20000, 50000)
BASES = (3, 5, 6, 7)
DTYPES = ("f16", "bf16", "f32", "f64", "i1", "i8", "i16", "i32", "i64", "u8")


@dataclass
class RealDecl:
    name: str
    value: float | None
    constraint: str


@dataclass
class TraceRequest:
    call: str
    shapes: dict[str, tuple[str, ...]]
    dtypes: dict[str, str] = field(default_factory=dict)
    reals: list[RealDecl] = field(default_factory=list)
    ranges: dict[str, tuple[str, str]] = field(default_factory=dict)
    op: str | None = None
    at: dict[str, int] | None = None
    max_size: int = 65537
    max_elements: int = 1 << 21
    run_budget: float = 6.0  # seconds: stop growing a size when a run is predicted to take longer
    generated_dir: Path | None = None
    command: str = ""
    widen: set[str] = field(default_factory=set)  # sizes whose threshold lower bound is dropped
    constraints: list[str] = field(default_factory=list)  # preconditions on the sizes (D % 2 == 0)
    autotune: str = "first"  # which surviving autotune config to run: first | smallest


@dataclass
class TraceResult:
    path: Path
    text: str
    fit_sizes: list[dict[str, int]]
    check_sizes: list[dict[str, int]]
    structures: dict[str, str]  # structure description -> where it was seen
    runs: int
    seconds: float


# -- parsing the command line forms -----------------------------------------------------------------


def parse_shapes(items: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """``["x=M,N", "w=N"]`` (or one string with spaces) -> {x: (M, N), w: (N,)}."""
    out: dict[str, tuple[str, ...]] = {}
    for item in items:
        for part in item.split():
            name, sep, dims = part.partition("=")
            if not sep or not re.fullmatch(r"[A-Za-z_]\w*", name):
                raise TraceError(f"--shape expects NAME=DIM,DIM,... (e.g. x=M,N), got {part!r}")
            ds = tuple(d.strip() for d in dims.split(",") if d.strip()) if dims.strip() else ()
            for d in ds:
                if not re.fullmatch(r"[A-Za-z_]\w*|\d+", d):
                    raise TraceError(f"--shape {name}: a dimension is a size symbol or an integer, got {d!r}")
                if re.fullmatch(r"[a-z][0-9]*", d):
                    raise TraceError(f"--shape {name}: size symbol {d!r} must not be a single lowercase letter")
            out[name] = ds
    return out


def parse_pairs(items: Sequence[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        for part in item.split():
            name, sep, val = part.partition("=")
            if not sep:
                raise TraceError(f"{what} expects NAME=VALUE, got {part!r}")
            out[name] = val
    return out


def parse_real(text: str) -> RealDecl:
    """``eps``, ``eps=1e-5``, ``eps: eps > 0``, ``eps=1e-5: eps > 0``."""
    head, _, constraint = text.partition(":")
    name, _, value = head.partition("=")
    name = name.strip()
    if not re.fullmatch(r"[a-z_]\w*", name):
        raise TraceError(f"--real: {name!r} must be a lower-case identifier")
    try:
        v = float(value) if value.strip() else None
    except ValueError:
        raise TraceError(f"--real {name}: {value!r} is not a number") from None
    return RealDecl(name, v, constraint.strip())


def symbols_of(shapes: dict[str, tuple[str, ...]]) -> list[str]:
    out: list[str] = []
    for dims in shapes.values():
        for d in dims:
            if not d.isdigit() and d not in out:
                out.append(d)
    return out


# -- running the call --------------------------------------------------------------------------------


class _Namespace(dict):
    """Names of the call: tensors, sizes, reals, then modules imported on first use."""

    def __init__(self, values: dict[str, Any], importer: Callable[[str], Any]) -> None:
        super().__init__(values)
        self.importer = importer

    def __missing__(self, key: str) -> Any:
        value = self.importer(key)
        self[key] = value
        return value


class Tracer:
    def __init__(self, req: TraceRequest) -> None:
        self.req = req
        self.symbols = symbols_of(req.shapes)
        if not self.symbols:
            raise TraceError("no size symbol: give a symbolic shape, e.g. --shape x=M,N")
        self.call_code, self.real_values = self._prepare_call()
        self.cache: dict[tuple[int, ...], Observation | str] = {}
        self.times: dict[tuple[int, ...], float] = {}
        self.refs: dict[Any, str] = {}
        self.out_dir = "."
        self.layouts: dict[str, tuple[int, ...] | None] = {}  # the base point's input layouts
        from ..frontend.intexpr import IntExprError, parse_int_expr

        try:
            self.constraints = [parse_int_expr(c, allow_bool=True) for c in req.constraints]
        except IntExprError as e:
            raise TraceError(f"--constraint: {e}") from None
        for c in self.constraints:
            if not c.names <= set(self.symbols):
                raise TraceError(f"--constraint {c.text!r} names {', '.join(sorted(c.names - set(self.symbols)))}: "
                                 "not a size symbol")

    def allowed(self, sizes: dict[str, int]) -> bool:
        """The sizes satisfy the caller's preconditions (``--constraint``)."""
        return all(bool(c.eval(sizes)) for c in self.constraints)

    def nearest_allowed(self, sizes: dict[str, int], s: str, lo: int, hi: int) -> int | None:
        """A value of `s` strictly between lo and hi, near the middle, that satisfies the constraints."""
        mid = (lo + hi) // 2
        for d in range(0, 17):
            for v in (mid + d, mid - d):
                if lo < v < hi and self.allowed({**sizes, s: v}):
                    return v
        return None

    def _prepare_call(self) -> tuple[Any, dict[str, float]]:
        try:
            tree = ast.parse(self.req.call.strip(), mode="eval")
        except SyntaxError as e:
            raise TraceError(f"the call is not a Python expression: {e.msg}") from None
        values: dict[str, float] = {}
        for r in self.req.reals:
            if r.value is not None:
                values[r.name] = r.value
        for node in ast.walk(tree):  # keyword literals give reals their values: eps=1e-5
            if isinstance(node, ast.keyword) and node.arg in {r.name for r in self.req.reals}:
                if isinstance(node.value, ast.Constant) and isinstance(node.value.value, (int, float)):
                    values.setdefault(node.arg, float(node.value.value))
                    node.value = ast.Name(node.arg, ast.Load())
        for r in self.req.reals:
            if r.name not in values:
                raise TraceError(f"--real {r.name}: no value (write {r.name}=<value> in the call or in --real)")
        ast.fix_missing_locations(tree)
        self.chains = _module_chains(tree)
        return compile(tree, "<trace call>", "eval"), values

    def _import(self, name: str) -> Any:
        import importlib

        module = self._import_root(name)
        for chain in self.chains:  # liger_kernel.ops.rms_norm: import the submodules named
            if chain[0] != name:
                continue
            for k in range(2, len(chain) + 1):
                try:
                    importlib.import_module(".".join(chain[:k]))
                except ImportError:
                    break
        return module

    def _import_root(self, name: str) -> Any:
        import importlib

        if name == "flag_gems":
            from ..bench.flaggems_gen import ensure_flag_gems

            return ensure_flag_gems(self.generated_dir / ".flaggems")
        if name == "F":
            import torch.nn.functional as F

            return F
        import builtins

        if hasattr(builtins, name):
            return getattr(builtins, name)
        try:
            return importlib.import_module(name)
        except ImportError:
            raise TraceError(f"the call names {name!r}: not a tensor, size, real or importable module") from None

    @property
    def generated_dir(self) -> Path:
        if self.req.generated_dir is not None:
            return self.req.generated_dir
        from ..options import Options

        return Options().generated_dir

    def elements(self, sizes: dict[str, int]) -> int:
        total = 0
        for dims in self.req.shapes.values():
            n = 1
            for d in dims:
                n *= int(d) if d.isdigit() else sizes[d]
            total += n
        return total

    def make_inputs(self, sizes: dict[str, int]) -> dict[str, Any]:
        import torch

        from ..frontend.intexpr import parse_int_expr

        gen = torch.Generator().manual_seed(1234)
        out: dict[str, Any] = {}
        for name, dims in self.req.shapes.items():
            shape = tuple(int(d) if d.isdigit() else sizes[d] for d in dims)
            dt = self.req.dtypes.get(name, "f32")
            tdt = {"f16": torch.float16, "bf16": torch.bfloat16, "f32": torch.float32, "f64": torch.float64,
                   "i1": torch.bool, "i8": torch.int8, "i16": torch.int16, "i32": torch.int32,
                   "i64": torch.int64, "u8": torch.uint8}.get(dt)
            if tdt is None:
                raise TraceError(f"--dtype {name}: unknown dtype {dt!r} (one of {', '.join(DTYPES)})")
            if tdt.is_floating_point:
                out[name] = torch.randn(shape, generator=gen, dtype=torch.float32).to(tdt)
            elif tdt == torch.bool:
                out[name] = torch.randint(0, 2, shape, generator=gen).bool()
            else:
                lo_t, hi_t = self.req.ranges.get(name, ("0", "4"))
                lo = int(parse_int_expr(lo_t).eval(sizes))
                hi = int(parse_int_expr(hi_t).eval(sizes))
                out[name] = torch.randint(lo, max(hi, lo + 1), shape, generator=gen).to(tdt)
        return out

    def run(self, sizes: dict[str, int], autotune: str | None = None) -> Observation | str:
        """Observation of the call at `sizes`, or the error it raised (as text). `autotune`
        overrides the request's policy (the largest configs validate an `all` spec)."""
        policy = autotune or self.req.autotune
        key: Any = tuple(sizes[s] for s in self.symbols)
        if autotune is not None:
            key = (key, autotune)
        if key in self.cache:
            return self.cache[key]
        import torch

        inputs = self.make_inputs(sizes)
        ns = _Namespace({**inputs, **sizes, **self.real_values}, self._import)
        start = time.perf_counter()
        try:
            with LaunchRecorder(poison_empty=True, autotune=policy) as rec, _philox_generator():
                torch.manual_seed(0)
                result = eval(self.call_code, {"__builtins__": __builtins__}, ns)
            refs = self._refs(rec.recording)
            obs: Observation | str = observe(
                rec.recording, sizes, named=inputs, sym_shapes=self.req.shapes, returned=result,
                reals=self.real_values, ranges=self.req.ranges, refs=refs,
                reserved=set(self.symbols) | set(self.real_values))
            if self.layouts and not isinstance(obs, str):
                obs = relayout(obs, self.layouts, self.req.shapes)
        except TraceError as e:
            obs = e.message
        except Exception as e:  # the host call itself failed at this size
            obs = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
        self.times[key] = time.perf_counter() - start
        self.cache[key] = obs
        return obs

    def rerun(self, sizes: dict[str, int]) -> Observation | str:
        """Run again (not from the cache): the time of a warm run."""
        self.cache.pop(tuple(sizes[s] for s in self.symbols), None)
        return self.run(sizes)

    def _refs(self, rec: Any) -> dict[Any, str]:
        from .kernels import kernel_ref

        spec_dir = Path(self.out_dir)
        for launch in rec.launches:
            if launch.fn not in self.refs:
                self.refs[launch.fn] = kernel_ref(launch.fn, spec_dir, self.generated_dir)
        return self.refs



    # -- choosing sizes ------------------------------------------------------------------------------
    def affordable(self, sizes: dict[str, int], prev: dict[str, int] | None) -> bool:
        if self.elements(sizes) > self.req.max_elements:
            return False
        if prev is not None:
            k = tuple(prev[s] for s in self.symbols)
            t = self.times.get(k, 0.0)
            ratio = self.elements(sizes) / max(1, self.elements(prev))
            if t * max(ratio, 1.0) > self.req.run_budget:
                return False
        return True

    def axis(self, base: dict[str, int], s: str) -> list[tuple[int, Any]]:
        """Runs along symbol `s` from `base` (ladder values, in increasing order)."""
        ladder = set()
        for v in LADDER:  # a value the preconditions exclude is replaced by its successor (D % 2 == 0)
            ladder.add(v if self.allowed({**base, s: v}) or not self.allowed({**base, s: v + 1}) else v + 1)
        values = sorted({v for v in ladder if v <= self.req.max_size} | {base[s]})
        out: list[tuple[int, Any]] = []
        prev = None
        for v in values:
            sizes = {**base, s: v}
            if not self.allowed(sizes):
                continue
            if v > base[s] and not self.affordable(sizes, prev):
                break
            out.append((v, self.run(sizes)))
            prev = sizes
        return out

    def signature(self, o: Observation | str) -> Any:
        return ("error", o) if isinstance(o, str) else o.signature()

    def bisect(self, base: dict[str, int], s: str, lo: int, hi: int) -> int:
        """Largest v in [lo, hi) with the signature of lo (that of hi differs)."""
        sig = self.signature(self.run({**base, s: lo}))
        while hi - lo > 1:
            mid = self.nearest_allowed(base, s, lo, hi)
            if mid is None:
                break
            if self.signature(self.run({**base, s: mid})) == sig:
                lo = mid
            else:
                hi = mid
        return lo


class _PhiloxState:
    """Stands for a CUDA generator whose state host code reads to seed ``tl.philox`` (FlagGems'
    ``philox_backend_seed_offset``): 16 bytes, seed then offset, reset to (0, 0) for every run so
    that runs at different sizes see the same state."""

    def __init__(self) -> None:
        import torch

        self.state = torch.zeros(2, dtype=torch.int64).view(torch.uint8)

    def get_state(self) -> Any:
        return self.state.clone()

    def set_state(self, state: Any) -> None:
        self.state = state.clone()

    def initial_seed(self) -> int:
        return 0


class _philox_generator:
    def __enter__(self) -> None:
        import torch

        self.saved = getattr(torch.cuda, "default_generators", ())
        if not self.saved:
            torch.cuda.default_generators = (_PhiloxState(),)

    def __exit__(self, *exc: object) -> None:
        import torch

        torch.cuda.default_generators = self.saved


def _module_chains(tree: ast.AST) -> list[list[str]]:
    """Dotted names of the call (``liger_kernel.ops.rms_norm.rms_norm_forward``)."""
    out: list[list[str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain: list[str] = []
            cur: ast.AST = node
            while isinstance(cur, ast.Attribute):
                chain.append(cur.attr)
                cur = cur.value
            if isinstance(cur, ast.Name):
                out.append([cur.id, *reversed(chain)])
    return out


def _describe(o: Observation | str) -> str:
    return f"the call fails ({o})" if isinstance(o, str) else o.structure()


def trace(req: TraceRequest, out: str | os.PathLike[str]) -> TraceResult:
    """Trace `req.call` and write its launch spec to `out`."""
    from . import explore

    return explore.trace_to_spec(req, Path(out))
