"""The import structure of src/tritonlift: layers that import only downwards, and no import cycles
between modules (every import counts, also those inside functions: a lazy import hides a cycle,
it does not remove it; only `if TYPE_CHECKING:` blocks, which never run, are left out). Today's exceptions are listed with their reason; an exception that no
longer occurs must be removed from its list (the tests say so).

Layers, lowest first (a module may import its own layer and the layers below it):

    errors, options, exitcodes,     leaves: the exception root, options, exit codes, and the
      __init__                        package's lazy exports (importlib at first use, no imports)
    dsl                             the term language
    result, rejection               every result record (data only); a launch Triton rejects as
                                      an ERROR and findings, read from those records
    frontend, user_formula          launch specs, sizes, formulas as users write them
    symex                           concrete symbolic execution
    synth                           formula synthesis from executions
    verify                          the unbounded prover (solver boundary included)
    simplify                        textbook forms (its final gate uses synth's checker)
    render                          text, LaTeX, code: functions of records
    pipeline                        `lift`: the stages wired
    check, bench, deadline          `check`, `bench`, the wall-clock limit
    api                             the Python API
    pytest_plugin, cli, interp,     the other ways in, and tooling beside the core (torch/triton):
      soundness, reference, sweep     the reference library maps onto launch specs and runs `check`

This departs from docs' redesign note in one place: `result` sits low (right above `dsl`) rather
than beside `render`, because every stage produces records (verify makes Verdicts, symex
Findings), and a record module that only holds data can sit below all of them.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "tritonlift"

LAYERS = [
    {"errors", "options", "exitcodes", "workerproc", "__init__"},
    {"dsl"},
    {"result", "rejection"},
    {"frontend", "user_formula"},
    {"symex"},
    {"smt"},
    {"equal"},
    {"synth"},
    {"verify"},
    {"simplify"},
    {"render"},
    {"pipeline"},
    {"check", "bench", "deadline"},
    {"api"},
    {"pytest_plugin", "cli", "interp", "soundness", "reference", "sweep"},
    {"__main__"},
]

# (importer unit, imported unit): why it is still there
KNOWN_UPWARD = {
    ("smt", "verify"): "the solver boundary (verify/solver.py, query.py, worker.py, theory.py) still lives in "
                       "verify/; it moves to smt/ beside the lowering (redesign step 3)",
    ("equal", "verify"): "the same: the decider asks the solver through verify/solver.py's backend",
    ("synth", "verify"): "the same: synth/smt_equal.py builds its queries with verify/query.py",
    ("verify", "simplify"): "prove.py reads the spec's positive reals (simplify.positive_reals) so that -inf/temp "
                            "folds; the helper belongs in frontend/",
    ("verify", "pipeline"): "verify/prove.py takes the size policy (synthesis_sizes, check_sizes) and the "
                            "source index from pipeline.py; they move to frontend/sizes.py and frontend/source.py "
                            "once the checked-sizes work (issue 11.6) has landed in pipeline.py",
}

# module cycles (sets of modules): why they are still there
KNOWN_CYCLES = {
    frozenset({"tritonlift.pipeline", "tritonlift.verify.prove", "tritonlift.verify.replay"}):
        "the replay of a solver model runs the kernel through pipeline.execute (the same size-policy "
        "layering as above: execute moves below verify with frontend/sizes.py)",
    frozenset({"tritonlift.dsl.build", "tritonlift.dsl.named", "tritonlift.dsl.printer", "tritonlift.dsl.term"}):
        "Term's __str__ prints through the printer and its constructors fold through build (one package, "
        "lazy imports; the redesign's per-op metadata on Op removes it)",
    frozenset({"tritonlift.interp.explore", "tritonlift.interp.trace"}):
        "trace tooling ([interp] extra, outside the core)",
}


def _modules() -> dict[str, Path]:
    out = {}
    for p in sorted(SRC.rglob("*.py")):
        parts = p.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = p
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, int]]:
    """(imported tritonlift module, line) for every import in the file, at any depth."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = []
    for node in _walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "tritonlift":
                continue
            for alias in node.names:  # `from . import x` imports the module x, not the package
                sub = f"{target}.{alias.name}"
                out.append((sub if sub in MODULES else target, node.lineno))
        elif isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names if a.name.split(".")[0] == "tritonlift"]
    return [(t, line) for t, line in out if t in MODULES and t != name]


def _walk(tree: ast.AST):
    """ast.walk without the bodies of `if TYPE_CHECKING:`."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and isinstance(child.test, ast.Name) and child.test.id == "TYPE_CHECKING":
                todo += child.orelse
                continue
            todo.append(child)


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _layer(unit: str) -> int:
    return next(k for k, layer in enumerate(LAYERS) if unit in layer)


def test_every_module_has_a_layer():
    missing = sorted({_unit(m) for m in MODULES} - set().union(*LAYERS))
    assert not missing, f"put these in a layer of tests/test_layers.py: {missing}"


def test_imports_go_down_the_layers():
    upward: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name, path in MODULES.items():
        for target, line in _imports(name, path):
            a, b = _unit(name), _unit(target)
            if _layer(b) > _layer(a):
                upward[(a, b)].append(f"{path.relative_to(SRC.parent)}:{line} imports {target}")
    new = {k: v for k, v in upward.items() if k not in KNOWN_UPWARD}
    assert not new, "imports up the layers:\n" + "\n".join(f"  {a} -> {b}: {', '.join(w[:3])}" for (a, b), w in new.items())
    gone = set(KNOWN_UPWARD) - set(upward)
    assert not gone, f"fixed: remove from KNOWN_UPWARD: {sorted(gone)}"


def _cycles(edges: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components with more than one module (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[frozenset[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = set()
                while True:
                    x = stack.pop()
                    on.discard(x)
                    comp.add(x)
                    if x == v:
                        break
                if len(comp) > 1:
                    out.append(frozenset(comp))
    return out


def test_no_import_cycles():
    edges = {name: {t for t, _ in _imports(name, path)} for name, path in MODULES.items()}
    cycles = _cycles(edges)
    new = [sorted(c) for c in cycles if c not in KNOWN_CYCLES]
    assert not new, f"import cycles: {new}"
    gone = [sorted(c) for c in KNOWN_CYCLES if c not in cycles]
    assert not gone, f"fixed: remove from KNOWN_CYCLES: {gone}"


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [frozenset({"a", "b", "c"})]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_records_are_data_only():
    """result.py imports nothing above the dsl (records hold terms, locations and plain data)."""
    targets = {_unit(t) for t, _ in _imports("tritonlift.result", MODULES["tritonlift.result"])}
    assert targets <= {"dsl", "errors", "exitcodes"}, targets
