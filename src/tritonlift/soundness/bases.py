"""Base kernels and their mutants on disk.

A *base* is a launch spec of the corpus (`corpus/*.toml`, primary specs) or of `tests/kernels/`.
Its kernel module is copied into a directory of its own, as the front end and the interpreter
both read it there:

- a package module (`flag_gems.ops.softmax:softmax_kernel_inner`): the module source, with its
  relative imports made absolute (`from ..utils import libentry` -> `from flag_gems.utils import
  libentry`), so every helper still resolves to the installed package;
- a generated FlagGems kernel (`pointwise_dynamic:...`): the cached file, plus an import of every
  name it takes from the scalar function's module (FlagGems runs it in that module's globals);
- a file of `tests/kernels/`: the file, and the sibling modules it imports.

The launch spec is copied beside it with the kernel references rewritten to `file.py::name`.
The copy of the unchanged module is the base's *original*; a mutant is the same copy with one
mutation (`mutate.Site`) applied. Everything is written below a run directory; nothing outside
it is modified. No torch or triton here.
"""

from __future__ import annotations

import ast
import hashlib
import json
import random
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ..frontend.launch import LaunchSpec, load_launch
from . import mutate

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_PER_BASE = 6
GENERATED_PER_BASE = 3  # the 14 generated FlagGems kernels share one template
# Bases left out: the interpreter cannot run them (no libdevice), or they are not launch specs.
EXCLUDED = frozenset({"kernels/gelu_libdevice"})


@dataclass(frozen=True)
class Base:
    ident: str  # corpus/23_softmax, kernels/softmax_row
    spec_path: str  # the original launch spec
    module_path: str  # the kernel module's source file
    module_name: str  # dotted name for package modules ('' for files)
    package: str  # package of a package module (for relative imports)
    kernels: tuple[str, ...]  # functions of this module launched by the spec
    refs: dict[str, str]  # original kernel reference -> function name (for the rewrite)
    generated_globals: str = ""  # a generated kernel: the scalar function's module
    generated_unbound: tuple[str, ...] = ()
    siblings: tuple[str, ...] = ()  # sibling module files to copy beside the kernel

    @property
    def file_name(self) -> str:
        return Path(self.module_path).name

    @property
    def dir_name(self) -> str:
        return self.ident.replace("/", "__")


@dataclass(frozen=True)
class Mutant:
    ident: str  # <base>/<op>-<function>-<position>-<variant>
    base: str
    op: str
    function: str
    line: int
    description: str
    spec_path: str  # the mutant's launch spec (in the run directory)

    def to_json(self) -> dict:
        return asdict(self)


def base_specs(root: Path = ROOT) -> list[Path]:
    """Primary corpus specs, then the specs of tests/kernels (sorted)."""
    from ..bench.runner import launch_specs

    out = launch_specs(root / "corpus", primary_only=True) + launch_specs(root / "tests" / "kernels")
    return [p for p in out if _ident(p) not in EXCLUDED]


def _ident(spec_path: Path) -> str:
    return f"{spec_path.parent.name}/{spec_path.stem}"


def make_base(spec_path: Path, generated_dir: Path) -> Base:
    """Where the kernels of `spec_path` live. The module of the first launch is the one mutated
    (the other launches of the same module too)."""
    from ..frontend.source import SourceIndex

    spec = load_launch(spec_path)
    ref = spec.steps[0].kernel
    if ref.startswith("pointwise_dynamic:"):
        entry = json.loads((generated_dir / "index.json").read_text())["kernels"][ref]
        return Base(_ident(spec_path), str(spec_path), str(generated_dir / entry["file"]), "", "",
                    (entry["kernel"],), {ref: entry["kernel"]}, entry["globals_module"],
                    tuple(entry.get("unbound_names", ())))
    if "::" in ref:
        file = (spec_path.parent / ref.rsplit("::", 1)[0]).resolve()
        refs = {s.kernel: s.kernel.rsplit("::", 1)[1] for s in spec.steps
                if "::" in s.kernel and (spec_path.parent / s.kernel.rsplit("::", 1)[0]).resolve() == file}
        return Base(_ident(spec_path), str(spec_path), str(file), "", "", tuple(dict.fromkeys(refs.values())),
                    refs, siblings=_siblings(file))
    modname = ref.rsplit(":", 1)[0]
    mod = SourceIndex().find_module(modname)
    if mod is None:
        raise FileNotFoundError(f"module {modname} not found")
    refs = {s.kernel: s.kernel.rsplit(":", 1)[1] for s in spec.steps if s.kernel.rsplit(":", 1)[0] == modname}
    return Base(_ident(spec_path), str(spec_path), str(mod.path), modname, mod.package,
                tuple(dict.fromkeys(refs.values())), refs)


def _siblings(file: Path) -> tuple[str, ...]:
    tree = ast.parse(file.read_text())
    out = []
    for n in ast.walk(tree):
        names = [a.name for a in n.names] if isinstance(n, ast.Import) else (
            [n.module] if isinstance(n, ast.ImportFrom) and n.module and n.level == 0 else [])
        for name in names:
            cand = file.parent / f"{name.split('.')[0]}.py"
            if cand.is_file() and cand != file:
                out.append(str(cand))
    return tuple(dict.fromkeys(out))


def bools_of(spec: LaunchSpec, base: Base) -> dict[str, dict[str, bool]]:
    """kernel name -> its bool constexprs (the same value in every launch of it)."""
    out: dict[str, dict[str, bool]] = {}
    seen: dict[str, dict[str, set[bool]]] = {}
    for s in spec.steps:
        name = base.refs.get(s.kernel)
        if name is None:
            continue
        for k, a in s.args.items():
            if a.kind == "bool":
                seen.setdefault(name, {}).setdefault(k, set()).add(bool(a.value))
    for name, params in seen.items():
        out[name] = {k: next(iter(v)) for k, v in params.items() if len(v) == 1}
    return out


# -- the module copy ---------------------------------------------------------------------------

class _AbsoluteImports(ast.NodeTransformer):
    def __init__(self, package: str):
        self.package = package

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.ImportFrom:
        if node.level and self.package:
            parts = self.package.split(".")
            base = ".".join(parts[: len(parts) - (node.level - 1)])
            node.module = f"{base}.{node.module}" if node.module else base
            node.level = 0
        return node


def base_tree(base: Base) -> ast.Module:
    """The module as it is copied (before any mutation)."""
    tree = ast.parse(Path(base.module_path).read_text())
    if base.package:
        tree = _AbsoluteImports(base.package).visit(tree)
    if base.generated_unbound:
        imp = ast.ImportFrom(module=base.generated_globals,
                             names=[ast.alias(name=n) for n in base.generated_unbound], level=0)
        tree.body.insert(0, imp)
    return ast.fix_missing_locations(tree)


def _spec_text(base: Base) -> str:
    text = Path(base.spec_path).read_text()
    for ref, fn in base.refs.items():
        text = text.replace(f'"{ref}"', f'"{base.file_name}::{fn}"')
    return text


def write_variant(base: Base, tree: ast.Module, directory: Path) -> Path:
    """Write the module copy and the rewritten launch spec into `directory`; the spec's path."""
    import shutil

    directory.mkdir(parents=True, exist_ok=True)
    (directory / base.file_name).write_text(ast.unparse(tree) + "\n")
    for s in base.siblings:
        shutil.copyfile(s, directory / Path(s).name)
    spec = directory / f"{Path(base.spec_path).stem}.toml"
    spec.write_text(_spec_text(base))
    return spec


# -- mutants ---------------------------------------------------------------------------------------

def choose(all_sites: list[mutate.Site], quota: int, rng: random.Random) -> list[mutate.Site]:
    """Up to `quota` sites, spread over the operators: one per operator in turn (operators and
    sites in a seeded order)."""
    by_op: dict[str, list[mutate.Site]] = {}
    for s in all_sites:
        by_op.setdefault(s.op, []).append(s)
    ops = sorted(by_op)
    rng.shuffle(ops)
    for op in ops:
        rng.shuffle(by_op[op])
    out: list[mutate.Site] = []
    while len(out) < quota and any(by_op.values()):
        for op in ops:
            if by_op[op] and len(out) < quota:
                out.append(by_op[op].pop())
    return out


def generate(run_dir: Path, generated_dir: Path, seed: int = 0, per_base: int = DEFAULT_PER_BASE,
             specs: list[Path] | None = None, only: set[str] | None = None) -> tuple[list[Base], list[Mutant]]:
    """Write every base's original and its mutants under `run_dir`; return both lists. `only`
    restricts the mutants to the given identifiers (their bases are still all written)."""
    bases: list[Base] = []
    mutants: list[Mutant] = []
    for spec_path in specs or base_specs():
        ident = _ident(spec_path)
        if only is not None and not any(m == ident or m.startswith(ident + "/") for m in only):
            continue
        try:
            base = make_base(spec_path, generated_dir)
        except (OSError, KeyError, FileNotFoundError):
            continue
        bases.append(base)
        bdir = run_dir / "mutants" / base.dir_name
        tree = base_tree(base)
        original = ast.unparse(tree)
        write_variant(base, tree, bdir / "original")
        spec = load_launch(spec_path)
        bools = bools_of(spec, base)
        found = mutate.sites(tree, list(base.kernels), bools)
        quota = GENERATED_PER_BASE if base.generated_globals else per_base
        rng = random.Random(f"{seed}:{ident}")
        seen = {hashlib.sha256(original.encode()).hexdigest()}
        candidates = choose(found, len(found), rng) if only is None else found
        picked = 0
        for site in candidates:
            if only is None and picked >= quota:
                break
            mid = f"{ident}/{site.op}-{site.function}-{site.position}-{site.variant}"
            if only is not None and mid not in only:
                continue
            new = mutate.apply(tree, site, bools)
            text = ast.unparse(new)
            digest = hashlib.sha256(text.encode()).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            d = bdir / re.sub(r"[^A-Za-z0-9_.-]", "_", mid.split("/", 2)[2])
            path = write_variant(base, new, d)
            mutants.append(Mutant(mid, ident, site.op, site.function, site.line, site.description, str(path)))
            picked += 1
    return bases, mutants


def original_spec(run_dir: Path, base: Base) -> Path:
    return run_dir / "mutants" / base.dir_name / "original" / f"{Path(base.spec_path).stem}.toml"
