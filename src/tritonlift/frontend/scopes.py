"""Which names each expression of a launch spec may mention, checked once when the spec is loaded.

A typo in a name (`n = "Nx"`, `x_ptr = "xx"`), a `[let]` that depends on itself, arguments that
refer to each other in a circle, or a `[reals]` constraint that is not a comparison are reported
here, located at the key and the name, instead of surfacing later as "no sizes satisfy".

Scopes (docs/launch-spec.md):
- `[sizes]` constraints, `constraints`, `[let]`, tensor shapes/strides/ranges: sizes and lets;
- a launch's int arguments and its grid: sizes, lets and that launch's int/bool/autotune args;
- `[reals]` constraints: reals and sizes, with + - * / and comparisons.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import re
from typing import TYPE_CHECKING

from ..errors import SourceLoc, SpecError
from .intexpr import MAX_DEPTH, MAX_TEXT, IntExpr
from .schema import dotted

if TYPE_CHECKING:
    from .launch import LaunchSpec

Key = tuple[str | int, ...]


def check_names(spec: LaunchSpec) -> LaunchSpec:
    """Raise a located SpecError for the first unknown name or cycle; return the spec with its
    `[let]` entries in dependency order (so a let may use one defined below it)."""
    sizes, lets = set(spec.sizes), set(spec.lets)
    base = sizes | lets

    def check(e: IntExpr, scope: set[str], key: Key, what: str) -> None:
        for name in sorted(e.names):
            if name not in scope:
                raise _unknown(spec, name, e, scope, key, what)

    for name, cs in spec.sizes.items():
        for c in cs:
            check(c, base, ("sizes", name), "a size constraint")
    for c in spec.constraints:
        check(c, base, ("constraints",), "a constraint")
    for name, e in spec.lets.items():
        check(e, base, ("let", name), "a [let] expression")
    order = _let_order(spec)
    for name, d in spec.tensors.items():
        for e in (*d.shape, *(d.strides or ()), *(d.value_range or ()), *d.also):
            check(e, base, ("tensors", name), "a tensor shape")
    multi = len(spec.steps) > 1 or "[[launch]]" in spec.source_text
    for step in spec.steps:
        prefix: Key = ("launch", step.index) if multi else ()
        ints = {k for k, a in step.args.items() if a.kind in ("int", "bool", "values", "joint")}
        scope = base | ints
        deps: dict[str, set[str]] = {}
        for k, a in step.args.items():
            exprs = [a.expr] if a.expr is not None else []
            if a.kind in ("values", "joint"):
                exprs = [v.expr for v in a.value if v.expr is not None]
            for e in exprs:
                check(e, scope - {k} | (base & {k}), (*prefix, "args", k), f"argument {k}")
                deps[k] = deps.get(k, set()) | (set(e.names) - base)
        _arg_cycles(spec, deps, prefix)
        for g in step.grid:
            check(g, scope, (*prefix, "grid"), "the grid")
    for name, cs in spec.reals.items():
        for c in cs:
            _real_constraint(spec, name, c)
    return dataclasses.replace(spec, lets={n: spec.lets[n] for n in order})


def _unknown(spec: LaunchSpec, name: str, e: IntExpr, scope: set[str], key: Key, what: str) -> SpecError:
    loc = _at_name(spec.loc(*key), name)
    if name in spec.tensors:
        return SpecError(f"{_dotted(key)} {name!r} is a tensor, not an integer, in {what} {e.text!r}", loc)
    if name in spec.reals:
        return SpecError(f"{_dotted(key)} {name!r} is a real, not an integer, in {what} {e.text!r}", loc)
    close = suggest(name, sorted(scope)) or suggest(name, sorted(set(spec.tensors) | set(spec.reals)))
    hint = f"; did you mean {close!r}?" if close else ""
    listing = ", ".join(sorted(scope)) or "none"
    return SpecError(f"{_dotted(key)} unknown name {name!r} in {what} {e.text!r} "
                     f"(names in scope: {listing}){hint}", loc)


def suggest(name: str, known: list[str]) -> str | None:
    """The known name closest to a misspelt one (case-insensitive first), or None."""
    folded = {k.lower(): k for k in known}
    close = difflib.get_close_matches(name.lower(), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def _let_order(spec: LaunchSpec) -> list[str]:
    """The lets in dependency order; a cycle is a located error naming it."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    for root in spec.lets:
        if state.get(root) == 2:
            continue
        stack: list[tuple[str, list[str]]] = [(root, sorted(n for n in spec.lets[root].names if n in spec.lets))]
        path = [root]
        state[root] = 1
        while stack:
            name, todo = stack[-1]
            if not todo:
                stack.pop()
                path.pop()
                state[name] = 2
                order.append(name)
                continue
            nxt = todo.pop()
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt]
                raise SpecError(f"[let] {' -> '.join(cycle)}: a [let] name depends on itself",
                                _at_name(spec.loc("let", cycle[0]), cycle[1]))
            if state.get(nxt) == 2:
                continue
            state[nxt] = 1
            path.append(nxt)
            stack.append((nxt, sorted(n for n in spec.lets[nxt].names if n in spec.lets)))
    return order


def _arg_cycles(spec: LaunchSpec, deps: dict[str, set[str]], prefix: Key) -> None:
    for start in deps:
        seen = [start]
        cur = start
        while True:
            nxt = next((d for d in sorted(deps.get(cur, ())) if d in deps), None)
            if nxt is None:
                break
            if nxt in seen:
                cycle = seen[seen.index(nxt):] + [nxt]
                raise SpecError(f"{_dotted((*prefix, 'args'))} {' -> '.join(cycle)}: arguments refer to "
                                f"each other in a circle", spec.loc(*prefix, "args", cycle[0]))
            seen.append(nxt)
            cur = nxt


_REAL_NODES = (ast.Expression, ast.Compare, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub,
               ast.UAdd, ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Lt, ast.LtE, ast.Gt, ast.GtE,
               ast.Eq, ast.NotEq, ast.Name, ast.Load, ast.Constant)


def _real_constraint(spec: LaunchSpec, name: str, text: str) -> None:
    """A `[reals]` constraint: a comparison (and/or/not of comparisons) over reals, sizes and
    numbers with + - * /."""
    key = ("reals", name)

    def bad(msg: str) -> SpecError:
        return SpecError(f"[reals.{name}] {msg}", spec.loc(*key))

    if len(text) > MAX_TEXT:
        raise bad(f"constraint of {len(text)} characters: the bound is {MAX_TEXT}")
    depth = best = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        best = max(best, depth)
    if best > MAX_DEPTH:
        raise bad(f"constraint nested more than {MAX_DEPTH} levels deep")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
        raise bad(f"cannot parse constraint {text!r}: {getattr(e, 'msg', e)}") from None
    nodes = list(ast.walk(tree))
    if len(nodes) > 4 * MAX_TEXT:
        raise bad("constraint too large")
    for n in nodes:
        if not isinstance(n, _REAL_NODES):
            raise bad(f"{type(n).__name__} is not allowed in the constraint {text!r} "
                      f"(comparisons of + - * / over reals, sizes and numbers)")
        if isinstance(n, ast.Constant) and (isinstance(n.value, bool) or not isinstance(n.value, (int, float))):
            raise bad(f"only numbers are allowed as constants in {text!r}")
        if isinstance(n, ast.Name) and n.id not in spec.reals and n.id not in spec.sizes:
            close = suggest(n.id, [*spec.reals, *spec.sizes])
            hint = f"; did you mean {close!r}?" if close else ""
            raise SpecError(f"[reals.{name}] unknown name {n.id!r} in {text!r} (reals: "
                            f"{', '.join(spec.reals)}; sizes: {', '.join(spec.sizes) or 'none'}){hint}",
                            _at_name(spec.loc(*key), n.id))
    body = tree.body
    if not (isinstance(body, (ast.Compare, ast.BoolOp)) or isinstance(body, ast.UnaryOp) and isinstance(body.op, ast.Not)):
        raise bad(f"a constraint must be a comparison such as '{name} > 0', got {text!r}")


def _at_name(loc: SourceLoc, name: str) -> SourceLoc:
    """`loc` moved to the first whole-word occurrence of `name` after its column, when the line
    shows it (the name inside the expression string)."""
    if not loc.source_line or loc.line <= 0:
        return loc
    m = re.compile(rf"(?<![\w]){re.escape(name)}(?![\w])").search(loc.source_line, max(loc.col, 1))
    if m is None:
        return loc
    return dataclasses.replace(loc, col=m.start() + 1)


def _dotted(key: Key) -> str:
    return f"[{dotted(key)}]"
