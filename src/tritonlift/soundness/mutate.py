"""AST mutation operators over Triton kernel functions (deterministic).

A *site* is one node of a kernel function (or of a `@triton.jit` helper defined in the same
module and called from it) that an operator can rewrite, with one or more *variants*. Nodes are
addressed by their position in a fixed pre-order walk of the function that skips branches a bool
constexpr of the launch spec makes dead (`if ONE_TILE_PER_CTA:` with the spec's value), so a
site found on the original tree is found again, at the same position, on a deep copy.

    sites(module_tree, kernels, bools) -> list[Site]
    apply(module_tree, site, bools) -> new module tree (the input is not modified)

Operators (the `op` names, also the classes reported per operator):

    cmp_flip        `<` ↔ `<=`, `>` ↔ `>=`, `==` ↔ `!=`
    int_const       an integer literal ± 1
    other           `other=` dropped, set to 0.0 (1.0 when it is 0), or added as 1.0
    arith           `+` ↔ `-`, `*` → `+`, `/` → `*`, `//` ↔ `%` (also in `+=` ...)
    mask_drop       `mask=` dropped from a load/store/atomic (with its `other=`, or keeping it)
    mask_narrow     a bound of a mask comparison moved by one (`offs < n` → `offs < n - 1`)
    minmax_where    `maximum` ↔ `minimum`, their arguments swapped, `where(c, a, b)` → `where(c, b, a)`
    sum_max         `tl.sum` ↔ `tl.max`, `tl.min` → `tl.max`
    reduce_axis     the axis of a reduction or scan 0 ↔ 1
    loop_stmt_del   one statement of a loop body deleted
    loop_range      `range(a, b)` → `range(a, b - 1)`, `range(a + 1, b)`, `range(a, b + 1)`
    pid_axis        `program_id(0)` ↔ `program_id(1)` (also `num_programs`)
    stride_swap     two stride parameters exchanged everywhere in the body
    exp_swap        `exp` ↔ `exp2`, `log` ↔ `log2`
    offset_shift    the pointer of a load or store shifted by one element
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator
from dataclasses import dataclass

OPERATORS = ("cmp_flip", "int_const", "other", "arith", "mask_drop", "mask_narrow", "minmax_where",
             "sum_max", "reduce_axis", "loop_stmt_del", "loop_range", "pid_axis", "stride_swap",
             "exp_swap", "offset_shift")

MEMORY_CALLS = frozenset({"load", "store", "atomic_add", "atomic_max", "atomic_min", "atomic_xchg",
                          "atomic_cas", "atomic_and", "atomic_or", "atomic_xor"})
REDUCTIONS = frozenset({"sum", "max", "min", "argmax", "argmin", "cumsum", "cumprod", "reduce",
                        "associative_scan", "xor_sum"})
# calls whose integer arguments are shapes, axes or dtypes rather than values
SHAPE_CALLS = frozenset({"arange", "program_id", "num_programs", "zeros", "full", "reshape", "view",
                         "broadcast_to", "expand_dims", "constexpr", "static_range", "permute", "trans",
                         "zeros_like", "full_like", "split", "join", "static_assert", "multiple_of",
                         "max_contiguous", "make_block_ptr", "advance"})
SHAPE_KEYWORDS = frozenset({"axis", "dtype", "num_stages", "eviction_policy", "cache_modifier",
                            "return_indices", "keep_dims", "tie_break_left", "boundary_check",
                            "padding_option", "reverse", "sem", "scope", "out_dtype", "input_precision"})
_FLIP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
         ast.NotEq: ast.Eq}
_ARITH = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Add, ast.Div: ast.Mult,
          ast.FloorDiv: ast.Mod, ast.Mod: ast.FloorDiv}
_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
           ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_SWAP_NAMES = {"exp": "exp2", "exp2": "exp", "log": "log2", "log2": "log"}


@dataclass(frozen=True)
class Site:
    """One mutation: operator, function, node position in the live walk, variant."""

    op: str
    function: str
    position: int
    variant: int
    line: int
    description: str

    @property
    def key(self) -> str:
        return f"{self.op}:{self.function}:{self.position}:{self.variant}"


# -- walking ------------------------------------------------------------------------------------

def call_name(node: ast.AST) -> str:
    """`tl.sum` -> 'sum', `tle.program_id` -> 'program_id', `f` -> 'f'; '' for non-calls."""
    if not isinstance(node, ast.Call):
        return ""
    f = node.func
    if isinstance(f, ast.Attribute):
        return f.attr
    if isinstance(f, ast.Name):
        return f.id
    return ""


def _is_attr_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)


def _dead_branch(test: ast.expr, bools: dict[str, bool]) -> bool | None:
    """True/False when `test` is a bool constexpr of the spec (or its negation), else None."""
    if isinstance(test, ast.Name) and test.id in bools:
        return bools[test.id]
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _dead_branch(test.operand, bools)
        return None if inner is None else not inner
    return None


def live_walk(fn: ast.FunctionDef, bools: dict[str, bool]) -> list[ast.AST]:
    """Pre-order walk of the function body, skipping the branch a bool constexpr rules out."""
    out: list[ast.AST] = [fn]

    def visit(node: ast.AST) -> None:
        out.append(node)
        if isinstance(node, ast.If):
            value = _dead_branch(node.test, bools)
            visit(node.test)
            if value is None or value:
                for s in node.body:
                    visit(s)
            if value is None or not value:
                for s in node.orelse:
                    visit(s)
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    for st in fn.body:
        visit(st)
    return out


def parents_of(nodes: list[ast.AST]) -> dict[int, ast.AST]:
    parents: dict[int, ast.AST] = {}
    for n in nodes:
        for c in ast.iter_child_nodes(n):
            parents[id(c)] = n
    return parents


def _ancestors(node: ast.AST, parents: dict[int, ast.AST]) -> Iterator[ast.AST]:
    while id(node) in parents:
        node = parents[id(node)]
        yield node


def _in_shape_context(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """Inside an argument that is a shape, axis, dtype, slice or keyword option."""
    child = node
    for anc in _ancestors(node, parents):
        if isinstance(anc, ast.keyword) and anc.arg in SHAPE_KEYWORDS:
            return True
        if isinstance(anc, ast.Call) and call_name(anc) in SHAPE_CALLS:
            return True
        if isinstance(anc, ast.Subscript) and child is anc.slice:
            return True
        if isinstance(anc, (ast.stmt, ast.FunctionDef)):
            return isinstance(anc, ast.AnnAssign)  # `x: tl.constexpr = 4`
        child = anc
    return False


def _kw(call: ast.Call, name: str) -> ast.keyword | None:
    return next((k for k in call.keywords if k.arg == name), None)


def _mask_names(fn_nodes: list[ast.AST]) -> set[str]:
    """Names used as masks: in `mask=` keywords (also inside `&`/`|`) and as `where` conditions."""
    names: set[str] = set()
    for n in fn_nodes:
        exprs: list[ast.AST] = []
        if isinstance(n, ast.Call):
            k = _kw(n, "mask")
            if k is not None:
                exprs.append(k.value)
            if call_name(n) == "where" and n.args:
                exprs.append(n.args[0])
        for e in exprs:
            names |= {x.id for x in ast.walk(e) if isinstance(x, ast.Name)}
    return names


def _is_mask_compare(node: ast.Compare, parents: dict[int, ast.AST], masks: set[str]) -> bool:
    for anc in _ancestors(node, parents):
        if isinstance(anc, ast.keyword) and anc.arg == "mask":
            return True
        if isinstance(anc, ast.Assign):
            return any(isinstance(t, ast.Name) and t.id in masks for t in anc.targets)
        if isinstance(anc, ast.stmt):
            return False
    return False


# -- site discovery -------------------------------------------------------------------------------

def _variants(node: ast.AST, parents: dict[int, ast.AST], ctx: _Ctx) -> Iterator[tuple[str, int, str]]:
    """(op, variant, description) for every mutation of `node`."""
    name = call_name(node)
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _FLIP:
        if not any(isinstance(c, ast.Constant) and isinstance(c.value, str) for c in (node.left, *node.comparators)):
            a, b = type(node.ops[0]), _FLIP[type(node.ops[0])]
            yield "cmp_flip", 0, f"{_SYMBOL[a]} -> {_SYMBOL[b]}"
            if a in (ast.Lt, ast.LtE) and _is_mask_compare(node, parents, ctx.masks):
                yield "mask_narrow", 0, f"mask bound {ast.unparse(node.comparators[0])} -> minus 1"
    if (isinstance(node, ast.Constant) and type(node.value) is int and not _in_shape_context(node, parents)
            and not isinstance(parents.get(id(node)), ast.keyword | ast.UnaryOp)):
        yield "int_const", 0, f"{node.value} -> {node.value + 1}"
        if node.value >= 1:
            yield "int_const", 1, f"{node.value} -> {node.value - 1}"
    if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in _ARITH:
        if not _in_shape_context(node, parents):
            a, b = type(node.op), _ARITH[type(node.op)]
            yield "arith", 0, f"{_SYMBOL[a]} -> {_SYMBOL[b]}"
    if name == "load":
        other = _kw(node, "other")
        if other is not None:
            yield "other", 0, f"other={ast.unparse(other.value)} dropped"
            zero = isinstance(other.value, ast.Constant) and other.value.value in (0, 0.0)
            yield "other", 1, f"other={ast.unparse(other.value)} -> {'1.0' if zero else '0.0'}"
        elif _kw(node, "mask") is not None:
            yield "other", 2, "other=1.0 added"
    if name in MEMORY_CALLS and _kw(node, "mask") is not None:
        yield "mask_drop", 0, f"mask dropped from {name}"
        if _kw(node, "other") is not None:
            yield "mask_drop", 1, f"mask dropped from {name}, other= kept"
    if name in MEMORY_CALLS and node.args:
        yield "offset_shift", 0, f"pointer of {name} + 1"
    if _is_attr_call(node):
        if name in ("maximum", "minimum"):
            yield "minmax_where", 0, f"{name} -> {'minimum' if name == 'maximum' else 'maximum'}"
            if len(node.args) == 2:
                yield "minmax_where", 1, f"{name} arguments swapped"
        if name == "where" and len(node.args) == 3:
            yield "minmax_where", 2, "where branches swapped"
        if name in ("sum", "max", "min"):
            to = {"sum": "max", "max": "sum", "min": "max"}[name]
            yield "sum_max", 0, f"{name} -> {to}"
        if name in REDUCTIONS and _axis_node(node) is not None:
            yield "reduce_axis", 0, f"{name} axis {_axis_node(node).value} -> {1 - _axis_node(node).value}"
        if name in _SWAP_NAMES:
            yield "exp_swap", 0, f"{name} -> {_SWAP_NAMES[name]}"
    if name in ("program_id", "num_programs") and node.args and isinstance(node.args[0], ast.Constant):
        k = node.args[0].value
        if k in (0, 1):
            yield "pid_axis", 0, f"{name}({k}) -> {name}({1 - k})"
    if isinstance(node, (ast.For, ast.While)) and len(node.body) >= 2:
        protected = _while_counters(node) if isinstance(node, ast.While) else set()
        for i, st in enumerate(node.body):
            if not _assigns(st) & protected:
                yield "loop_stmt_del", i, f"loop statement at line {st.lineno} deleted"
    if isinstance(node, ast.For) and call_name(node.iter) in ("range", "static_range") and node.iter.args:
        yield "loop_range", 0, "range stop - 1"
        yield "loop_range", 1, "range start + 1"
        yield "loop_range", 2, "range stop + 1"
    if isinstance(node, ast.FunctionDef) and node.name in ctx.kernels:
        strides = [a.arg for a in node.args.args if "stride" in a.arg.lower()]
        for i in range(len(strides) - 1):
            yield "stride_swap", i, f"{strides[i]} <-> {strides[i + 1]}"


def _axis_node(call: ast.Call) -> ast.Constant | None:
    k = _kw(call, "axis")
    node = k.value if k is not None else (call.args[1] if len(call.args) >= 2 else None)
    if isinstance(node, ast.Constant) and type(node.value) is int and node.value in (0, 1):
        return node
    return None


def _assigns(st: ast.stmt) -> set[str]:
    out: set[str] = set()
    for n in ast.walk(st):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            out.add(n.id)
    return out


def _while_counters(node: ast.While) -> set[str]:
    return {n.id for n in ast.walk(node.test) if isinstance(n, ast.Name)}


@dataclass
class _Ctx:
    kernels: frozenset[str]
    masks: set[str]


def functions_to_mutate(tree: ast.Module, kernels: list[str]) -> list[ast.FunctionDef]:
    """The kernel functions and the same-module `@jit` helpers they call (directly or through
    another such helper), in source order."""
    defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    chosen: list[str] = []
    todo = [k for k in kernels if k in defs]
    while todo:
        name = todo.pop(0)
        if name in chosen:
            continue
        chosen.append(name)
        for n in ast.walk(defs[name]):
            callee = call_name(n) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) else ""
            if callee in defs and callee not in chosen and _is_jit(defs[callee]):
                todo.append(callee)
    return [defs[n] for n in defs if n in chosen]


def _is_jit(fn: ast.FunctionDef) -> bool:
    for d in fn.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        if ast.unparse(target).split(".")[-1] == "jit":
            return True
    return False


def sites(tree: ast.Module, kernels: list[str], bools: dict[str, dict[str, bool]]) -> list[Site]:
    """Every mutation site of the kernels (and their same-module jit helpers) in `tree`;
    `bools` maps a kernel name to its bool constexprs in the launch spec."""
    out: list[Site] = []
    for fn in functions_to_mutate(tree, kernels):
        nodes = live_walk(fn, bools.get(fn.name, {}))
        parents = parents_of(nodes)
        ctx = _Ctx(frozenset(kernels), _mask_names(nodes))
        for pos, node in enumerate(nodes):
            for op, variant, desc in _variants(node, parents, ctx):
                out.append(Site(op, fn.name, pos, variant, getattr(node, "lineno", fn.lineno), desc))
    return out


# -- applying ---------------------------------------------------------------------------------------

def apply(tree: ast.Module, site: Site, bools: dict[str, dict[str, bool]]) -> ast.Module:
    """A deep copy of `tree` with `site` applied."""
    new = copy.deepcopy(tree)
    fn = next(n for n in new.body if isinstance(n, ast.FunctionDef) and n.name == site.function)
    nodes = live_walk(fn, bools.get(fn.name, {}))
    node = nodes[site.position]
    parents = parents_of(nodes)
    replacement = _mutate(node, site, parents)
    if replacement is not None and replacement is not node:
        _replace(parents[id(node)], node, replacement)
    ast.fix_missing_locations(new)
    return new


def _replace(parent: ast.AST, old: ast.AST, new: ast.AST) -> None:
    for field, value in ast.iter_fields(parent):
        if value is old:
            setattr(parent, field, new)
            return
        if isinstance(value, list):
            for i, v in enumerate(value):
                if v is old:
                    value[i] = new
                    return
    raise ValueError("node not found in its parent")


def _minus_one(e: ast.expr) -> ast.expr:
    return ast.BinOp(left=e, op=ast.Sub(), right=ast.Constant(1))


def _plus_one(e: ast.expr) -> ast.expr:
    return ast.BinOp(left=e, op=ast.Add(), right=ast.Constant(1))


def _rename_call(call: ast.Call, new: str) -> None:
    if isinstance(call.func, ast.Attribute):
        call.func.attr = new
    elif isinstance(call.func, ast.Name):
        call.func.id = new


def _mutate(node: ast.AST, site: Site, parents: dict[int, ast.AST]) -> ast.AST | None:
    op, v = site.op, site.variant
    if op == "cmp_flip":
        node.ops = [_FLIP[type(node.ops[0])]()]
    elif op == "mask_narrow":
        node.comparators = [_minus_one(node.comparators[0])]
    elif op == "int_const":
        return ast.Constant(node.value + (1 if v == 0 else -1))
    elif op == "arith":
        node.op = _ARITH[type(node.op)]()
    elif op == "other":
        if v == 0:
            node.keywords = [k for k in node.keywords if k.arg != "other"]
        elif v == 1:
            k = _kw(node, "other")
            zero = isinstance(k.value, ast.Constant) and k.value.value in (0, 0.0)
            k.value = ast.Constant(1.0 if zero else 0.0)
        else:
            node.keywords.append(ast.keyword(arg="other", value=ast.Constant(1.0)))
    elif op == "mask_drop":
        drop = {"mask", "other"} if v == 0 else {"mask"}
        node.keywords = [k for k in node.keywords if k.arg not in drop]
    elif op == "offset_shift":
        node.args[0] = _plus_one(node.args[0])
    elif op == "minmax_where":
        if v == 0:
            _rename_call(node, "minimum" if call_name(node) == "maximum" else "maximum")
        elif v == 1:
            node.args = [node.args[1], node.args[0]]
        else:
            node.args = [node.args[0], node.args[2], node.args[1]]
    elif op == "sum_max":
        _rename_call(node, {"sum": "max", "max": "sum", "min": "max"}[call_name(node)])
    elif op == "reduce_axis":
        ax = _axis_node(node)
        ax.value = 1 - ax.value
    elif op == "exp_swap":
        _rename_call(node, _SWAP_NAMES[call_name(node)])
    elif op == "pid_axis":
        node.args[0] = ast.Constant(1 - node.args[0].value)
    elif op == "loop_stmt_del":
        del node.body[v]
    elif op == "loop_range":
        args = node.iter.args
        if v == 0:
            i = 0 if len(args) == 1 else 1
            args[i] = _minus_one(args[i])
        elif v == 1:
            if len(args) == 1:
                args.insert(0, ast.Constant(1))
            else:
                args[0] = _plus_one(args[0])
        else:
            i = 0 if len(args) == 1 else 1
            args[i] = _plus_one(args[i])
    elif op == "stride_swap":
        strides = [a.arg for a in node.args.args if "stride" in a.arg.lower()]
        a, b = strides[v], strides[v + 1]
        for st in node.body:
            for n in ast.walk(st):
                if isinstance(n, ast.Name) and n.id in (a, b):
                    n.id = b if n.id == a else a
    else:  # pragma: no cover
        raise ValueError(f"unknown mutation operator {op}")
    return None
