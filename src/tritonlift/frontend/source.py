"""Kernel source capture: find modules with importlib's path finder, read them with `ast`, and
resolve names across modules. Nothing the user wrote is imported or executed.

A name in a module resolves to one of:
- `ExternalModule(qualname)`: triton, triton.language, libdevice, math, ... (their attributes are
  looked up in the symbolic executor's builtin table by qualified name);
- `SourceModule`: another module we can read (its attributes resolve in its own scope);
- `FunctionRef`: a `def` in some module (a `@triton.jit` helper or the kernel);
- `GlobalExpr`: a module-level assignment, evaluated lazily by the executor in its module's scope;
- `Opaque(qualname)`: a value computed at import time we cannot read statically (FlagGems'
  `tl_extra_shim = backend.get_tl_extra_backend_module()`); the executor resolves attributes of
  an opaque value by their name in the math-library table when it can, and refuses otherwise.
"""

from __future__ import annotations

import ast
import importlib.machinery
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import KernelSourceError, SourceLoc
from .files import decode_python, read_regular

# Modules whose attributes are builtins of the executor, never read as source.
EXTERNAL_ROOTS = ("triton", "math", "torch", "numpy", "functools", "typing", "logging", "operator")


@dataclass(frozen=True)
class ExternalModule:
    qualname: str


@dataclass(frozen=True)
class Opaque:
    qualname: str


@dataclass
class SourceModule:
    """A parsed module and its top-level bindings (name -> AST node that binds it)."""

    path: Path
    qualname: str  # dotted module name, or the file stem for a file given by path
    package: str  # package for relative imports ('' for a file given by path)
    text: str
    tree: ast.Module
    lines: list[str]
    bindings: dict[str, ast.AST] = field(default_factory=dict)
    search_dirs: tuple[Path, ...] = ()
    # Names a generated module uses without binding them resolve here (FlagGems runs generated
    # kernels in the scalar function's module globals).
    fallback: SourceModule | None = None

    def loc(self, node: ast.AST) -> SourceLoc:
        line = getattr(node, "lineno", 0)
        col = getattr(node, "col_offset", -1) + 1
        src = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return SourceLoc(str(self.path), line, col, src)

    def __hash__(self) -> int:
        return hash(self.path)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SourceModule) and other.path == self.path


@dataclass(frozen=True)
class FunctionRef:
    module: SourceModule
    node: ast.FunctionDef

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def is_jit(self) -> bool:
        return any(_decorator_name(d).split(".")[-1] == "jit" for d in self.node.decorator_list)

    @property
    def is_constexpr_function(self) -> bool:
        """`@tl.constexpr` / `@triton.constexpr_function`: Python evaluated at compile time."""
        return any(_decorator_name(d).split(".")[-1] in ("constexpr", "constexpr_function")
                   for d in self.node.decorator_list)

    def loc(self) -> SourceLoc:
        return self.module.loc(self.node)


@dataclass(frozen=True)
class GlobalExpr:
    module: SourceModule
    node: ast.expr
    name: str


def _decorator_name(d: ast.expr) -> str:
    if isinstance(d, ast.Call):
        d = d.func
    try:
        return ast.unparse(d)
    except Exception:  # pragma: no cover
        return ""


_PARSED: dict[tuple[Path, str], ast.Module] = {}  # (path, text) -> tree, shared by every index
_PARSED_MAX = 256


def _parse(text: str, path: Path) -> ast.Module:
    """`ast.parse`, remembered per process: a `bench` worker lifts many specs whose kernels live in
    the same modules, and parsing is most of loading one. Keyed by the text, so an edited file is
    parsed again; the trees are only read (tools that rewrite one deep-copy it first)."""
    key = (path, text)
    tree = _PARSED.get(key)
    if tree is None:
        tree = ast.parse(text, filename=str(path))
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[key] = tree
    return tree


class SourceIndex:
    """Reads and caches modules; resolves names. `generated` maps a generated-kernel reference
    (e.g. `pointwise_dynamic:...`) to a source file path."""

    def __init__(self, search_dirs: tuple[Path, ...] = (), generated: Callable[[str], Path] | None = None):
        self._by_path: dict[Path, SourceModule] = {}
        self._by_name: dict[tuple, SourceModule | None] = {}
        self.search_dirs = search_dirs
        self.generated = generated

    # -- loading -------------------------------------------------------------------------------
    def load_path(self, path: Path, qualname: str = "", package: str = "") -> SourceModule:
        path = path.resolve()
        if path in self._by_path:
            return self._by_path[path]
        text = decode_python(read_regular(path, "kernel source", KernelSourceError), path, KernelSourceError)
        try:
            tree = _parse(text, path)
        except SyntaxError as e:
            line = e.lineno or 0
            src = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
            raise KernelSourceError(f"syntax error: {e.msg}", SourceLoc(str(path), line, e.offset or 0, src)) from None
        except (ValueError, MemoryError, RecursionError) as e:  # null bytes; nesting past the parser
            what = "null bytes in the source" if isinstance(e, ValueError) else "nested too deeply to parse"
            raise KernelSourceError(f"not Python source: {what}", SourceLoc(str(path), 1, 1)) from None
        mod = SourceModule(path, qualname or path.stem, package, text, tree, text.splitlines(),
                           search_dirs=(path.parent, *self.search_dirs))
        _collect_bindings(tree.body, mod.bindings)
        self._by_path[path] = mod
        return mod

    def find_module(self, qualname: str, importer: SourceModule | None = None) -> SourceModule | None:
        """Locate a module by dotted name without importing anything: the search dirs, then
        sys.path (as importlib's path finder would), then the importing file's directory and its
        ancestors (a source tree imported as `tests.kernels.helpers`)."""
        roots: list[Path] = list(self.search_dirs)
        roots += [Path(p) for p in sys.path if p and Path(p).is_dir()]
        if importer is not None:
            roots += [importer.path.parent, *importer.path.parent.parents]
        key = (qualname, importer.path.parent if importer is not None else None)
        if key in self._by_name:
            return self._by_name[key]
        mod = self._search(qualname, roots)
        if mod is None and importer is None:
            mod = self._path_finder(qualname)
        self._by_name[key] = mod
        return mod

    def _search(self, qualname: str, roots: list[Path]) -> SourceModule | None:
        parts = qualname.split(".")
        seen: set[Path] = set()
        for root in roots:
            if root in seen:
                continue
            seen.add(root)
            d = root
            for part in parts[:-1]:
                d = d / part
                if not d.is_dir():
                    break
            else:
                last = parts[-1]
                pkg_init = d / last / "__init__.py"
                if pkg_init.is_file():
                    return self.load_path(pkg_init, qualname, qualname)
                file = d / f"{last}.py"
                if file.is_file():
                    return self.load_path(file, qualname, ".".join(parts[:-1]))
        return None

    def _path_finder(self, qualname: str) -> SourceModule | None:
        """importlib's path finder, for packages installed in ways a plain directory walk misses;
        it locates but never executes (parents are looked up the same way, not imported)."""
        parts = qualname.split(".")
        paths: list[str] | None = None
        spec = None
        for i in range(len(parts)):
            try:
                spec = importlib.machinery.PathFinder.find_spec(".".join(parts[: i + 1]), paths)
            except (KeyError, ImportError, ValueError):
                return None
            if spec is None:
                return None
            paths = list(spec.submodule_search_locations or [])
        if spec is not None and spec.origin and spec.origin.endswith(".py"):
            is_pkg = spec.submodule_search_locations is not None
            return self.load_path(Path(spec.origin), qualname, qualname if is_pkg else ".".join(parts[:-1]))
        return None

    def kernel(self, ref: str, base_dir: Path, loc: SourceLoc | None = None) -> FunctionRef:
        """Resolve `path.py::name`, `package.module:name` or a generated reference."""
        if ref.startswith("pointwise_dynamic:"):
            if self.generated is None:
                raise KernelSourceError(
                    f"{ref!r} names a generated FlagGems kernel; generate it first with "
                    "`tritonlift gen-flaggems` (needs the [interp] and [corpus] extras)", loc)
            path = self.generated(ref)
            mod = self.load_path(path)
            parts = ref.split(":")
            if len(parts) >= 3 and mod.fallback is None:
                mod.fallback = self.find_module(parts[1])
            name = _generated_kernel_name(mod, ref)
            return self._function(mod, name, ref, loc)
        if "::" in ref:
            file, name = ref.rsplit("::", 1)
            p = Path(file)
            if not p.is_absolute():
                p = base_dir / p
            if not p.exists():
                raise KernelSourceError(f"kernel file not found: {p}", loc)
            if not name.isidentifier():
                raise KernelSourceError(f"bad kernel name {name!r} in {ref!r}: expected path.py::function", loc)
            try:
                return self._function(self.load_path(p), name, ref, loc)
            except KernelSourceError as e:
                # a file that cannot be read names itself; the spec's key says who asked for it
                if (e.loc is None or e.loc.line <= 0) and loc is not None:
                    raise KernelSourceError(e.message, loc) from None
                raise
        if ":" in ref:
            modname, name = ref.rsplit(":", 1)
            mod = self.find_module(modname)
            if mod is None:
                raise KernelSourceError(f"module {modname!r} not found (is its package installed?)", loc)
            return self._function(mod, name, ref, loc)
        raise KernelSourceError(f"bad kernel reference {ref!r}: use path.py::name or package.module:name", loc)

    def _function(self, mod: SourceModule, name: str, ref: str, loc: SourceLoc | None) -> FunctionRef:
        node = mod.bindings.get(name)
        if not isinstance(node, ast.FunctionDef):
            import difflib

            defs = [n for n, b in mod.bindings.items() if isinstance(b, ast.FunctionDef)]
            close = difflib.get_close_matches(name, defs, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (functions: {', '.join(defs[:12]) or 'none'})"
            raise KernelSourceError(f"no function {name!r} in {mod.path}{hint}", loc)
        return FunctionRef(mod, node)

    # -- name resolution -----------------------------------------------------------------------
    def resolve(self, mod: SourceModule, name: str):
        """What `name` means at the top level of `mod`, or None if it is not bound there."""
        node = mod.bindings.get(name)
        if node is None:
            return self.resolve(mod.fallback, name) if mod.fallback is not None else None
        if isinstance(node, ast.FunctionDef):
            return FunctionRef(mod, node)
        if isinstance(node, ast.ClassDef):
            return Opaque(f"{mod.qualname}.{name}")
        if isinstance(node, ast.alias):
            return self._resolve_import(mod, node)
        if isinstance(node, _ImportFrom):
            return self._resolve_from(mod, node)
        if isinstance(node, ast.expr):
            return GlobalExpr(mod, node, name)
        return Opaque(f"{mod.qualname}.{name}")

    def attribute(self, base, attr: str):
        """`base.attr` for a resolved base (module or opaque)."""
        if isinstance(base, ExternalModule):
            return ExternalModule(f"{base.qualname}.{attr}")
        if isinstance(base, SourceModule):
            r = self.resolve(base, attr)
            if r is not None:
                return r
            sub = self.find_module(f"{base.qualname}.{attr}", base) if base.qualname else None
            if sub is not None:
                return sub
            return None
        if isinstance(base, Opaque):
            return Opaque(f"{base.qualname}.{attr}")
        return None

    def _module_value(self, qualname: str, importer: SourceModule):
        root = qualname.split(".")[0]
        if root in EXTERNAL_ROOTS:
            return ExternalModule(qualname)
        found = self.find_module(qualname, importer)
        if found is not None:
            return found
        return Opaque(qualname)

    def _resolve_import(self, mod: SourceModule, alias: ast.alias):
        # `import a.b as c` binds c to a.b; `import a.b` binds a to a
        target = alias.name if alias.asname else alias.name.split(".")[0]
        return self._module_value(target, mod)

    def _resolve_from(self, mod: SourceModule, imp: _ImportFrom):
        base = _absolute(imp.module, imp.level, mod)
        if base is None:
            return Opaque(f"{imp.module}.{imp.name}")
        root = base.split(".")[0]
        if root in EXTERNAL_ROOTS:
            return ExternalModule(f"{base}.{imp.name}")
        sub = self.find_module(f"{base}.{imp.name}", mod)
        if sub is not None:
            return sub
        pkg = self.find_module(base, mod)
        if pkg is None:
            return Opaque(f"{base}.{imp.name}")
        r = self.resolve(pkg, imp.name)
        return r if r is not None else Opaque(f"{base}.{imp.name}")


@dataclass(frozen=True)
class _ImportFrom:
    module: str | None
    level: int
    name: str


def _absolute(module: str | None, level: int, importer: SourceModule) -> str | None:
    if level == 0:
        return module
    pkg = importer.package
    if not pkg:
        # a file given by path: its directory acts as the package (found via search_dirs)
        return module or None
    parts = pkg.split(".")
    if level - 1 > len(parts):
        return None
    base = ".".join(parts[: len(parts) - (level - 1)])
    return f"{base}.{module}" if module else base


def _collect_bindings(body: list[ast.stmt], out: dict[str, object]) -> None:
    """Top-level names. First binding wins for try/except and if/else (the primary path)."""
    for st in body:
        if isinstance(st, (ast.FunctionDef, ast.ClassDef)):
            out[st.name] = st
        elif isinstance(st, ast.Import):
            for a in st.names:
                out.setdefault(a.asname or a.name.split(".")[0], a)
        elif isinstance(st, ast.ImportFrom):
            for a in st.names:
                if a.name != "*":
                    out.setdefault(a.asname or a.name, _ImportFrom(st.module, st.level, a.name))
        elif isinstance(st, ast.Assign):
            for t in st.targets:
                if isinstance(t, ast.Name):
                    out[t.id] = st.value
        elif isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name) and st.value is not None:
            out[st.target.id] = st.value
        elif isinstance(st, ast.Try):
            _collect_bindings(st.body, out)
            for h in st.handlers:
                _collect_first(h.body, out)
        elif isinstance(st, ast.If):
            _collect_bindings(st.body, out)
            _collect_first(st.orelse, out)


def _collect_first(body: list[ast.stmt], out: dict[str, object]) -> None:
    tmp: dict[str, object] = {}
    _collect_bindings(body, tmp)
    for k, v in tmp.items():
        out.setdefault(k, v)


def _generated_kernel_name(mod: SourceModule, ref: str) -> str:
    kernels = [n for n, b in mod.bindings.items() if isinstance(b, ast.FunctionDef) and FunctionRef(mod, b).is_jit]
    want = [k for k in kernels if k.endswith("_kernel_rank_" + ref.rsplit(":", 1)[-1])]
    if len(want) == 1:
        return want[0]
    if len(kernels) == 1:
        return kernels[0]
    raise KernelSourceError(f"cannot tell which kernel of {mod.path} is {ref!r}: {kernels}")
