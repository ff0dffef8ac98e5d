"""A reference operator stated over a launch spec's tensors, for `tritonlift check --against`.

    text, mapping = formula_against(launch, "aten::elu", params={"alpha": 0.5})
    tritonlift.check(launch.path, text)

The mapping of the reference's tensors onto the spec's: `tensors` given by the user first
(`x=inp`), then equal names, then in order (inputs onto `in`/`inout` tensors, outputs onto
`out`/`inout` tensors, int and bool tensors onto int and bool ones). A reference output with no
spec tensor left is not stated (the check then covers the others); the dims of the spec's
tensors give the rank, the position of `dim`, broadcast operands (fewer dims, size-1 dims) and
the size of every axis. A parameter named like a real of the spec (`eps`), or given as one
(`alpha=a`), stays symbolic; any other takes its value (given, else PyTorch's default).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from ..dsl.printer import parse, to_text
from ..dsl.term import Op, Term, read, sym, walk
from ..frontend.launch import LaunchSpec, TensorDecl
from . import get
from .expand import Equation, Instance, View, expand, rebuild, substitute
from .model import Arg, ReferenceError, RefOp


@dataclass(frozen=True)
class Against:
    op: RefOp
    instance: Instance  # in the reference's own names
    tensors: dict[str, str]  # reference tensor -> spec tensor
    params: dict[str, Any]  # every parameter's value (a spec real's name when symbolic)
    formula: str  # in the spec's names
    unstated: tuple[str, ...]  # reference outputs with no spec tensor

    def describe(self) -> str:
        maps = ", ".join(f"{r}={s}" for r, s in self.tensors.items())
        ps = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        extra = f"; not stated: {', '.join(self.unstated)}" if self.unstated else ""
        return f"{self.op.key}({ps}) with {maps}{extra}"


def parse_pairs(items: list[str] | None, what: str) -> dict[str, str]:
    """`["x=inp,out=y", "alpha=0.5"]` -> {x: inp, out: y, alpha: 0.5} (text values)."""
    out: dict[str, str] = {}
    for item in items or []:
        for part in _split(item):
            k, eq, v = part.partition("=")
            if not eq or not k.strip():
                raise ReferenceError(f"{what} expects NAME=VALUE, got {part!r}")
            out[k.strip()] = v.strip()
    return out


def _split(text: str) -> list[str]:
    """Split on commas outside brackets (`dim=[0, 1],keepdim=True`)."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch in "[(" and 1 or (-1 if ch in "])" else 0)
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    return [p.strip() for p in parts + [cur] if p.strip()]


def value_of(text: str) -> Any:
    """A parameter value from the command line: Python literals (1, 0.5, [0, 1], None, True),
    else the text itself (mean, tanh, a spec real's name)."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def formula_against(launch: LaunchSpec, name: str, params: dict[str, Any] | None = None,
                    tensors: dict[str, str] | None = None) -> Against:
    """The reference operator `name` as a formula over `launch`'s tensors. Raises ReferenceError
    when it cannot be stated there (a tensor that does not fit, a size the spec does not give)."""
    given = dict(params or {})
    op = get(name, **given)
    symbolic: dict[str, str] = {}  # reference parameter -> spec real
    values: dict[str, Any] = {}
    for k, v in given.items():
        if op.param(k) is None and k not in op.fixed:
            raise ReferenceError(f"{op.name} has no parameter {k!r} (parameters: "
                                 f"{', '.join(p.name for p in op.params) or 'none'})")
        if isinstance(v, str) and v in launch.reals and op.param(k) and op.param(k).kind in ("real", "int"):
            symbolic[k] = v
        else:
            values[k] = v
    for p in op.params:
        if p.kind == "real" and p.name not in given and p.name in launch.reals:
            symbolic[p.name] = p.name
    mapping = _map_tensors(op, launch, dict(tensors or {}))
    if any(a.name not in (tensors or {}) for a in op.outputs):  # outputs again, preferring their rank
        rank, _ = _rank_and_views(op, launch, mapping, values, frozenset(symbolic), views=False)
        base = expand(op, values, rank, None, frozenset(symbolic))
        ranks = {a.name: len(base.shapes[a.name]) for a in op.outputs}
        given_inputs = {r: s for r, s in mapping.items() if op.arg(r) in op.inputs or r in (tensors or {})}
        mapping = _map_tensors(op, launch, given_inputs, ranks)
    rank, views = _rank_and_views(op, launch, mapping, values, frozenset(symbolic))
    inst = expand(op, values, rank, views, frozenset(symbolic))
    for r, s_name in mapping.items():
        if op.arg(r) in op.outputs and len(inst.shapes[r]) != len(launch.tensors[s_name].shape):
            raise ReferenceError(f"{op.name}: {r} has {len(inst.shapes[r])} dims here, {s_name} of "
                                 f"{launch.path.name} has {len(launch.tensors[s_name].shape)} (another reduction?)")
    sizes = _unify(op, inst, launch, mapping)
    renamed = {p: sym(r, "real") for p, r in symbolic.items()}
    eqs: list[Equation] = []
    unstated = []
    for eq in inst.equations:
        if eq.tensor not in mapping:
            unstated.append(eq.tensor)
            continue
        reads = {n.attrs[0] for n in walk(eq.body) if n.op is Op.READ}
        if not reads <= set(mapping):
            unstated.append(eq.tensor)
            continue
        body = _rename_reads(substitute(substitute(eq.body, sizes), renamed), mapping)
        eqs.append(Equation(mapping[eq.tensor], eq.index_vars, body))
    if not eqs:
        raise ReferenceError(f"{op.name}: none of its outputs ({', '.join(a.name for a in op.outputs)}) "
                             f"maps onto an output of {launch.path.name}")
    shown = {**inst.params, **symbolic}
    return Against(op, inst, mapping, shown, "; ".join(e.text() for e in eqs), tuple(unstated))


def _fits(a: Arg, d: TensorDecl) -> bool:
    if a.dtype == "float":
        return d.dtype.startswith(("fp", "bf"))
    if a.dtype == "bool":
        return d.dtype in ("int1", "int8", "uint8")
    return d.dtype.startswith(("int", "uint"))


def _map_tensors(op: RefOp, launch: LaunchSpec, given: dict[str, str],
                 ranks: dict[str, int] | None = None) -> dict[str, str]:
    """`given` completed: equal names, then in order; outputs onto tensors of their rank in
    `ranks` first (a kernel writing `mean` and `out`: `out` goes to the one of out's rank)."""
    for r, s in given.items():
        if op.arg(r) is None:
            raise ReferenceError(f"--map {r}={s}: {op.name} has no tensor {r!r} (tensors: "
                                 f"{', '.join(a.name for a in op.inputs + op.outputs)})")
        if s not in launch.tensors:
            raise ReferenceError(f"--map {r}={s}: {launch.path.name} has no tensor {s!r} "
                                 f"(tensors: {', '.join(launch.tensors)})")
    mapping = dict(given)
    for group, directions in ((op.inputs, ("in", "inout")), (op.outputs, ("out", "inout"))):
        free = [n for n, d in launch.tensors.items() if d.direction in directions and n not in mapping.values()]
        for a in group:
            if a.name in mapping:
                continue
            if a.name in free and _fits(a, launch.tensors[a.name]):
                mapping[a.name] = a.name
                free.remove(a.name)
        for a in group:
            if a.name in mapping:
                continue
            pick = None
            if ranks and a.name in ranks:
                pick = next((n for n in free if _fits(a, launch.tensors[n])
                             and len(launch.tensors[n].shape) == ranks[a.name]), None)
            pick = pick or next((n for n in free if _fits(a, launch.tensors[n])), None)
            if pick is None and group is op.outputs:  # an in-place result: the inout tensor it read
                used = set(mapping[o.name] for o in op.outputs if o.name in mapping)
                pick = next((n for n, d in launch.tensors.items() if d.direction == "inout" and n not in used
                             and _fits(a, d)), None)
            if pick is not None:
                mapping[a.name] = pick
                if pick in free:
                    free.remove(pick)
            elif group is op.inputs and not a.optional:
                raise ReferenceError(f"{op.name} reads {a.name} ({a.dtype}): no {a.dtype} input tensor of "
                                     f"{launch.path.name} is left for it (map one with --map {a.name}=TENSOR)")
    return {r: s for r, s in mapping.items()}


def _rank_and_views(op: RefOp, launch: LaunchSpec, mapping: dict[str, str], values: dict[str, Any],
                    symbolic: frozenset[str], views: bool = True) -> tuple[int | None, dict[str, View]]:
    """The rank to expand at (from the spec tensor of the operator's leading tensor) and the
    mapped tensors whose dims are fewer or size 1 where the operator's are not."""
    lead = next((a for a in op.inputs + op.outputs if op.dim_axis and op.dim_axis in a.axes and a.name in mapping),
                None) or next((a for a in op.inputs + op.outputs if a.batch and a.name in mapping), None)
    rank = len(launch.tensors[mapping[lead.name]].shape) if lead is not None else None
    if not views:
        return rank, {}
    base = expand(op, values, rank, None, symbolic)
    views: dict[str, View] = {}
    for r, s in mapping.items():
        decl = launch.tensors[s]
        want = base.shapes.get(r, ())
        own = len(decl.shape)
        aligned = want[len(want) - own:] if own <= len(want) else (None,) * (own - len(want)) + want
        ones = frozenset(i for i, d in enumerate(decl.shape) if d.text.strip() == "1"
                         and not (aligned[i] is not None and aligned[i].op is Op.CONST and aligned[i].value == 1))
        if own != len(want) or ones:
            views[r] = View(own, ones)
    return rank, views


def _unify(op: RefOp, inst: Instance, launch: LaunchSpec, mapping: dict[str, str]) -> dict[str, Term]:
    """Each size symbol of the reference -> the spec's expression for that dim."""
    kinds = {**{s: "size" for s in launch.sizes}, **{s: "size" for s in launch.lets}}
    out: dict[str, Term] = {}
    for r, s in mapping.items():
        for d, e in zip(inst.shapes.get(r, ()), launch.tensors[s].shape, strict=False):
            if d.op is Op.SYM:
                try:
                    term = parse(e.text, kinds)
                except Exception as err:  # a shape expression the formula language cannot say
                    raise ReferenceError(f"{s}: dim {e.text!r} cannot be used in a formula ({err})") from None
                if d.attrs[0] in out and out[d.attrs[0]] is not term:
                    raise ReferenceError(f"{op.name}: {s} has a dim {e.text!r} where {r} has the dim of size "
                                         f"{d.attrs[0]}, elsewhere {to_text(out[d.attrs[0]])} (not the same tensor?)")
                out[d.attrs[0]] = term
    missing = sorted({n.attrs[0] for eq in inst.equations if eq.tensor in mapping
                      for n in walk(eq.body) if n.op is Op.SYM and n.attrs[1] == "size"} - set(out))
    if missing:
        raise ReferenceError(f"{op.name}: no tensor of {launch.path.name} gives the size {', '.join(missing)}")
    return out


def _rename_reads(t: Term, mapping: dict[str, str]) -> Term:
    memo: dict[int, Term] = {}

    def go(n: Term) -> Term:
        if id(n) in memo:
            return memo[id(n)]
        if n.op is Op.READ:
            r = read(mapping[n.attrs[0]], *(go(a) for a in n.args))
        elif not n.args:
            r = n
        else:
            r = rebuild(n, tuple(go(a) for a in n.args))
        memo[id(n)] = r
        return r

    return go(t)
