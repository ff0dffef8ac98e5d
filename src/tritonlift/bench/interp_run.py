"""Differential testing: run a launch spec's real kernels under ``TRITON_INTERPRET=1`` and compare
every output element with the symbolic executor's Term for it, evaluated in float64.

Bench tooling: the core never imports this module, and torch/triton are imported inside functions
only. FlagGems is imported through :mod:`tritonlift.bench.flaggems_shim` (which also fills the
interpreter's libdevice gap for every kernel), generated FlagGems kernels are loaded with
:mod:`tritonlift.bench.flaggems_gen`.

    differential(spec_path, sizes)          # -> Result (mismatches, not comparable, counts)
    random_inputs(conc, seed)               # inputs and reals
    run_kernels(conc, tensors, reals)       # the kernels' outputs, float64/int64 numpy
    compare(spec, outputs, tensors, reals)  # -> list of mismatches (a Comparison)

Where the interpreter's meaning differs from the compiler's, the kernel is run with the
compiler's meaning (the one tritonlift models, DESIGN §3/§5), through run-scoped patches that
are undone after the launch (:mod:`tritonlift.bench.compiled_semantics`: element-wise
``and``/``or``/``not``, libdevice's ``module_map``, ``tl.dtype.value``); Python float arguments
become fp32 scalars (shim: ``patch_interpreter``).

Elementwise launches (a scalar jit function) run through a small generated kernel that loads the
operands, calls the scalar function itself and stores its results. On the spec side, an element
whose Term holds ``undef(...)`` or an uninterpreted call is "not comparable" (reported, never
counted as passing), except that a ``where`` whose condition the inputs decide is first reduced to
the selected branch, and Triton's Philox random functions are evaluated by reference
implementations (``RANDOM_CALLS`` of :mod:`tritonlift.bench.philox_reference`), bit-exact with
``tl.philox``/``tl.uint_to_uniform_float``.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import math
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import TritonLiftError
from ..frontend.concrete import ConcreteLaunch, ConcreteStep, DType, RealSym, TensorPtr
from .compiled_semantics import compiled_semantics, exec_source
from .philox_reference import RANDOM_CALLS

GUARD = 16  # elements before and after every buffer's storage that no launch may touch

_FLOAT_DTYPES = ("fp16", "bf16", "fp32", "fp64")
_TORCH_DTYPES = {
    "fp16": "float16", "bf16": "bfloat16", "fp32": "float32", "fp64": "float64", "int1": "bool",
    "int8": "int8", "int16": "int16", "int32": "int32", "int64": "int64", "uint8": "uint8",
    "uint32": "uint32", "uint64": "uint64",
}
_TL_DTYPES = {
    "fp16": "float16", "bf16": "bfloat16", "fp32": "float32", "fp64": "float64", "int1": "int1",
    "int8": "int8", "int16": "int16", "int32": "int32", "int64": "int64", "uint8": "uint8",
    "uint32": "uint32", "uint64": "uint64",
}
# What an int output element holds until a kernel writes it (detects unwritten elements).
_INT_UNWRITTEN = {"int8": -99, "int16": -12345, "int32": -123456789, "int64": -123456789,
                  "uint8": 201, "uint32": 123456789, "uint64": 123456789}
# Relative precision of an output dtype: the tolerance is widened to it for 16-bit outputs.
_EPS = {"fp16": 2.0**-10, "bf16": 2.0**-7}


class InterpRunError(TritonLiftError):
    """The kernels of a launch spec could not be run under the Triton interpreter."""

    kind = "interp error"


# --------------------------------------------------------------------------------------------
# Inputs


def random_inputs(conc: ConcreteLaunch, seed: int = 0) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Random contents for every ``in``/``inout`` tensor (numpy arrays over the logical shape) and a
    value for every real of the spec.

    Floats are standard normal, rounded to the tensor's dtype (so the kernel and the float64
    evaluation see the same numbers) and kept as float64; int tensors are uniform in their
    ``range`` (``[-8, 8)``, ``[0, 16)`` unsigned, when none is given); bool tensors are random.
    Reals are uniform in 0.1..1.0 above a constant lower bound (``eps > 0``), below a constant
    upper bound when there is one (``prob < 1``), otherwise in -1..1; every constraint (also
    relational ones such as ``hi > lo``) is checked and the draw repeated. Reals are rounded to
    fp32, the type compiled Triton gives a Python float argument.
    """
    rng = np.random.default_rng(seed)
    tensors: dict[str, np.ndarray] = {}
    for name, t in conc.tensors.items():
        if t.direction not in ("in", "inout"):
            continue
        if t.dtype in _FLOAT_DTYPES:
            tensors[name] = round_to_dtype(rng.standard_normal(t.shape), t.dtype)
        elif t.dtype == "int1":
            tensors[name] = rng.integers(0, 2, size=t.shape).astype(bool)
        else:
            try:
                tensors[name] = t.sample_ints(rng, (0, 16) if t.dtype.startswith("uint") else (-8, 8))
            except ValueError as e:
                raise InterpRunError(str(e)) from None
    return tensors, _random_reals(conc, rng)


def round_to_dtype(a: np.ndarray, dtype: str) -> np.ndarray:
    """float64 values rounded (to nearest even) to ``dtype``, returned as float64."""
    if dtype == "fp16":
        return a.astype(np.float16).astype(np.float64)
    if dtype == "fp32":
        return a.astype(np.float32).astype(np.float64)
    if dtype == "bf16":
        bits = np.asarray(a, dtype=np.float32).view(np.uint32).astype(np.uint64)
        bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
        return bits.astype(np.uint32).view(np.float32).astype(np.float64)
    return np.asarray(a, dtype=np.float64)


def _random_reals(conc: ConcreteLaunch, rng: np.random.Generator) -> dict[str, float]:
    spec = conc.spec
    if not spec.reals:
        return {}
    names = dict(conc.env)
    constraints = [(c, ast.parse(c, mode="eval")) for cs in spec.reals.values() for c in cs]
    ranges = {r: _sample_range(r, [t for _, t in constraints]) for r in spec.reals}
    for _ in range(1000):
        vals = {r: float(np.float32(rng.uniform(lo, hi))) for r, (lo, hi) in ranges.items()}
        env = {**names, **vals}
        if all(_eval_constraint(t.body, env, c) for c, t in constraints):
            return vals
    raise InterpRunError(f"no random reals satisfy the constraints of {spec.path}: "
                         + "; ".join(c for c, _ in constraints))


def _sample_range(name: str, trees: list[ast.Expression]) -> tuple[float, float]:
    """Sampling interval for a real, from comparisons of it with constants."""
    lo = hi = None
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Compare) or len(node.ops) != 1:
                continue
            left, op, right = node.left, node.ops[0], node.comparators[0]
            if isinstance(right, ast.Name) and right.id == name and _const(left) is not None:
                left, right = right, left
                op = {ast.Lt: ast.Gt(), ast.LtE: ast.GtE(), ast.Gt: ast.Lt(), ast.GtE: ast.LtE()}.get(type(op), op)
            if not (isinstance(left, ast.Name) and left.id == name) or _const(right) is None:
                continue
            c = _const(right)
            if isinstance(op, (ast.Gt, ast.GtE)):
                lo = c if lo is None else max(lo, c)
            elif isinstance(op, (ast.Lt, ast.LtE)):
                hi = c if hi is None else min(hi, c)
    if lo is not None and hi is not None:
        w = hi - lo
        return lo + 0.1 * w, hi - 0.1 * w
    if lo is not None:
        return lo + 0.1, lo + 1.0
    if hi is not None:
        return hi - 2.0, hi - 0.1
    return -1.0, 1.0


def _const(node: ast.AST) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        c = _const(node.operand)
        return -c if c is not None else None
    return None


_CMP = {ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b,
        ast.GtE: lambda a, b: a >= b, ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b}
_ARITH = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
          ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a**b}


def _eval_constraint(node: ast.AST, env: dict[str, Any], text: str) -> Any:
    """A real constraint (comparisons, and/or/not, + - * / **, names, numbers)."""
    def ev(n: ast.AST) -> Any:
        if isinstance(n, ast.BoolOp):
            vals = [ev(v) for v in n.values]
            return all(vals) if isinstance(n.op, ast.And) else any(vals)
        if isinstance(n, ast.UnaryOp):
            v = ev(n.operand)
            return (not v) if isinstance(n.op, ast.Not) else -v if isinstance(n.op, ast.USub) else v
        if isinstance(n, ast.Compare):
            left = ev(n.left)
            for op, right in zip(n.ops, n.comparators, strict=True):
                r = ev(right)
                if type(op) not in _CMP or not _CMP[type(op)](left, r):
                    return False
                left = r
            return True
        if isinstance(n, ast.BinOp) and type(n.op) in _ARITH:
            return _ARITH[type(n.op)](ev(n.left), ev(n.right))
        if isinstance(n, ast.Name) and n.id in env:
            return env[n.id]
        if isinstance(n, ast.Constant) and isinstance(n.value, (int, float)):
            return n.value
        raise InterpRunError(f"cannot evaluate the real constraint {text!r} (at {ast.unparse(n)!r})")

    return ev(node)


# --------------------------------------------------------------------------------------------
# Running the kernels


@dataclass
class _Buffers:
    flat: dict[str, Any] = field(default_factory=dict)  # GUARD + storage + GUARD elements
    views: dict[str, Any] = field(default_factory=dict)  # the logical tensor
    guards: dict[str, Any] = field(default_factory=dict)  # saved bytes of both guard regions


def _unwritten_value(dtype: str) -> Any:
    if dtype in _FLOAT_DTYPES:
        return float("nan")
    return False if dtype == "int1" else _INT_UNWRITTEN[dtype]


def _make_buffers(conc: ConcreteLaunch, tensors: dict[str, np.ndarray]) -> _Buffers:
    import torch

    b = _Buffers()
    for name, t in conc.tensors.items():
        dtype = getattr(torch, _TORCH_DTYPES[t.dtype])
        flat = torch.full((t.storage_size + 2 * GUARD,), _unwritten_value(t.dtype), dtype=dtype)
        view = torch.as_strided(flat, t.shape, t.strides, GUARD)
        if t.direction in ("in", "inout"):
            if name not in tensors:
                raise InterpRunError(f"no input values for tensor {name}")
            data = np.asarray(tensors[name])
            if data.shape != t.shape:
                raise InterpRunError(f"input {name} has shape {data.shape}, the spec says {t.shape}")
            view.copy_(torch.from_numpy(np.ascontiguousarray(data)).to(dtype))
        elif t.init is not None:
            view.fill_(t.init)
        b.flat[name] = flat
        b.views[name] = view
        b.guards[name] = (flat[:GUARD].clone(), flat[GUARD + t.storage_size:].clone())
    return b


def _guard_problems(conc: ConcreteLaunch, b: _Buffers) -> list[str]:
    import torch

    out = []
    for name, (before, after) in b.guards.items():
        flat, size = b.flat[name], conc.tensors[name].storage_size
        same = [torch.equal(flat[:GUARD].view(torch.uint8), before.view(torch.uint8)),
                torch.equal(flat[GUARD + size:].view(torch.uint8), after.view(torch.uint8))]
        if not all(same):
            where = "before" if not same[0] else "after"
            out.append(f"{name}: the kernel wrote {where} the tensor's storage (out of bounds)")
    return out


def run_kernels(conc: ConcreteLaunch, tensors: dict[str, np.ndarray], reals: dict[str, float], *,
                generated_dir: str | os.PathLike[str] | None = None,
                flaggems_cache: str | os.PathLike[str] | None = None,
                problems: list[str] | None = None) -> dict[str, np.ndarray]:
    """Run the launches of ``conc`` in order under the Triton interpreter on CPU tensors built from
    ``tensors``/``reals``; return every ``out``/``inout`` tensor over its logical shape (float64
    for floats, int64 for ints and bools).

    Out and temp tensors start as NaN (ints: a sentinel, see ``_INT_UNWRITTEN``) unless the spec
    gives ``init``, so unwritten elements show. Every storage has ``GUARD`` elements on both
    sides; a write there is appended to ``problems`` (raised as an error without that list). ``generated_dir`` holds the generated
    FlagGems kernels (default ``Options().generated_dir``); FlagGems' own cache goes to
    ``flaggems_cache`` (default ``<generated_dir>/.flaggems``) when this call imports it.
    """
    if os.environ.get("TRITON_INTERPRET") != "1":
        raise InterpRunError("TRITON_INTERPRET=1 must be set (before triton is imported) to run kernels on CPU")
    import torch

    from .flaggems_shim import patch_interpreter

    patch_interpreter()  # libdevice through torch, fp32 float arguments, one autotune config
    gen_dir = Path(generated_dir) if generated_dir is not None else _default_generated_dir()
    cache = Path(flaggems_cache) if flaggems_cache is not None else gen_dir / ".flaggems"
    bufs = _make_buffers(conc, tensors)
    base_dir = Path(conc.spec.path).resolve().parent
    for step in conc.steps:
        fn = resolve_kernel(step.kernel, base_dir, gen_dir, cache)
        with np.errstate(all="ignore"):
            if step.elementwise:
                _run_elementwise(fn, step, conc, bufs, reals)
            else:
                args = {k: _kernel_arg(v, bufs, reals) for k, v in step.args.items()}
                with compiled_semantics(fn):
                    fn[step.grid](**args)
    found = _guard_problems(conc, bufs)
    if problems is not None:
        problems.extend(found)
    elif found:
        raise InterpRunError("; ".join(found))
    out: dict[str, np.ndarray] = {}
    for name, t in conc.tensors.items():
        if t.direction in ("out", "inout"):
            v = bufs.views[name]
            wide = torch.float64 if t.dtype in _FLOAT_DTYPES else torch.int64
            out[name] = v.to(wide).numpy().copy()
    return out


def _default_generated_dir() -> Path:
    from ..options import Options

    return Options().generated_dir


def _kernel_arg(v: Any, bufs: _Buffers, reals: dict[str, float]) -> Any:
    if isinstance(v, TensorPtr):
        return bufs.flat[v.tensor][GUARD + v.offset:]
    if isinstance(v, RealSym):
        if v.name not in reals:
            raise InterpRunError(f"no value for the real {v.name}")
        return float(reals[v.name])
    if isinstance(v, DType):
        import triton.language as tl

        return getattr(tl, _TL_DTYPES[v.name])
    return v  # int, float, bool, str, None


# -- kernel references ---------------------------------------------------------------------------

_MODULES: dict[Path, Any] = {}  # kernel files imported by path, once per process


def resolve_kernel(ref: str, base_dir: Path, generated_dir: Path, flaggems_cache: Path) -> Any:
    """The ``InterpretedFunction`` a kernel reference names (Autotuner, Heuristics and other
    wrappers are unwrapped through ``.fn``): ``file.py::name`` (relative to ``base_dir``),
    ``package.module:name`` or ``pointwise_dynamic:module:function:rank``."""
    from triton.runtime.interpreter import InterpretedFunction

    if ref.startswith("pointwise_dynamic:"):
        obj = _generated_kernel(ref, generated_dir, flaggems_cache)
    elif "::" in ref:
        file, name = ref.rsplit("::", 1)
        path = Path(file) if Path(file).is_absolute() else base_dir / file
        obj = _attr(_import_path(path.resolve()), name, ref)
    elif ":" in ref:
        modname, name = ref.rsplit(":", 1)
        if modname.split(".")[0] == "flag_gems":
            _flag_gems(flaggems_cache)
        obj = _attr(importlib.import_module(modname), name, ref)
    else:
        raise InterpRunError(f"bad kernel reference {ref!r}")
    return _unwrap(obj, ref, InterpretedFunction)


def _unwrap(obj: Any, ref: str, interpreted: type) -> Any:
    seen = 0
    while not isinstance(obj, interpreted):
        # Autotuner, Heuristics, LibEntry: .fn; FlagGems' PointwiseDynamicFunction: ._scalar_fn
        inner = getattr(obj, "fn", None) or getattr(obj, "_scalar_fn", None)
        if inner is None or seen > 8:
            from triton.runtime.jit import JITFunction

            if isinstance(obj, JITFunction):
                raise InterpRunError(f"{ref}: a compiled JITFunction: its module was imported before "
                                     "TRITON_INTERPRET=1 was set")
            raise InterpRunError(f"{ref}: {type(obj).__name__} is not a @triton.jit function")
        obj, seen = inner, seen + 1
    return obj


def _attr(module: Any, name: str, ref: str) -> Any:
    if not hasattr(module, name):
        raise InterpRunError(f"{ref}: module {module.__name__} has no attribute {name!r}")
    return getattr(module, name)


def _flag_gems(cache: Path) -> Any:
    from .flaggems_gen import ensure_flag_gems

    return ensure_flag_gems(cache)


def _generated_kernel(ref: str, generated_dir: Path, cache: Path) -> Any:
    from .flaggems_gen import load_generated_module, parse_ref, read_index

    r = parse_ref(ref)
    _flag_gems(cache)
    entry = read_index(generated_dir)["kernels"].get(r.ref) if (generated_dir / "index.json").exists() else None
    path = generated_dir / (entry["file"] if entry else r.file_name)
    if not path.exists():
        raise InterpRunError(f"{ref!r} has not been generated: no {path} (run `tritonlift gen-flaggems`)")
    key = path.resolve()
    if key not in _MODULES:
        if entry:
            globals_module = entry["globals_module"]
        else:
            from .flaggems_gen import scalar_function

            globals_module = scalar_function(r.module, r.function)._scalar_fn.fn.__module__
        _MODULES[key] = load_generated_module(path, globals_module, r.function)
    kernel = entry["kernel"] if entry else f"{r.function}_kernel_rank_{r.rank}"
    return _attr(_MODULES[key], kernel, ref)


def _import_path(path: Path) -> Any:
    """Import a kernel file by path, once. Its directory goes on ``sys.path`` (sibling helper
    modules), and so does the nearest ancestor holding the top-level package of any absolute
    import the file makes that is not importable otherwise (``tests.kernels.helpers_mathlib``
    imported from ``tests/kernels/swiglu.py``), as the front end resolves them."""
    if path in _MODULES:
        return _MODULES[path]
    if not path.exists():
        raise InterpRunError(f"kernel file not found: {path}")
    roots = [path.parent]
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                 else [])
        for top in {n.split(".")[0] for n in names}:
            if top in sys.modules or importlib.util.find_spec(top) is not None:
                continue
            for anc in path.parents:
                if (anc / top).is_dir() or (anc / f"{top}.py").is_file():
                    roots.append(anc)
                    break
    for r in roots:
        if str(r) not in sys.path:
            sys.path.insert(0, str(r))
    modname = "_tritonlift_kernel_" + re.sub(r"\W", "_", str(path.with_suffix("")).lstrip("/"))
    spec = importlib.util.spec_from_file_location(modname, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[modname]
        raise
    _MODULES[path] = module
    return module


# -- elementwise launches ------------------------------------------------------------------------

_WRAPPERS: dict[tuple, Any] = {}


def _run_elementwise(scalar: Any, step: ConcreteStep, conc: ConcreteLaunch, bufs: _Buffers,
                     reals: dict[str, float]) -> None:
    """Apply the scalar jit function to every element through a small generated kernel:
    one program per BLOCK elements of the flattened (contiguous) operands."""
    import torch

    shape = conc.tensors[step.outputs[0]].shape
    n = math.prod(shape)
    params = inspect.signature(scalar.fn).parameters
    constexprs = {p for p, v in params.items() if "constexpr" in str(v.annotation)}
    tensor_args = [k for k, v in step.args.items() if isinstance(v, TensorPtr)]
    scalar_args = [k for k in step.args if k not in tensor_args]
    for k in tensor_args:
        if conc.tensors[step.args[k].tensor].shape != shape:
            raise InterpRunError(f"elementwise launch: {step.args[k].tensor} does not have the shape {shape}")
    key = (id(scalar), tuple(tensor_args), tuple(scalar_args), len(step.outputs), frozenset(constexprs))
    if key not in _WRAPPERS:
        _WRAPPERS[key] = _make_elementwise_kernel(scalar, tensor_args, scalar_args, constexprs, len(step.outputs))
    kernel = _WRAPPERS[key]
    args: dict[str, Any] = {}
    for k in tensor_args:
        args[f"t_{k}"] = bufs.views[step.args[k].tensor].contiguous().reshape(-1)
    for k in scalar_args:
        args[f"s_{k}"] = _kernel_arg(step.args[k], bufs, reals)
    outs = []
    for i, name in enumerate(step.outputs):
        o = torch.empty(n, dtype=bufs.views[name].dtype)
        args[f"out{i}"] = o
        outs.append((name, o))
    block = 64
    with compiled_semantics(kernel):
        kernel[(max(1, -(-n // block)),)](**args, n=n, BLOCK=block)
    for name, o in outs:
        bufs.views[name].copy_(o.reshape(shape))


def _make_elementwise_kernel(scalar: Any, tensor_args: list[str], scalar_args: list[str],
                             constexprs: set[str], n_out: int) -> Any:
    import triton
    import triton.language as tl

    params = [f"t_{k}" for k in tensor_args]
    params += [f"s_{k}: tl.constexpr" if k in constexprs else f"s_{k}" for k in scalar_args]
    params += [f"out{i}" for i in range(n_out)] + ["n", "BLOCK: tl.constexpr"]
    body = ["offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)", "mask = offs < n"]
    body += [f"v_{k} = tl.load(t_{k} + offs, mask=mask)" for k in tensor_args]
    call = ", ".join([f"{k}=v_{k}" for k in tensor_args] + [f"{k}=s_{k}" for k in scalar_args])
    body.append(f"r = _scalar_fn({call})")
    if n_out == 1:
        body.append("tl.store(out0 + offs, r, mask=mask)")
    else:
        body += [f"tl.store(out{i} + offs, r[{i}], mask=mask)" for i in range(n_out)]
    name = "tritonlift_elementwise"
    src = f"def {name}({', '.join(params)}):\n" + "".join(f"    {line}\n" for line in body)
    glb = {"tl": tl, "triton": triton, "_scalar_fn": scalar, "__name__": f"_tritonlift_elementwise_{scalar.__name__}"}
    fn = exec_source(src, name, glb, f"elementwise {scalar.__name__}")
    return triton.jit(fn)


# --------------------------------------------------------------------------------------------
# Comparison


class Comparison(list):
    """The mismatches (a list of messages), plus ``compared`` (elements checked) and
    ``not_comparable`` (messages for written elements whose Term holds ``undef(...)`` or an
    uninterpreted ``call(...)``: never counted as passing)."""

    def __init__(self) -> None:
        super().__init__()
        self.compared = 0
        self.not_comparable: list[str] = []
        self.reasons: dict[str, int] = {}  # why elements are not comparable -> how many


def _fmt_idx(idx: tuple[int, ...]) -> str:
    return "[" + ", ".join(map(str, idx)) + "]"


def _short(t: Any, limit: int = 400) -> str:
    s = str(t)
    return s if len(s) <= limit else s[:limit] + f" ... ({len(s)} chars)"


def _blocking(term: Any) -> str | None:
    """Why ``term`` cannot be evaluated: an ``undef(...)`` or an uninterpreted call without a
    reference implementation in ``RANDOM_CALLS``; None if it can."""
    from ..dsl.term import Op, walk

    for n in walk(term):
        if n.op is Op.UNDEF:
            return f"undef({n.attrs[0]})"
        if n.op is Op.CALL and n.attrs[0] not in RANDOM_CALLS:
            return f"uninterpreted call {n.attrs[0]}(...)"
    return None


def _prune(term: Any, env: Any) -> Any:
    """``term`` with every ``where(c, a, b)`` whose condition contains no ``undef``/uninterpreted
    call and evaluates to a scalar on ``env`` replaced by the branch it selects. An ``undef`` in
    a branch the inputs do not select does not influence the element's value, so the pruned
    term has the same value as the original for these inputs (it may become evaluable)."""
    from ..dsl.evaluate import evaluate
    from ..dsl.term import Op, Term, walk

    blocked: set[int] = set()
    for n in walk(term):  # children before parents
        if (n.op is Op.UNDEF or n.op is Op.CALL and n.attrs[0] not in RANDOM_CALLS
                or any(id(a) in blocked for a in n.args)):
            blocked.add(id(n))
    memo: dict[int, Any] = {}

    def go(t: Term) -> Term:
        if id(t) not in blocked:
            return t
        if id(t) in memo:
            return memo[id(t)]
        r = t
        if t.op is Op.WHERE and id(t.args[0]) not in blocked:
            try:
                c = evaluate(t.args[0], env)
            except Exception:  # free index variables (inside a binder), ...
                c = None
            if c is not None and np.ndim(c) == 0:
                r = go(t.args[1] if bool(c) else t.args[2])
        if r is t and t.args:
            r = Term.make(t.op, tuple(go(a) for a in t.args), t.attrs)
        memo[id(t)] = r
        return r

    return go(term) if id(term) in blocked else term


def compare(spec: Any, outputs: dict[str, np.ndarray], tensors: dict[str, np.ndarray],
            reals: dict[str, float], rtol: float = 1e-4, atol: float = 1e-5, *,
            launch: ConcreteLaunch | None = None) -> Comparison:
    """Compare the kernel's ``outputs`` with the symbolic ``spec`` (a ``symex.runner.Spec``):
    every written element's Term is evaluated in float64 on ``tensors``/``reals`` and must be
    within ``atol + rtol·|expected|`` of the kernel's value (widened to the output dtype's
    precision for 16-bit outputs; ints exactly; NaN equals NaN). With ``launch`` given, elements
    the spec leaves unwritten must still hold their initial contents (the input of an ``inout``
    tensor, ``init``, or the NaN/sentinel fill), i.e. the kernel wrote nothing there."""
    from ..dsl.evaluate import Env, evaluate
    from ..errors import DslError

    result = Comparison()
    symbols: dict[str, Any] = dict(spec.sizes)
    if launch is not None:
        symbols.update(launch.env)
    symbols.update(reals)
    env = Env(tensors=dict(tensors), symbols=symbols, calls=dict(RANDOM_CALLS))
    for name, terms in spec.outputs.items():
        if name not in outputs:
            result.append(f"{name}: the kernel run returned no values for this output")
            continue
        got = np.asarray(outputs[name])
        if got.shape != terms.shape:
            result.append(f"{name}: kernel shape {got.shape} vs spec shape {terms.shape}")
            continue
        t = launch.tensors[name] if launch is not None else None
        dtype = t.dtype if t is not None else None
        rt = max(rtol, 2 * _EPS.get(dtype, 0.0))
        at = max(atol, 2 * _EPS.get(dtype, 0.0))
        for idx in np.ndindex(terms.shape):
            term = terms[idx]
            k = got[idx]
            where = f"{name}{_fmt_idx(idx)}"
            if term is None:
                if t is not None:
                    initial = tensors[name][idx] if t.direction == "inout" else (
                        t.init if t.init is not None else _unwritten_value(t.dtype))
                    if dtype != "int1" and not _same(k, initial, 0.0, 0.0):
                        result.append(f"{where}: the spec leaves it unwritten, but the kernel changed it "
                                      f"from {_num(initial)} to {_num(k)}")
                continue
            why = _blocking(term)
            if why is not None:
                term = _prune(term, env)
                why = _blocking(term)
            if why is not None:
                result.not_comparable.append(f"{where}: not comparable ({why}); spec term: {_short(term)}")
                result.reasons[why] = result.reasons.get(why, 0) + 1
                continue
            try:
                expected = evaluate(term, env)
            except (DslError, IndexError, TypeError, ValueError) as e:
                result.append(f"{where}: cannot evaluate the spec term ({type(e).__name__}: {e}); "
                              f"spec term: {_short(term)}")
                continue
            result.compared += 1
            exact = dtype is not None and dtype not in _FLOAT_DTYPES
            if not _same(k, expected, 0.0 if exact else rt, 0.0 if exact else at):
                if not exact and isinstance(k, float) and math.isnan(k) and not np.isnan(np.float64(expected)):
                    note = " (NaN: the kernel did not write it, or computed NaN)"
                else:
                    note = ""
                diff = abs(float(k) - float(expected)) if np.isfinite([float(k), float(expected)]).all() else float("inf")
                result.append(f"{where}: kernel {_num(k)} vs spec {_num(expected)} (|diff| {diff:.3g}){note}; "
                              f"spec term: {_short(term)}")
    return result


def _num(v: Any) -> str:
    v = v.item() if isinstance(v, np.generic) else v
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _same(k: Any, e: Any, rtol: float, atol: float) -> bool:
    try:
        kf, ef = float(k), float(np.asarray(e, dtype=np.float64))
    except (TypeError, ValueError):
        return False
    if math.isnan(kf) or math.isnan(ef):
        return math.isnan(kf) and math.isnan(ef)
    if math.isinf(kf) or math.isinf(ef):
        return kf == ef
    return abs(kf - ef) <= atol + rtol * abs(ef)


# --------------------------------------------------------------------------------------------
# Tying it together


@dataclass
class Result:
    """One differential run: the spec at one size and autotune choice, on one random input.
    ``ok``: nothing differs and at least one element was compared."""

    spec_path: str
    sizes: dict[str, int]
    choice: dict[str, int]
    reals: dict[str, float]
    compared: int
    mismatches: list[str]
    not_comparable: list[str]
    reasons: dict[str, int]  # why elements are not comparable -> how many
    findings: list[str]  # the symbolic executor's findings (OOB, races, gathers, ...)
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.mismatches and self.compared > 0

    def header(self) -> str:
        at = ", ".join(f"{k}={v}" for k, v in {**self.sizes, **self.reals}.items())
        choice = f" choice {self.choice}" if self.choice else ""
        return (f"{Path(self.spec_path).name} [{at}]{choice}: {self.compared} compared, "
                f"{len(self.mismatches)} mismatches, {len(self.not_comparable)} not comparable "
                f"({self.seconds:.2f} s)")

    def report(self, limit: int | None = 20) -> str:
        """The header, then mismatches (up to ``limit``; all with None), a few not-comparable
        elements and the symbolic executor's findings."""
        shown = self.mismatches if limit is None else self.mismatches[:limit]
        lines = [self.header()] + [f"  MISMATCH {m}" for m in shown]
        if len(shown) < len(self.mismatches):
            lines.append(f"  ... {len(self.mismatches) - len(shown)} more mismatches")
        lines += [f"  {m}" for m in self.not_comparable[:5]]
        lines += [f"  finding: {f}" for f in self.findings[:5]]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.report()


def differential(spec_path: str | os.PathLike[str], sizes: dict[str, int] | None = None,
                 choice: dict[str, int] | None = None, seed: int = 0, *, opts: Any = None,
                 flaggems_cache: str | os.PathLike[str] | None = None,
                 rtol: float = 1e-4, atol: float = 1e-5) -> Result:
    """Symbolically execute the launch spec at ``sizes`` (default: its first default size), run
    its kernels under the interpreter on random inputs (``seed``) and compare element by
    element. ``opts`` is the pipeline's ``Options`` (its ``generated_dir`` serves both sides)."""
    from ..frontend.concrete import instantiate
    from ..frontend.launch import load_launch
    from ..options import Options
    from ..pipeline import default_sizes, run_spec

    start = time.perf_counter()
    opts = opts or Options()
    spec = load_launch(spec_path)
    if sizes is None:
        sizes = default_sizes(spec, choice)[0]
    choice = dict(choice or {})
    conc = instantiate(spec, sizes, choice)
    sym = run_spec(spec, sizes, choice, opts)
    tensors, reals = random_inputs(conc, seed)
    problems: list[str] = []
    outputs = run_kernels(conc, tensors, reals, generated_dir=opts.generated_dir,
                          flaggems_cache=flaggems_cache, problems=problems)
    cmp = compare(sym, outputs, tensors, reals, rtol, atol, launch=conc)
    return Result(str(spec_path), dict(sizes), dict(conc.choice), reals, cmp.compared,
                  problems + list(cmp), cmp.not_comparable, dict(cmp.reasons),
                  [str(f) for f in sym.findings], time.perf_counter() - start)
