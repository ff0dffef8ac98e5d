"""Import FlagGems 5.0.2 on a CPU-only machine and run its kernels under the Triton interpreter.

Bench tooling only: the core never imports this module. Everything heavy (torch, triton,
flag_gems) is imported inside functions, and every patch applies to the current process only.

What has to be faked, and why (see /work/shared/corpus/README.md):

- FlagGems detects its vendor at import time through ``torch.cuda``; on a machine without a GPU
  that raises. :func:`import_flag_gems` fakes the handful of ``torch.cuda`` queries it makes and
  sets ``GEMS_VENDOR=nvidia``.
- ``flag_gems.utils.libentry.libentry`` caches compiled kernels per device and
  ``libtuner`` benchmarks configs; neither works under ``TRITON_INTERPRET=1``. They are replaced,
  right after ``flag_gems.utils.libentry`` executes and before any op module binds them, by a no-op
  decorator and by plain ``triton.autotune``.
- The interpreter cannot benchmark, so an autotuner with more than one config fails
  (``0 active drivers``): :func:`patch_interpreter` makes every ``triton.runtime.Autotuner`` keep
  the first config that survives the kernel's own pruning.
- libdevice functions (``tanh``, ``pow``, ``erf``, ``exp2``, ...) are ``extern_elementwise`` calls
  the interpreter refuses. :func:`patch_interpreter` evaluates them with torch, dispatched on the
  libdevice symbol Triton itself selects (``__nv_powif`` versus ``__nv_powf``, ...).
- The interpreter asserts that every jit function's module imports ``triton.language``; FlagGems
  scalar functions like ``add_func`` live in modules that import only ``triton``.
- FlagGems' generated wrappers pass ``StridedBuffer`` arguments the interpreter cannot copy to
  the host; on CPU tensors they need no copy and go through unchanged.
- Python float kernel arguments stay Python floats in the interpreter, while compiled Triton
  passes them as fp32 scalars (FlagGems' ``pow_func_tensor_scalar`` calls
  ``exponent.to(tl.float32)`` on one). :func:`patch_interpreter` converts them to fp32 scalars.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import importlib.abc
import importlib.machinery
import inspect
import os
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import TritonLiftError

FLAGGEMS_VERSION = "5.0.2"

# The device FlagGems is told it runs on: an A100 (compute capability 8.0), the capability its
# NVIDIA backend and code generator are written for.
_FAKE_DEVICE_NAME = "NVIDIA A100-SXM4-80GB"
_FAKE_CAPABILITY = (8, 0)

_state: dict[str, Any] = {"interpreter_patched": False, "cuda_faked": False, "hook": None}


class FlagGemsShimError(TritonLiftError):
    """FlagGems could not be imported or launched under the interpreter."""

    kind = "bench error"


# --------------------------------------------------------------------------------------------
# torch.cuda fakes


def _fake_device_properties(device: Any = None) -> types.SimpleNamespace:
    major, minor = _FAKE_CAPABILITY
    return types.SimpleNamespace(
        name=_FAKE_DEVICE_NAME,
        major=major,
        minor=minor,
        total_memory=80 * 1024**3,
        multi_processor_count=108,
        L2_cache_size=40 * 1024**2,
        max_threads_per_multi_processor=2048,
        warp_size=32,
        regs_per_multiprocessor=65536,
        is_integrated=False,
        is_multi_gpu_board=False,
        uuid="00000000-0000-0000-0000-000000000000",
    )


class _FakeDeviceContext(contextlib.AbstractContextManager):
    """Stands for ``torch.cuda.device(i)``: entering it changes nothing on a CPU run."""

    def __init__(self, device: Any = None) -> None:
        self.idx = 0

    def __exit__(self, *exc: object) -> None:
        return None


def fake_torch_cuda() -> None:
    """Make ``torch.cuda`` answer FlagGems' import-time queries as one sm_80 device.

    Only the queries FlagGems makes are faked; allocating on ``cuda`` still fails, which is what
    we want: kernels are launched on CPU tensors under the interpreter.
    """
    if _state["cuda_faked"]:
        return
    import torch

    cuda = torch.cuda
    fakes: dict[str, Callable[..., Any]] = {
        "is_available": lambda: True,
        "device_count": lambda: 1,
        "current_device": lambda: 0,
        "set_device": lambda device: None,
        "get_device_name": lambda device=None: _FAKE_DEVICE_NAME,
        "get_device_properties": _fake_device_properties,
        "get_device_capability": lambda device=None: _FAKE_CAPABILITY,
        "synchronize": lambda device=None: None,
        "device": _FakeDeviceContext,
        "is_initialized": lambda: True,
        "_lazy_init": lambda: None,
    }
    for name, value in fakes.items():
        setattr(cuda, name, value)
    _state["cuda_faked"] = True


# --------------------------------------------------------------------------------------------
# libentry / libtuner replacements


def _noop_libentry() -> Callable[[Any], Any]:
    """``libentry()`` without its per-device kernel cache: the decorated kernel itself."""

    def decorator(fn: Any) -> Any:
        return fn

    return decorator


def _plain_libtuner(
    configs: Any,
    key: Any,
    prune_configs_by: Any = None,
    reset_to_zero: Any = None,
    restore_value: Any = None,
    pre_hook: Any = None,
    post_hook: Any = None,
    warmup: Any = 25,
    rep: Any = 100,
    use_cuda_graph: bool = False,
    do_bench: Any = None,
    strategy: Any = "default",
    policy: Any = "default",
) -> Callable[[Any], Any]:
    """``libtuner(...)`` as plain ``triton.autotune``; the key strategies and the persistent
    tuning database are dropped. Configs are kept so that the kernel's own pruning still runs;
    :func:`patch_interpreter` makes the autotuner keep a single one of them."""
    import triton

    return triton.autotune(
        configs=list(configs),
        key=key,
        prune_configs_by=prune_configs_by,
        reset_to_zero=reset_to_zero,
        restore_value=restore_value,
        pre_hook=pre_hook,
        post_hook=post_hook,
        warmup=warmup,
        rep=rep,
        use_cuda_graph=use_cuda_graph,
        do_bench=do_bench,
    )


def _patch_libentry_module(module: types.ModuleType) -> None:
    module.libentry = _noop_libentry
    module.libtuner = _plain_libtuner


class _PatchAfterExec(importlib.abc.MetaPathFinder):
    """Runs a patch on a module right after its body executes, before anyone imports from it.

    ``flag_gems/__init__.py`` imports every op module, and they bind ``libentry``/``libtuner`` by
    name at import; patching after ``import flag_gems`` would be too late.
    """

    def __init__(self, patches: dict[str, Callable[[types.ModuleType], None]]) -> None:
        self.patches = patches

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        patch = self.patches.get(fullname)
        if patch is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        loader = spec.loader
        original_exec = loader.exec_module

        def exec_module(module: types.ModuleType) -> None:
            original_exec(module)
            patch(module)

        # A per-spec loader object: the class-level loader of other modules stays untouched.
        spec.loader = types.SimpleNamespace(
            create_module=loader.create_module,
            exec_module=exec_module,
            get_resource_reader=getattr(loader, "get_resource_reader", None),
        )
        return spec


def _patch_pointwise_dynamic_module(module: types.ModuleType) -> None:
    # PointwiseDynamicFunction asserts isinstance(scalar_fn, JITFunction); under the interpreter
    # @triton.jit makes InterpretedFunction objects. The name is only used in that check at run
    # time (annotations were evaluated when the module executed).
    from triton.runtime.interpreter import InterpretedFunction

    module.JITFunction = (module.JITFunction, InterpretedFunction)


def _give_interpreted_functions_jit_attributes() -> None:
    """FlagGems' code generator reads ``scalar_fn.src`` (the source it inlines into the generated
    kernel), ``scalar_fn.cache_key`` (part of the generated file's name) and
    ``scalar_fn.__globals__``. An ``InterpretedFunction`` has none of them; it gets them from a
    ``JITFunction`` built over the same Python function, so the values are exactly those of a
    compiled run (same cache key, hence the same generated file name)."""
    from triton.runtime.interpreter import InterpretedFunction
    from triton.runtime.jit import JITFunction

    def jit_view(self: Any) -> Any:
        view = self.__dict__.get("_tritonlift_jit_view")
        if view is None:
            view = JITFunction(self.fn)
            self.__dict__["_tritonlift_jit_view"] = view
        return view

    # The cache key hashes the functions the scalar function calls; they are InterpretedFunctions
    # too, which the dependency finder rejects: let it hash their JITFunction views instead.
    from triton.runtime.jit import DependenciesFinder

    original_record = DependenciesFinder.record_reference
    if not getattr(original_record, "_tritonlift", False):

        def record_reference(self: Any, val: Any, var_dict: Any = None, name: Any = None) -> Any:
            if isinstance(val, InterpretedFunction):
                val = jit_view(val)
            return original_record(self, val, var_dict, name)

        record_reference._tritonlift = True
        DependenciesFinder.record_reference = record_reference

    for name in ("src", "cache_key", "starting_line_number", "raw_src"):
        if not hasattr(InterpretedFunction, name):
            setattr(InterpretedFunction, name, property(lambda self, n=name: getattr(jit_view(self), n)))
    if not hasattr(InterpretedFunction, "__globals__"):
        InterpretedFunction.__globals__ = property(lambda self: self.fn.__globals__)


def _install_import_hook() -> None:
    if _state["hook"] is not None:
        return
    _give_interpreted_functions_jit_attributes()
    hook = _PatchAfterExec(
        {
            "flag_gems.utils.libentry": _patch_libentry_module,
            "flag_gems.utils.pointwise_dynamic": _patch_pointwise_dynamic_module,
        }
    )
    sys.meta_path.insert(0, hook)
    _state["hook"] = hook


# --------------------------------------------------------------------------------------------
# Interpreter patches: single autotune config, libdevice through torch, fp32 float arguments


def _symbol_table(libdevice: types.ModuleType) -> dict[str, str]:
    """libdevice symbol (``__nv_powif``) -> Python function name (``pow``), read from the
    module's source so that every overload Triton can select is known."""
    tree = ast.parse(inspect.getsource(libdevice))
    table: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                    if sub.value.startswith("__nv_"):
                        table[sub.value] = node.name
    return table


def _torch_libdevice() -> dict[str, Callable[..., Any]]:
    """libdevice function name -> implementation on torch tensors (already in the argument
    dtype; the result is cast to the return dtype Triton selected)."""
    import torch

    def pow_(a: Any, b: Any) -> Any:
        return torch.pow(a, b.to(a.dtype)) if not b.dtype.is_floating_point else torch.pow(a, b)

    return {
        "abs": torch.abs,
        "acos": torch.acos,
        "acosh": torch.acosh,
        "asin": torch.asin,
        "asinh": torch.asinh,
        "atan": torch.atan,
        "atan2": torch.atan2,
        "atanh": torch.atanh,
        "cbrt": lambda a: torch.sign(a) * torch.abs(a).pow(1.0 / 3.0),
        "ceil": torch.ceil,
        "copysign": torch.copysign,
        "cos": torch.cos,
        "cosh": torch.cosh,
        "cospi": lambda a: torch.cos(torch.pi * a),
        # The directed rounding modes (rz, rd, ru) are approximated by round-to-nearest.
        "div_rn": torch.div,
        "div_rz": torch.div,
        "div_rd": torch.div,
        "div_ru": torch.div,
        "erf": torch.erf,
        "erfc": torch.erfc,
        "erfinv": torch.erfinv,
        "exp": torch.exp,
        "exp10": lambda a: torch.pow(torch.tensor(10.0, dtype=a.dtype), a),
        "exp2": torch.exp2,
        "expm1": torch.expm1,
        "fast_dividef": torch.div,
        "fast_expf": torch.exp,
        "fast_exp10f": lambda a: torch.pow(torch.tensor(10.0, dtype=a.dtype), a),
        "fast_logf": torch.log,
        "fast_log2f": torch.log2,
        "fast_log10f": torch.log10,
        "fast_powf": torch.pow,
        "fast_sinf": torch.sin,
        "fast_cosf": torch.cos,
        "fast_tanf": torch.tan,
        "fdim": lambda a, b: torch.clamp_min(a - b, 0),
        "finitef": torch.isfinite,
        "isfinited": torch.isfinite,
        "floor": torch.floor,
        "fma": lambda a, b, c: a * b + c,
        "fma_rn": lambda a, b, c: a * b + c,
        "fmod": torch.fmod,
        "hypot": torch.hypot,
        "isinf": torch.isinf,
        "isnan": torch.isnan,
        "lgamma": torch.lgamma,
        "llrint": lambda a: torch.round(a),
        "log": torch.log,
        "log10": torch.log10,
        "log1p": torch.log1p,
        "log2": torch.log2,
        "nearbyint": torch.round,
        "nextafter": torch.nextafter,
        "normcdf": lambda a: 0.5 * torch.erfc(-a / 2**0.5),
        "pow": pow_,
        "rcp_rn": torch.reciprocal,
        "remainder": torch.remainder,
        "rint": torch.round,  # round half to even, as rint in the default rounding mode
        "round": lambda a: torch.sign(a) * torch.floor(torch.abs(a) + 0.5),  # half away from zero
        "rsqrt": torch.rsqrt,
        "signbit": torch.signbit,
        "sin": torch.sin,
        "sinh": torch.sinh,
        "sinpi": lambda a: torch.sin(torch.pi * a),
        "sqrt": torch.sqrt,
        "sqrt_rn": torch.sqrt,
        "tan": torch.tan,
        "tanh": torch.tanh,
        "tgamma": lambda a: torch.exp(torch.lgamma(a)) * torch.where(
            (a < 0) & (torch.floor(a) % 2 == 1), -1.0, 1.0
        ).to(a.dtype),
        "trunc": torch.trunc,
    }


def _patch_libdevice(libdevice: types.ModuleType) -> None:
    """Evaluate ``extern_elementwise`` calls with torch, and let libdevice builtins be called
    from interpreted kernels (they insist on a ``_semantic`` argument the interpreter does not
    pass for modules other than ``triton.language``)."""
    import numpy as np
    import torch
    from triton.language import core
    from triton.runtime import interpreter

    symbols = _symbol_table(libdevice)
    impls = _torch_libdevice()

    def create_extern_elementwise(
        self: Any, lib_name: str, lib_path: str, symbol: str, args: list, ret_type: Any, is_pure: bool
    ) -> Any:
        name = symbols.get(symbol)
        impl = impls.get(name) if name else None
        if impl is None:
            raise NotImplementedError(
                f"libdevice symbol {symbol!r} ({name}) has no torch implementation in the shim"
            )
        tensors = [torch.from_numpy(np.ascontiguousarray(a.data)) for a in args]
        result = impl(*tensors)
        scalar_ty = ret_type.scalar if hasattr(ret_type, "scalar") else ret_type
        np_dtype = interpreter._get_np_dtype(scalar_ty)
        data = np.asarray(result.numpy()).astype(np_dtype)
        return interpreter.TensorHandle(data, scalar_ty)

    interpreter.InterpreterBuilder.create_extern_elementwise = create_extern_elementwise

    def interpretable(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, _semantic: Any = None, **kwargs: Any) -> Any:
            semantic = _semantic if _semantic is not None else interpreter.interpreter_semantic
            return fn(*args, _semantic=semantic, **kwargs)

        setattr(wrapper, core.TRITON_BUILTIN, True)
        wrapper.signature = getattr(fn, "signature", None)
        return wrapper

    for name, member in list(vars(libdevice).items()):
        if core.is_builtin(member) and not getattr(member, "_tritonlift_interpretable", False):
            wrapped = interpretable(member)
            wrapped._tritonlift_interpretable = True
            setattr(libdevice, name, wrapped)


def _patch_autotuner_single_config() -> None:
    from triton.runtime.autotuner import Autotuner

    original = Autotuner.prune_configs
    if getattr(original, "_tritonlift", False):
        return

    def prune_configs(self: Any, kwargs: dict) -> list:
        # Autotuner.run benchmarks only when more than one config survives pruning.
        return list(original(self, kwargs))[:1]

    prune_configs._tritonlift = True
    Autotuner.prune_configs = prune_configs


def _patch_float_args() -> None:
    import numpy as np
    from triton import language as tl
    from triton.runtime import interpreter

    original = interpreter._implicit_cvt
    if getattr(original, "_tritonlift", False):
        return

    def implicit_cvt(arg: Any) -> Any:
        if isinstance(arg, float):
            handle = interpreter.TensorHandle(np.array([arg], dtype=np.float32), tl.float32)
            return tl.tensor(handle, tl.float32)
        return original(arg)

    implicit_cvt._tritonlift = True
    interpreter._implicit_cvt = implicit_cvt


def _patch_lang_without_tl() -> None:
    # The interpreter rebinds triton.language builtins for a jit function only if the function's
    # module imports triton.language, and asserts that it does. FlagGems scalar functions such as
    # add_func (x + y * alpha) live in modules that import only `triton`; compiled Triton does
    # not care. Such a function is patched as if it saw `tl`.
    from triton import language as tl
    from triton.runtime import interpreter

    original = interpreter._patch_lang
    if getattr(original, "_tritonlift", False):
        return

    def patch_lang(fn: Any) -> Any:
        if not any(inspect.ismodule(v) and v in (tl, tl.core) for v in fn.__globals__.values()):
            return original(types.SimpleNamespace(__globals__={"tl": tl}))
        return original(fn)

    patch_lang._tritonlift = True
    interpreter._patch_lang = patch_lang


def _is_cpu_strided_buffer(arg: Any) -> bool:
    return type(arg).__name__ == "StridedBuffer" and getattr(arg.device, "type", "") == "cpu"


def _patch_strided_buffer_args() -> None:
    # FlagGems' generated wrappers pass StridedBuffer objects (a typed pointer plus shape and
    # strides over a base tensor) as kernel arguments. The interpreter copies every tensor
    # argument to the host through torch APIs a StridedBuffer lacks (`new_empty`). On a CPU base
    # there is nothing to copy: the buffer goes through as it is (its data_ptr and dtype are all
    # the interpreter then reads), and the write-back copies the storage onto itself.
    from triton.runtime.interpreter import GridExecutor

    original = GridExecutor._init_args_hst
    if getattr(original, "_tritonlift", False):
        return

    def init_args_hst(self: Any, args_dev: Any, kwargs: dict) -> Any:
        held: dict[int, Any] = {}

        def hide(arg: Any) -> Any:
            if _is_cpu_strided_buffer(arg):
                token = object()
                held[id(token)] = (token, arg)
                return token
            return arg

        def show(arg: Any) -> Any:
            return held[id(arg)][1] if id(arg) in held and held[id(arg)][0] is arg else arg

        args_hst, kwargs_hst = original(self, [hide(a) for a in args_dev],
                                        {k: hide(v) for k, v in kwargs.items()})
        return [show(a) for a in args_hst], {k: show(v) for k, v in kwargs_hst.items()}

    init_args_hst._tritonlift = True
    GridExecutor._init_args_hst = init_args_hst


def patch_interpreter() -> None:
    """Patch the Triton interpreter of this process so that FlagGems kernels run: one autotune
    config, libdevice through torch, Python float arguments as fp32 scalars, jit functions whose
    module does not import ``triton.language``, ``StridedBuffer`` arguments. Idempotent.
    Must run before any module binds a libdevice function to a name of its own (FlagGems does:
    ``_tanh = tl_extra_shim.tanh``)."""
    if _state["interpreter_patched"]:
        return
    require_interpreter()
    from triton.language.extra.cuda import libdevice

    _patch_libdevice(libdevice)
    _patch_autotuner_single_config()
    _patch_float_args()
    _patch_lang_without_tl()
    _patch_strided_buffer_args()
    _state["interpreter_patched"] = True


def require_interpreter() -> None:
    if os.environ.get("TRITON_INTERPRET") != "1":
        raise FlagGemsShimError(
            "TRITON_INTERPRET=1 must be set before triton is imported "
            "(FlagGems kernels cannot run on this machine otherwise)"
        )


# --------------------------------------------------------------------------------------------
# Entry point


def import_flag_gems(cache_dir: str | os.PathLike[str]) -> types.ModuleType:
    """Import FlagGems on a CPU-only machine and return the ``flag_gems`` module.

    ``cache_dir`` receives FlagGems' generated code (``<cache_dir>/code_cache``) and its tuning
    database. Requires ``TRITON_INTERPRET=1``; must run before anything else imports
    ``flag_gems`` (the libentry/libtuner replacement happens at import). Idempotent.
    """
    require_interpreter()
    if "flag_gems" in sys.modules:
        if _state["hook"] is None:
            raise FlagGemsShimError("flag_gems was imported before the shim could patch it")
        return sys.modules["flag_gems"]  # already imported through the shim: cache dir fixed
    cache = Path(cache_dir).resolve()
    cache.mkdir(parents=True, exist_ok=True)
    os.environ["GEMS_VENDOR"] = "nvidia"
    os.environ["FLAGGEMS_CACHE_DIR"] = str(cache)
    # libentry.py reads FLAGGEMS_DB_URL as an SQLAlchemy URL for its tuning cache.
    os.environ["FLAGGEMS_DB_URL"] = f"sqlite:///{cache / 'tuning.db'}"
    fake_torch_cuda()
    patch_interpreter()  # before flag_gems binds libdevice functions to module-level aliases
    _install_import_hook()
    import flag_gems

    if flag_gems.__version__ != FLAGGEMS_VERSION:
        raise FlagGemsShimError(
            f"flag_gems {flag_gems.__version__} is installed; the shim targets {FLAGGEMS_VERSION}"
        )
    return flag_gems
