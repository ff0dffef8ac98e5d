"""Generate FlagGems' rank-n pointwise kernels into a cache, and run launch specs against them.

FlagGems writes the real kernel of a ``@pointwise_dynamic`` scalar function (``abs_func`` ->
``abs_func_kernel_rank_1``) into its code cache the first time the op runs. tritonlift reads that
generated source like any other kernel; this module produces it, under a stable name, into an
output directory that is a cache (never the repository), with an ``index.json`` the core reads to
resolve ``kernel = "pointwise_dynamic:<module>:<function>:<rank>"``.

Bench tooling: torch, triton and flag_gems are imported inside functions, through
:mod:`tritonlift.bench.flaggems_shim` (CPU only, ``TRITON_INTERPRET=1``).

``python -m tritonlift.bench.flaggems_gen [OUT_DIR] [--spec FILE_OR_DIR ...] [--check]``
generates the kernels (by default those of the 14 elementwise benchmark items) and writes
``OUT_DIR/index.json``; ``--check`` then runs every launch spec of ``corpus/`` that names a
generated kernel at its samples, under the interpreter, against torch.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import hashlib
import importlib
import inspect
import json
import os
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .flaggems_shim import FLAGGEMS_VERSION, FlagGemsShimError, import_flag_gems

REF_PREFIX = "pointwise_dynamic:"
INDEX_NAME = "index.json"
INDEX_FORMAT = 1
GUARD = 8  # elements past the end of each test buffer that no launch may touch

# The scalar functions of the 14 elementwise benchmark items (public-42.tsv ids 1-14).
DEFAULT_REFS: tuple[str, ...] = (
    "pointwise_dynamic:flag_gems.ops.abs:abs_func:1",
    "pointwise_dynamic:flag_gems.ops.neg:neg_func:1",
    "pointwise_dynamic:flag_gems.ops.add:add_func:1",
    "pointwise_dynamic:flag_gems.ops.sub:sub_func:1",
    "pointwise_dynamic:flag_gems.ops.mul:mul_func:1",
    "pointwise_dynamic:flag_gems.ops.div:true_div_func:1",
    "pointwise_dynamic:flag_gems.ops.pow:pow_func_tensor_scalar:1",
    "pointwise_dynamic:flag_gems.ops.exp:exp_func:1",
    "pointwise_dynamic:flag_gems.ops.rsqrt:rsqrt_func:1",
    "pointwise_dynamic:flag_gems.ops.relu:relu_forward:1",
    "pointwise_dynamic:flag_gems.ops.sigmoid:sigmoid_forward:1",
    "pointwise_dynamic:flag_gems.ops.silu:silu_forward:1",
    "pointwise_dynamic:flag_gems.ops.tanh:tanh_kernel:1",
    "pointwise_dynamic:flag_gems.ops.gelu:gelu_none:1",
)


def default_out_dir() -> Path:
    """``$XDG_CACHE_HOME/tritonlift/flaggems-<version>`` (``~/.cache/...`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tritonlift" / f"flaggems-{FLAGGEMS_VERSION}"


@dataclass(frozen=True)
class GeneratedRef:
    """``pointwise_dynamic:<module>:<function>:<rank>`` taken apart."""

    module: str
    function: str
    rank: int

    @property
    def ref(self) -> str:
        return f"{REF_PREFIX}{self.module}:{self.function}:{self.rank}"

    @property
    def file_name(self) -> str:
        return f"{self.function}_rank_{self.rank}.py"


def parse_ref(ref: str) -> GeneratedRef:
    parts = ref.split(":")
    if len(parts) != 4 or parts[0] + ":" != REF_PREFIX or not parts[3].isdigit():
        raise FlagGemsShimError(
            f"bad generated-kernel reference {ref!r}: use pointwise_dynamic:<module>:<function>:<rank>"
        )
    return GeneratedRef(parts[1], parts[2], int(parts[3]))


# --------------------------------------------------------------------------------------------
# Generation


def ensure_flag_gems(cache_dir: Path) -> Any:
    """Import FlagGems (its cache in ``cache_dir``, see ``import_flag_gems``) with the code
    generator set to plain pointers; the ``flag_gems`` module."""
    flag_gems = import_flag_gems(cache_dir)
    from flag_gems.utils.codegen_config_utils import get_codegen_config

    # triton 3.9 removed tl.make_block_ptr; the generator's plain-pointer variant is the one that
    # runs (and the one tritonlift models).
    get_codegen_config().prefer_block_pointer = False
    return flag_gems


def scalar_function(module: str, func_name: str) -> Any:
    """The ``@pointwise_dynamic`` function ``module:func_name`` (a ``PointwiseDynamicFunction``);
    ``FlagGemsShimError`` if it is something else. Import FlagGems with :func:`ensure_flag_gems`
    first (FlagGems' cache directory)."""
    from flag_gems.utils.pointwise_dynamic import PointwiseDynamicFunction

    mod = importlib.import_module(module)
    fn = getattr(mod, func_name, None)
    if not isinstance(fn, PointwiseDynamicFunction):
        raise FlagGemsShimError(f"{module}:{func_name} is not a @pointwise_dynamic function")
    return fn


def unbound_names(source: str) -> list[str]:
    """Names the generated module reads at top level or in functions but never binds (no def,
    import, assignment, parameter or Python builtin). FlagGems runs the generated module with the
    scalar function's module globals merged in, so these resolve there (e.g. sigmoid's ``exp2 =
    tl_extra_shim.exp2`` alias, which the generated file uses but does not import)."""
    tree = ast.parse(source)
    bound: set[str] = set(dir(builtins))
    loaded: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store) else loaded).add(node.id)
    return sorted(loaded - bound)


def generate_pointwise_kernel(
    module: str,
    func_name: str,
    rank: int,
    out_dir: str | os.PathLike[str],
    *,
    cache_dir: str | os.PathLike[str] | None = None,
) -> tuple[Path, str]:
    """Generate the rank-``rank`` kernel of the ``@pointwise_dynamic`` function
    ``module:func_name`` and copy it, unchanged, to ``out_dir/<func_name>_rank_<rank>.py``.

    Returns ``(path of the copy, kernel name)``, e.g. ``(.../abs_func_rank_1.py,
    "abs_func_kernel_rank_1")``. FlagGems' own cache goes to ``cache_dir`` (default
    ``out_dir/.flaggems``) unless flag_gems was already imported through the shim. Records the
    kernel in ``out_dir/index.json``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ensure_flag_gems(Path(cache_dir) if cache_dir is not None else out / ".flaggems")
    fn = scalar_function(module, func_name)
    info = fn.get_kernel_info(rank)
    ref = GeneratedRef(module, func_name, rank)
    index = read_index(out)
    target = out / ref.file_name
    taken = {e["file"]: r for r, e in index["kernels"].items()}
    if taken.get(target.name, ref.ref) != ref.ref:  # same function name in two modules
        target = out / f"{module.replace('.', '_')}__{ref.file_name}"
    shutil.copyfile(info.file_path, target)
    source = target.read_text()
    index["kernels"][ref.ref] = {
        "file": target.name,
        "kernel": info.kernel_name,
        "wrapper": info.wrapper_name,
        "module": module,
        "function": func_name,
        "rank": rank,
        # FlagGems executes the generated module, then merges the scalar function's module
        # globals into it (PointwiseDynamicFunction.instantiate); names the file does not bind
        # resolve there.
        "globals_module": fn._scalar_fn.fn.__module__,
        "unbound_names": unbound_names(source),
        "sha256": hashlib.sha256(source.encode()).hexdigest(),
        "flaggems_file": Path(info.file_path).name,
    }
    write_index(out, index)
    return target, info.kernel_name


def read_index(out_dir: Path) -> dict[str, Any]:
    path = Path(out_dir) / INDEX_NAME
    if path.exists():
        data = json.loads(path.read_text())
        if data.get("format") == INDEX_FORMAT and data.get("flag_gems") == FLAGGEMS_VERSION:
            return data
    import triton

    return {
        "format": INDEX_FORMAT,
        "generator": "tritonlift.bench.flaggems_gen",
        "flag_gems": FLAGGEMS_VERSION,
        "triton": triton.__version__,
        "prefer_block_pointer": False,
        "kernels": {},
    }


def write_index(out_dir: Path, index: dict[str, Any]) -> None:
    index["kernels"] = dict(sorted(index["kernels"].items()))
    tmp = Path(out_dir) / (INDEX_NAME + ".tmp")
    tmp.write_text(json.dumps(index, indent=2) + "\n")
    tmp.replace(Path(out_dir) / INDEX_NAME)


def generate_all(out_dir: str | os.PathLike[str], refs: Iterable[str] = DEFAULT_REFS) -> dict[str, Path]:
    """Generate every reference of ``refs``; returns ref -> path of the copied source."""
    done: dict[str, Path] = {}
    for ref in refs:
        r = parse_ref(ref)
        done[r.ref], _ = generate_pointwise_kernel(r.module, r.function, r.rank, out_dir)
    return done


def refs_from_specs(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """The generated-kernel references named by launch specs (files, or directories of
    ``*.toml``), in first-seen order."""
    import tomllib

    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.glob("*.toml")) if p.is_dir() else [p])
    refs: list[str] = []
    for f in files:
        data = tomllib.loads(f.read_text())
        steps = data.get("launch") or [data]
        for st in steps:
            k = st.get("kernel", "")
            if isinstance(k, str) and k.startswith(REF_PREFIX) and k not in refs:
                refs.append(k)
    return refs


# --------------------------------------------------------------------------------------------
# Running launch specs under the interpreter (differential check of the specs themselves)


def load_generated_module(path: str | os.PathLike[str], globals_module: str, function: str) -> Any:
    """Load a generated kernel file the way FlagGems does: execute it, merge the scalar
    function's module globals in, and bind the scalar function by its name."""
    import importlib.util

    path = Path(path)
    spec = importlib.util.spec_from_file_location(f"_tritonlift_gen_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    scalar_mod = importlib.import_module(globals_module)
    pointwise = getattr(scalar_mod, function)
    m.__dict__.update(pointwise._scalar_fn.__globals__)
    m.__dict__[function] = pointwise._scalar_fn
    return m


_TORCH_DTYPES = {
    "fp16": "float16", "bf16": "bfloat16", "fp32": "float32", "fp64": "float64", "int1": "bool",
    "int8": "int8", "int16": "int16", "int32": "int32", "int64": "int64", "uint8": "uint8",
    "uint32": "uint32", "uint64": "uint64",
}


def _reference(op: str) -> Any:
    """torch meaning of a benchmark op: a function of the spec's input tensors, then its reals,
    each in declaration order. None for an op without an entry (only the host check runs)."""
    import torch
    import torch.nn.functional as F

    table = {
        "abs": torch.abs,
        "neg": torch.neg,
        "add": lambda x, y, alpha: x + y * alpha,
        "sub": lambda x, y, alpha: x - y * alpha,
        "mul": torch.mul,
        "div": torch.div,
        "pow": torch.pow,
        "exp": torch.exp,
        "rsqrt": torch.rsqrt,
        "relu": torch.relu,
        "sigmoid": torch.sigmoid,
        "silu": F.silu,
        "tanh": torch.tanh,
        "gelu": F.gelu,
    }
    return table.get(op)


@dataclass(frozen=True)
class LaunchCheck:
    """Outcome of one launch spec run at one size: the largest deviation of each output from
    torch (``reference_error``) and from FlagGems' own host path (``host_error``); ``inf`` means
    out of tolerance somewhere (or NaN on one side only)."""

    spec: str
    sizes: dict[str, int]
    reals: dict[str, float]
    grid: tuple[int, int, int]
    args: dict[str, Any]  # kernel argument values (tensor arguments by tensor name)
    reference_error: dict[str, float]
    host_error: dict[str, float]
    guard_ok: bool  # nothing written past the end of any buffer
    ok: bool

    def __str__(self) -> str:
        at = ", ".join(f"{k}={v}" for k, v in {**self.sizes, **self.reals}.items())
        status = "ok" if self.ok else "MISMATCH"
        host = f", vs FlagGems host {self.host_error}" if self.host_error else ""
        guard = "" if self.guard_ok else ", WRITES PAST THE END"
        return (
            f"{Path(self.spec).name} [{at}] grid={self.grid}: {status} "
            f"(vs torch {self.reference_error}{host}{guard})"
        )


@dataclass
class _Buffers:
    """The launch's tensors: a flat storage per tensor with GUARD elements after it, and the
    shaped view the spec declares."""

    flat: dict[str, Any]
    views: dict[str, Any]
    guards: dict[str, Any]
    sizes: dict[str, int]

    def guard_ok(self) -> bool:
        import torch

        return all(
            torch.equal(self.flat[k][self.sizes[k] :].view(torch.uint8), g.view(torch.uint8))
            for k, g in self.guards.items()
        )


def _make_buffers(conc: Any, seed: int) -> _Buffers:
    import torch

    gen = torch.Generator().manual_seed(seed)
    b = _Buffers({}, {}, {}, {})
    for name, t in conc.tensors.items():
        dtype = getattr(torch, _TORCH_DTYPES[t.dtype])
        size = t.storage_size + GUARD
        if t.direction in ("in", "inout"):
            if dtype.is_floating_point:
                buf = torch.randn(size, generator=gen, dtype=torch.float32).to(dtype)
            else:
                lo, hi = t.value_range or (-8, 8)
                buf = torch.randint(lo, hi, (size,), generator=gen).to(dtype)
        else:  # NaN where nothing was written, unless the spec says what the host fills in
            fill = t.init if t.init is not None else (float("nan") if dtype.is_floating_point else 0)
            buf = torch.full((size,), fill, dtype=dtype)
        b.flat[name] = buf
        b.sizes[name] = t.storage_size
        b.guards[name] = buf[t.storage_size :].clone()
        b.views[name] = torch.as_strided(buf, t.shape, t.strides)
    return b


def _max_error(a: Any, b: Any, atol: float, rtol: float) -> float:
    """Largest |a - b|, NaN on both sides counting as equal; inf if some element is outside
    atol + rtol * |b| or NaN on one side only."""
    import torch

    a64, b64 = a.double(), b.double()
    diff = (a64 - b64).abs()
    diff = torch.where(torch.isnan(a64) & torch.isnan(b64), torch.zeros_like(diff), diff)
    diff = torch.where(torch.isnan(diff), torch.full_like(diff, float("inf")), diff)
    if bool((diff > atol + rtol * b64.abs().nan_to_num()).any()):
        return float("inf")
    return float(diff.max()) if diff.numel() else 0.0


def launch_generated(
    spec_path: str | os.PathLike[str],
    sizes: dict[str, int],
    *,
    out_dir: str | os.PathLike[str] | None = None,
    reals: dict[str, float] | None = None,
    seed: int = 0,
    atol: float = 1e-6,
    rtol: float = 1e-5,
) -> LaunchCheck:
    """Run the launch spec ``spec_path`` at ``sizes`` under the interpreter with exactly the grid
    and arguments the spec gives (evaluated by tritonlift's own launch-spec front end), on random
    CPU tensors, and compare every output with torch (for the ops of :func:`_reference`) and with
    FlagGems' own host path: the generated wrapper, which chooses its own tile size, grid and
    branch, on the same inputs. An elementwise spec of a scalar function is run through the
    ``@pointwise_dynamic`` function itself (its host path), so only torch is compared.

    Generated kernels are produced into ``out_dir`` (default :func:`default_out_dir`) when the
    index lacks them. Reals default to 0.75. Outputs start as NaN so that elements left unwritten
    show, and stores past the end of a buffer are caught (``guard_ok``).
    """
    import numpy as np

    from ..frontend.concrete import RealSym, TensorPtr, instantiate
    from ..frontend.launch import load_launch

    out = Path(out_dir) if out_dir is not None else default_out_dir()
    spec = load_launch(spec_path)
    conc = instantiate(spec, sizes)
    if len(conc.steps) != 1:
        raise FlagGemsShimError(f"{spec_path}: only single-launch specs are supported here")
    step = conc.steps[0]
    real_values = {name: (reals or {}).get(name, 0.75) for name in spec.reals}
    bufs = _make_buffers(conc, seed)
    in_names = [k for k, t in conc.tensors.items() if t.direction in ("in", "inout")]
    inputs = {k: bufs.views[k].clone() for k in in_names}
    ensure_flag_gems(out / ".flaggems")

    host: dict[str, Any] = {}
    with np.errstate(all="ignore"):  # NaN/inf in the interpreter's numpy ops are expected
        if step.elementwise:
            # Tensors bind whole (the shaped views), reals by value, in the scalar function's
            # parameter order.
            module, function = step.kernel.rsplit(":", 1)
            pointwise = scalar_function(module, function)
            values = []
            for p in pointwise._scalar_fn.arg_names:
                v = step.args[p]
                values.append(bufs.views[v.tensor] if isinstance(v, TensorPtr)
                              else real_values[v.name] if isinstance(v, RealSym) else v)
            pointwise(*values, **{f"out{i}": bufs.views[o] for i, o in enumerate(step.outputs)})
            outputs = {o: bufs.views[o] for o in step.outputs}
        else:
            m, entry = _load_generated(step.kernel, out)
            args = {
                k: bufs.flat[v.tensor][v.offset :] if isinstance(v, TensorPtr)
                else real_values[v.name] if isinstance(v, RealSym) else v
                for k, v in step.args.items()
            }
            getattr(m, entry["kernel"])[step.grid](**args)
            outputs = {k: bufs.views[k] for k, t in conc.tensors.items() if t.direction in ("out", "inout")}
            host = _run_host_wrapper(m, entry, step, conc, inputs, real_values)

    reference: dict[str, Any] = {}
    ref_fn = _reference(spec.op)
    if ref_fn is not None and len(outputs) == 1:
        (name,) = outputs
        operands = [inputs[k] for k in in_names] + list(real_values.values())
        reference[name] = ref_fn(*operands).to(outputs[name].dtype)

    ref_err = {k: _max_error(outputs[k], reference[k], atol, rtol) for k in reference}
    host_err = {k: _max_error(outputs[k], host[k], atol, rtol) for k in host if k in outputs}
    guard_ok = bufs.guard_ok()
    ok = guard_ok and all(e != float("inf") for e in [*ref_err.values(), *host_err.values()])
    shown = {k: (v.tensor if isinstance(v, TensorPtr) else v) for k, v in step.args.items()}
    return LaunchCheck(str(spec_path), dict(sizes), real_values, step.grid, shown, ref_err,
                       host_err, guard_ok, ok)


def _load_generated(ref: str, out: Path) -> tuple[Any, dict[str, Any]]:
    """The generated module of ``ref`` (generating it into ``out`` if needed) and its index
    entry."""
    r = parse_ref(ref)
    entry = read_index(out)["kernels"].get(r.ref)
    if entry is None or not (out / entry["file"]).exists():
        generate_pointwise_kernel(r.module, r.function, r.rank, out)
        entry = read_index(out)["kernels"][r.ref]
    return load_generated_module(out / entry["file"], entry["globals_module"], r.function), entry


def _run_host_wrapper(m: Any, entry: dict, step: Any, conc: Any, inputs: dict, reals: dict) -> dict:
    """FlagGems' generated wrapper on the same inputs, i.e. the host's own task partition. The
    wrapper's ``in<k>``/``val<k>``/``out<k>`` take what the spec passes as the kernel's
    ``in<k>_ptr``/``val<k>``/``out<k>_ptr``."""
    import torch

    from ..frontend.concrete import RealSym, TensorPtr

    def bound(param: str) -> Any:
        v = step.args[param]
        if isinstance(v, TensorPtr):
            return v.tensor
        return reals[v.name] if isinstance(v, RealSym) else v

    wrapper = getattr(m, entry["wrapper"])
    positional: list[Any] = []
    outs: dict[str, Any] = {}
    for p in inspect.signature(wrapper).parameters:
        if p.startswith("in"):
            positional.append(inputs[bound(p + "_ptr")])
        elif p.startswith("val"):
            positional.append(bound(p))
        elif p.startswith("out"):
            t = conc.tensors[bound(p + "_ptr")]
            outs[p] = torch.empty(t.shape, dtype=getattr(torch, _TORCH_DTYPES[t.dtype]))
    wrapper(*positional, **outs)
    return {bound(p + "_ptr"): o for p, o in outs.items()}


# --------------------------------------------------------------------------------------------
# CLI


def _corpus_dir() -> Path:
    return Path(__file__).resolve().parents[3] / "corpus"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tritonlift.bench.flaggems_gen",
        description="Generate FlagGems rank-n pointwise kernels into a cache directory.",
    )
    parser.add_argument("out_dir", nargs="?", type=Path, default=None,
                        help=f"output (cache) directory; default {default_out_dir()}")
    parser.add_argument("--spec", action="append", default=[],
                        help="launch spec file or directory: generate the kernels it names "
                             "(default: the 14 elementwise benchmark items)")
    parser.add_argument("--check", action="store_true",
                        help="then run the corpus launch specs naming generated kernels, and the "
                             "matching .scalar specs, at their samples against torch")
    parser.add_argument("--corpus", type=Path, default=_corpus_dir(),
                        help="launch-spec directory for --check (default: %(default)s)")
    ns = parser.parse_args(argv)
    # This process is the tool's own: it may choose the interpreter for itself.
    os.environ.setdefault("TRITON_INTERPRET", "1")
    out = ns.out_dir or default_out_dir()
    refs = refs_from_specs(ns.spec) if ns.spec else list(DEFAULT_REFS)
    try:
        done = generate_all(out, refs)
    except FlagGemsShimError as e:
        print(e, file=sys.stderr)
        return 2
    index = read_index(Path(out))
    for ref, path in done.items():
        print(f"{index['kernels'][ref]['kernel']:40s} {path}")
    print(f"index: {Path(out) / INDEX_NAME}")
    if not ns.check:
        return 0
    return _check_corpus(Path(out), set(done), ns.corpus)


def _check_corpus(out: Path, refs: set[str], corpus: Path) -> int:
    import tomllib

    bad = 0
    for f in sorted(corpus.glob("*.toml")):
        data = tomllib.loads(f.read_text())
        kernel = data.get("kernel", "")
        scalar_ref = f"{REF_PREFIX}{kernel}:1" if data.get("elementwise") else None
        if kernel not in refs and scalar_ref not in refs:
            continue
        real_choices = [{}]
        if data.get("reals"):  # a fractional and an integral value for every real
            real_choices = [{r: v for r in data["reals"]} for v in (0.75, 2.0)]
        for sizes in data.get("samples") or [{"N": 5}, {"N": 9}]:
            for reals in real_choices:
                check = launch_generated(f, sizes, out_dir=out, reals=reals)
                print(check)
                bad += not check.ok
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
