"""Compiled semantics under the Triton interpreter: run-scoped patches that give a kernel and the
jit helpers it reaches the compiler's meaning where ``TRITON_INTERPRET=1`` differs from it (the
meaning tritonlift models, DESIGN §3/§5). Every patch is undone when :func:`compiled_semantics`
exits.

- Python ``a and b``, ``a or b`` and ``not a`` on tensors are element-wise when compiled; the
  interpreter short-circuits on ``bool(tile)``, which is ``True`` for every multi-element tile. The
  harness rewrites the Python source of the kernel and of every jit helper it reaches: each
  ``BoolOp`` becomes a call of :func:`_boolop` over lazily evaluated operands (element-wise
  ``logical_and``/``logical_or`` on tensors, Python short-circuiting on constexprs, exactly as
  ``CodeGenerator._apply_boolean_values`` does), each ``not`` a call of :func:`_not`. The rewritten
  function is executed with the original function's globals and installed as the
  ``InterpretedFunction``'s ``fn`` (and rewriter) for the run only.
- ``triton.language.extra.libdevice`` is a module of stubs the compiler swaps for the backend's
  libdevice (its ``module_map``); the interpreter does not. The harness maps the stub module and
  functions imported from it to ``triton.language.extra.cuda.libdevice`` in the kernel's globals
  (the shim makes that module evaluate through torch).
- A ``tl.dtype`` passed to a jit helper is a ``constexpr`` when compiled, so helpers call
  ``dtype.value`` (FlagGems' ``get_dtype_min``); under the interpreter it is a bare ``tl.dtype``.
  During a run ``tl.dtype`` gets a ``value`` property returning itself.

(Python float arguments becoming fp32 scalars is the shim's ``patch_interpreter``.) Bench tooling:
triton is imported inside functions only.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import itertools
import linecache
import sys
import textwrap
from typing import Any

# -- functions defined from source ---------------------------------------------------------------

_SOURCE_COUNTER = itertools.count()


def exec_source(src: str, name: str, glb: dict[str, Any], label: str) -> Any:
    """Define function ``name`` from ``src`` in the globals ``glb`` (without binding it there);
    the source is registered with linecache so that ``inspect.getsource`` (which the interpreter
    uses to rewrite the function) finds it."""
    filename = f"<tritonlift {label} #{next(_SOURCE_COUNTER)}>"
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
    local: dict[str, Any] = {}
    exec(compile(src, filename, "exec"), glb, local)
    return local[name]


# -- and/or/not element-wise ---------------------------------------------------------------------


def _boolop(kind: str, *operands: Any) -> Any:
    """``a and b and ...`` / ``a or b or ...`` with the compiler's meaning: operands are thunks
    evaluated in order; a constexpr (any non-tensor) operand short-circuits when it decides the
    result and is dropped otherwise; the tensor operands are combined element-wise with
    ``logical_and``/``logical_or``, right to left (``CodeGenerator._apply_boolean_values``)."""
    import triton.language as tl

    dynamic: list[Any] = []
    value: Any = None
    for thunk in operands:
        value = thunk()
        if isinstance(value, tl.tensor):
            dynamic.append(value)
            continue
        truth = bool(value)
        if kind == "and" and not truth or kind == "or" and truth:
            return value
    if not dynamic:
        return value
    while len(dynamic) >= 2:
        rhs, lhs = dynamic.pop(), dynamic.pop()
        dynamic.append(lhs.logical_and(rhs) if kind == "and" else lhs.logical_or(rhs))
    return dynamic[0]


def _not(value: Any) -> Any:
    """``not x``: element-wise on tensors (``tensor.__not__``), Python ``not`` otherwise."""
    import triton.language as tl

    if isinstance(value, tl.tensor):
        return value.__not__()
    return not value


_BOOLOP_NAME = "__tritonlift_boolop__"
_NOT_NAME = "__tritonlift_not__"


class _ElementwiseBool(ast.NodeTransformer):
    """``a and b`` -> ``__tritonlift_boolop__("and", lambda: a, lambda: b)``; ``not a`` ->
    ``__tritonlift_not__(a)``. Operands holding an assignment expression are passed already
    evaluated (a lambda would bind the name in its own scope)."""

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        kind = "and" if isinstance(node.op, ast.And) else "or"
        no_args = ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[])
        thunks: list[ast.expr] = []
        for v in node.values:
            if any(isinstance(n, ast.NamedExpr) for n in ast.walk(v)):
                thunks.append(_const_thunk(v))
            else:
                thunks.append(ast.Lambda(args=no_args, body=v))
        call = ast.Call(ast.Name(_BOOLOP_NAME, ast.Load()), [ast.Constant(kind), *thunks], [])
        return ast.copy_location(call, node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return ast.copy_location(ast.Call(ast.Name(_NOT_NAME, ast.Load()), [node.operand], []), node)
        return node


def _const_thunk(v: ast.expr) -> ast.expr:
    # (lambda _v: lambda: _v)(v): evaluates v now, in the enclosing scope
    no_args = ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[])
    one = ast.arguments(posonlyargs=[], args=[ast.arg("_v")], kwonlyargs=[], kw_defaults=[], defaults=[])
    inner = ast.Lambda(args=no_args, body=ast.Name("_v", ast.Load()))
    return ast.Call(ast.Lambda(args=one, body=inner), [v], [])


_BOOL_REWRITES: dict[Any, Any] = {}  # original Python function -> rewritten one


def _function_tree(fn: Any) -> ast.FunctionDef | None:
    try:
        src = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):
        return None
    tree = ast.parse(src)
    node = tree.body[0] if tree.body else None
    return node if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None


def _elementwise_bool_version(fn: Any, tree: ast.FunctionDef) -> Any:
    """``fn`` with its ``and``/``or``/``not`` rewritten (None if it has none), defined in
    ``fn``'s own globals."""
    if fn in _BOOL_REWRITES:
        return _BOOL_REWRITES[fn]
    new = None
    if any(isinstance(n, ast.BoolOp) or isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Not)
           for n in ast.walk(tree)):
        tree = _ElementwiseBool().visit(ast.parse(ast.unparse(tree)).body[0])
        tree.decorator_list = []
        src = ast.unparse(ast.fix_missing_locations(tree)) + "\n"
        new = exec_source(src, tree.name, fn.__globals__, f"elementwise-bool {fn.__module__}.{fn.__name__}")
    _BOOL_REWRITES[fn] = new
    return new


# -- the run-scoped patches ----------------------------------------------------------------------


def _reachable(kernel: Any) -> list[Any]:
    """The kernel and every jit function its source (transitively) names through its globals."""
    from triton.runtime.interpreter import InterpretedFunction

    out: list[Any] = []
    todo = [kernel]
    while todo:
        f = todo.pop()
        if any(f is g for g in out):
            continue
        out.append(f)
        tree = _function_tree(f.fn)
        if tree is None:
            continue
        glb = f.fn.__globals__
        for node in ast.walk(tree):
            chain = _name_chain(node)
            if not chain or chain[0] not in glb:
                continue
            obj = glb[chain[0]]
            for attr in chain[1:]:
                obj = getattr(obj, attr, None)
                if obj is None:
                    break
            for _ in range(8):  # Autotuner/Heuristics wrappers
                if isinstance(obj, InterpretedFunction) or not hasattr(obj, "fn"):
                    break
                obj = obj.fn
            if isinstance(obj, InterpretedFunction):
                todo.append(obj)
    return out


def _name_chain(node: ast.AST) -> list[str] | None:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        base = _name_chain(node.value)
        return base + [node.attr] if base else None
    return None


@contextlib.contextmanager
def compiled_semantics(kernel: Any):
    """Run-scoped patches giving the kernel (an ``InterpretedFunction``) and its jit helpers the
    compiled meaning where the interpreter differs (module docstring); undone on exit."""
    import triton.language as tl
    from triton.runtime.interpreter import FunctionRewriter

    undo: list[Any] = []
    try:
        stub, real = _libdevice_modules()
        for f in _reachable(kernel):
            glb = f.fn.__globals__
            for k, v in list(glb.items()):
                repl = _module_map(v, stub, real)
                if repl is not None:
                    undo.append(lambda g=glb, k=k, v=v: g.__setitem__(k, v))
                    glb[k] = repl
            tree = _function_tree(f.fn)
            new = _elementwise_bool_version(f.fn, tree) if tree is not None else None
            if new is not None:
                for name, helper in ((_BOOLOP_NAME, _boolop), (_NOT_NAME, _not)):
                    if name not in glb:
                        glb[name] = helper
                        undo.append(lambda g=glb, n=name: g.pop(n, None))
                old_fn, old_rw = f.fn, f.rewriter
                undo.append(lambda f=f, a=old_fn, b=old_rw: (setattr(f, "fn", a), setattr(f, "rewriter", b)))
                f.fn, f.rewriter = new, FunctionRewriter(new, **f.kwargs)
        if not hasattr(tl.dtype, "value"):
            tl.dtype.value = property(lambda self: self)
            undo.append(lambda: delattr(tl.dtype, "value"))
        if stub is not None and real is not None:
            extra = sys.modules["triton.language.extra"]
            if getattr(extra, "libdevice", None) is stub:
                extra.libdevice = real
                undo.append(lambda: setattr(extra, "libdevice", stub))
        yield
    finally:
        for u in reversed(undo):
            u()


def _libdevice_modules() -> tuple[Any, Any]:
    stub = sys.modules.get("triton.language.extra.libdevice")
    if stub is None:
        return None, None
    from triton.language.extra.cuda import libdevice as real

    return stub, real


def _module_map(v: Any, stub: Any, real: Any) -> Any:
    """What the compiler's module_map makes of a global: the backend libdevice for the stub
    module and for functions imported from it."""
    if stub is None:
        return None
    if v is stub:
        return real
    if callable(v) and getattr(v, "__module__", None) == stub.__name__ and hasattr(real, getattr(v, "__name__", "")):
        return getattr(real, v.__name__)
    return None
