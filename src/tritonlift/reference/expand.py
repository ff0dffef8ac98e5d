"""A reference operator's equations for one rank and parameter choice: named-axis reads
(`input[j]`) become full reads (`input[i0, j]`), the `dim` axis lands where `dim` says, a
reduction over several dims becomes nested binders, keepdim adds unused output indices,
broadcast inputs read index 0 along their size-1 dims, and a loss's `reduction` sums or
averages over the batch.

    inst = expand(get("aten::softmax"), {"dim": 0}, rank=2)
    inst.equations  # (("out", ("j", "i0"), exp(input[j, i0]) / sum(k, 0, N, exp(input[k, i0]))),)

Size symbols: `B0, B1, ...` for batch dims, the named axes' own symbols (`N`), `N0, N1, ...`
for the dims of a reduced axis that spans several dims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..dsl import build
from ..dsl.printer import parse, to_text
from ..dsl.term import BINDERS, Op, Term, const, free_vars, read, sym, var
from ..errors import DslError
from .model import Arg, ReferenceError, RefOp

_LHS = re.compile(r"^\s*([A-Za-z_]\w*)\s*\[([^\]]*)\]\s*=(?!=)(.*)$", re.S)
_ASSOCIATIVE = (Op.SUM, Op.PROD, Op.MAXR, Op.MINR)


@dataclass(frozen=True)
class View:
    """How a mapped tensor deviates from the operator's full shape: fewer leading dims
    (`rank`), or size-1 dims that broadcast (`ones`, positions in its own dims)."""

    rank: int
    ones: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Equation:
    tensor: str
    index_vars: tuple[str, ...]
    body: Term

    def text(self) -> str:
        lhs = f"{self.tensor}[{', '.join(self.index_vars)}]" if self.index_vars else self.tensor
        return f"{lhs} = {to_text(self.body)}"


@dataclass(frozen=True)
class Instance:
    op: RefOp
    params: dict[str, Any]
    shapes: dict[str, tuple[Term, ...]]  # every tensor's full shape (size terms)
    equations: tuple[Equation, ...]
    symbolic: frozenset[str]  # parameters kept as symbols (reals of a launch spec)

    def text(self) -> str:
        return "; ".join(e.text() for e in self.equations)

    def size_symbols(self) -> list[str]:
        out: list[str] = []
        for shape in self.shapes.values():
            for d in shape:
                for n in _syms(d):
                    if n not in out:
                        out.append(n)
        return out


def _syms(t: Term) -> list[str]:
    from ..dsl.term import walk

    return [n.attrs[0] for n in walk(t) if n.op is Op.SYM]


def params_of(op: RefOp, given: dict[str, Any] | None) -> dict[str, Any]:
    params = op.defaults()
    for k, v in (given or {}).items():
        if op.param(k) is None and k not in op.fixed:
            raise ReferenceError(f"{op.name} has no parameter {k!r} (parameters: "
                                 f"{', '.join(p.name for p in op.params) or 'none'})")
        if k in op.fixed and v != op.fixed[k]:
            raise ReferenceError(f"{op.key} is the variant {k}={op.fixed[k]!r}, not {v!r}")
        params[k] = v
    return params


class _Layout:
    """Where every tensor's dims come from: ('b', k) batch dim k, ('a', axis, m) the m-th dim of
    a named axis, ('1',) a keepdim dim, ('0',) a broadcast size-1 dim (read at index 0)."""

    def __init__(self, op: RefOp, params: dict[str, Any], rank: int | None, views: dict[str, View]) -> None:
        self.op, self.params = op, params
        first = next((a for a in op.inputs + op.outputs if a.batch), None)
        self.group = 1  # dims spanned by the dim axis
        self.positions: tuple[int, ...] = ()
        dim_param = next((p for p in op.params if p.kind in ("dim", "dims")), None)
        self.dim_axes = {op.dim_axis, *op.dim_alias} if op.dim_axis else set()
        dim_arg = next((a for a in op.inputs + op.outputs if op.dim_axis in a.axes), None)
        base = dim_arg or first
        named = len(base.axes) if base else 0
        if rank is None:
            rank = op.rank
        if rank is None:
            rank = (named + (1 if base is not None and base.batch else 0)) if base else 0
        if op.dim_axis and dim_param is not None and dim_arg is not None:
            value = params.get(dim_param.name)
            if dim_param.kind == "dims":
                dims = list(range(rank)) if value is None or value == [] else list(value if isinstance(value, (list, tuple)) else [value])
            else:
                dims = [value]
            if len(dims) > 1 and len(dim_arg.axes) > 1:
                raise ReferenceError(f"{op.name}: several {dim_param.name} with other named axes")
            self.group = len(dims)
            try:
                self.positions = tuple(sorted(_normal(d, rank) for d in dims))
            except (TypeError, ValueError):
                raise ReferenceError(f"{op.name}: {dim_param.name}={value!r} is not a dim of a rank-{rank} "
                                     "tensor") from None
            if len(set(self.positions)) != len(self.positions):
                raise ReferenceError(f"{op.name}: repeated dim in {value!r}")
            named = len(dim_arg.axes) - 1 + self.group
        self.batch = rank - named if base is not None and base.batch else 0
        if self.batch < 0:
            raise ReferenceError(f"{op.name}: rank {rank} is smaller than the operator's {named} named dims")
        self.keepdim = bool(params.get("keepdim", False))
        self.views = views
        self.slots = {a.name: self._slots(a) for a in op.inputs + op.outputs}

    def _slots(self, a: Arg) -> list[tuple]:
        batch = [("b", k) for k in range(self.batch)] if a.batch else []
        at = next((ax for ax in a.axes if ax in self.dim_axes), None)
        if self.op.dim_axis and self.positions and (at is not None or (self.keepdim and a.batch)):
            if at is not None:
                others = [("a", ax, 0) for ax in a.axes if ax != at]
                fill = [("a", at, m) for m in range(self.group)]
            else:
                others, fill = [], [("1",)] * self.group
            slots: list[tuple] = list(batch)
            for p, s in zip(self.positions, fill, strict=True):
                slots.insert(min(p, len(slots)), s)
            slots += others
        else:
            slots = batch + [("a", ax, 0) for ax in a.axes]
        view = self.views.get(a.name)
        if view is not None:
            drop = len(slots) - view.rank
            if drop < 0 and set(range(-drop)) <= view.ones:  # extra leading size-1 dims
                slots = [("0",)] * -drop + slots
                drop = 0
            elif drop < 0 and set(range(view.rank + drop, view.rank)) <= view.ones:  # trailing ones
                slots = slots + [("0",)] * -drop
                drop = 0
            if drop < 0:
                raise ReferenceError(f"{self.op.name}: {a.name} of rank {view.rank} does not fit the "
                                     f"operator's {len(slots)} dims")
            slots = slots[drop:]
            slots = [("0",) if i in view.ones and s[0] != "1" else s for i, s in enumerate(slots)]
        return slots

    def dim_size(self, s: tuple) -> Term:
        if s[0] == "b":
            return sym(f"B{s[1]}")
        if s[0] == "a":
            if s[1] in self.op.lets:
                kinds = {p.name: "real" for p in self.op.params if p.kind in ("real", "int")}
                return _substitute_params(parse(self.op.lets[s[1]], kinds), self.op, self.params, frozenset())
            return sym(self.axis_dim(s[1], s[2]))
        return const(1)

    def axis_dim(self, axis: str, m: int) -> str:
        return f"{axis}{m}" if axis == self.op.dim_axis and self.group > 1 else axis


def _normal(d: Any, rank: int) -> int:
    d = int(d)
    if not -max(rank, 1) <= d < max(rank, 1):
        raise ValueError(d)
    return d % max(rank, 1)


def expand(op: RefOp, params: dict[str, Any] | None = None, rank: int | None = None,
           views: dict[str, View] | None = None, symbolic: frozenset[str] = frozenset()) -> Instance:
    """The equations of `op` for tensors of `rank` dims (the first tensor that has the dim axis,
    else the first batched tensor; default: one batch dim). `symbolic` parameters stay symbols
    (reals), every other parameter is replaced by its value. Raises ReferenceError."""
    params = params_of(op, params)
    lay = _Layout(op, params, rank, dict(views or {}))
    shapes = {n: tuple(lay.dim_size(s) for s in slots) for n, slots in lay.slots.items()}
    kinds = {p.name: "real" for p in op.params if p.kind in ("real", "int")}
    equations = []
    for text in op.equations:
        m = _LHS.match(text)
        if not m:
            raise ReferenceError(f"{op.name}: equation {text!r} is not `out[j, ...] = ...`")
        name = m.group(1)
        arg = op.arg(name)
        if arg is None or arg not in op.outputs:
            raise ReferenceError(f"{op.name}: {name} is not an output")
        lhs = [v.strip() for v in m.group(2).split(",") if v.strip()]
        try:
            body = parse(m.group(3).strip(), kinds)
        except DslError as e:
            raise ReferenceError(f"{op.name}: {e.message} in {text!r}") from None
        body = _substitute_lets(body, op, kinds)
        body = _substitute_params(body, op, params, symbolic)
        named = dict(zip((ax for ax in arg.axes), lhs, strict=True))
        ctx = _Context(op, lay)
        body = ctx.rewrite(body, frozenset())
        index_vars: list[str] = []
        keep = 0
        for s in lay.slots[name]:
            if s[0] == "b":
                index_vars.append(f"i{s[1]}")
            elif s[0] == "a":
                index_vars.append(named[s[1]])
            else:
                index_vars.append(f"u{keep}")
                keep += 1
        if op.loss is not None and params.get("reduction", "none") != "none" and arg.batch:
            body, index_vars = _reduce_loss(op, lay, name, body, index_vars, params, kinds, symbolic)
            shapes[name] = ()
        equations.append(Equation(name, tuple(index_vars), body))
    return Instance(op, params, shapes, tuple(equations), frozenset(symbolic))


def _substitute_params(body: Term, op: RefOp, params: dict[str, Any], symbolic: frozenset[str]) -> Term:
    env: dict[str, Term] = {}
    for p in op.params:
        if p.kind in ("real", "int") and p.name not in symbolic:
            v = params[p.name]
            if v is None:
                continue
            env[p.name] = const(float(v) if p.kind == "real" else int(v))
    return substitute(body, env)


def _substitute_lets(body: Term, op: RefOp, kinds: dict[str, str]) -> Term:
    for name, text in op.lets.items():
        body = substitute(body, {name: parse(text, kinds)})
    return body


def substitute(t: Term, env: dict[str, Term]) -> Term:
    """`t` with every symbol named in `env` replaced."""
    if not env:
        return t
    memo: dict[int, Term] = {}

    def go(n: Term) -> Term:
        if id(n) in memo:
            return memo[id(n)]
        if n.op is Op.SYM and n.attrs[0] in env:
            r = env[n.attrs[0]]
        elif not n.args:
            r = n
        else:
            r = rebuild(n, tuple(go(a) for a in n.args))
        memo[id(n)] = r
        return r

    return go(t)


def rebuild(n: Term, args: tuple[Term, ...]) -> Term:
    if all(a is b for a, b in zip(args, n.args, strict=True)):
        return n
    if n.op in (Op.READ, Op.CALL) or n.op in BINDERS:
        return Term.make(n.op, args, n.attrs)
    return build.apply(n.op, *args)


class _Context:
    def __init__(self, op: RefOp, lay: _Layout) -> None:
        self.op, self.lay = op, lay
        self.grouped = op.dim_axis if lay.group > 1 else None

    def rewrite(self, t: Term, bound: frozenset[str]) -> Term:
        """Reads in full; binders over a multi-dim axis nested; `bound` holds the variables of
        such binders (usable only as that axis's index)."""
        if t.op is Op.READ:
            return self._read(t, bound)
        if t.op is Op.SYM and t.attrs[0] == self.grouped:
            out: Term = const(1)
            for m in range(self.lay.group):
                out = build.mul(out, sym(self.lay.axis_dim(self.grouped, m)))
            return out
        if t.op is Op.VAR and t.attrs[0] in bound:
            raise ReferenceError(f"{self.op.name}: {t.attrs[0]} is used other than as the index of "
                                 f"{self.grouped}, which spans {self.lay.group} dims")
        if t.op in BINDERS and self.grouped is not None:
            lo, hi, body = t.args
            if hi.op is Op.SYM and hi.attrs[0] == self.grouped:
                if t.op not in _ASSOCIATIVE or not (lo.op is Op.CONST and lo.value == 0):
                    raise ReferenceError(f"{self.op.name}: {t.op.name.lower()} over {self.grouped} "
                                         f"cannot span {self.lay.group} dims")
                v = t.attrs[0]
                inner = self.rewrite(body, bound | {v})
                for m in reversed(range(self.lay.group)):
                    inner = Term.make(t.op, (const(0), sym(self.lay.axis_dim(self.grouped, m)), inner), (f"{v}{m}",))
                return inner
        if not t.args:
            return t
        return rebuild(t, tuple(self.rewrite(a, bound) for a in t.args))

    def _read(self, t: Term, bound: frozenset[str]) -> Term:
        name = t.attrs[0]
        arg = self.op.arg(name)
        if arg is None:
            raise ReferenceError(f"{self.op.name}: the equations read {name!r}, not a tensor of the operator")
        if len(t.args) != len(arg.axes):
            raise ReferenceError(f"{self.op.name}: {name} is read with {len(t.args)} index(es), "
                                 f"it has {len(arg.axes)} named axes")
        named = {ax: self.rewrite(a, frozenset()) if not (a.op is Op.VAR and a.attrs[0] in bound) else a
                 for ax, a in zip(arg.axes, t.args, strict=True)}
        idx: list[Term] = []
        for s in self.lay.slots[name]:
            if s[0] == "b":
                idx.append(var(f"i{s[1]}"))
            elif s[0] == "a":
                a = named[s[1]]
                if s[1] == self.grouped:
                    if not (a.op is Op.VAR and a.attrs[0] in bound):
                        raise ReferenceError(f"{self.op.name}: {name} is read along {s[1]} at "
                                             f"{to_text(a)}, which spans {self.lay.group} dims")
                    idx.append(var(f"{a.attrs[0]}{s[2]}"))
                else:
                    idx.append(a)
            else:
                idx.append(const(0))
        return read(name, *idx)


def _reduce_loss(op: RefOp, lay: _Layout, name: str, body: Term, index_vars: list[str], params: dict[str, Any],
                 kinds: dict[str, str], symbolic: frozenset[str]) -> tuple[Term, list[str]]:
    """reduction='sum' | 'mean' | 'batchmean': the per-element loss summed over the batch
    (and the output's named axes), divided by the summed weights (mean) or the first dim."""
    reduction = params.get("reduction")
    if reduction not in ("sum", "mean", "batchmean"):
        raise ReferenceError(f"{op.name}: reduction={reduction!r} (none, mean, sum)")
    sizes = dict(zip(index_vars, (lay.dim_size(s) for s in lay.slots[name]), strict=True))

    def total(t: Term) -> Term:
        for v in reversed(index_vars):
            t = build.binder(Op.SUM, v, 0, sizes[v], t)
        return t

    out = total(body)
    if reduction == "mean":
        weight = _substitute_params(_substitute_lets(parse(op.loss or "1", kinds), op, kinds), op, params, symbolic)
        weight = _Context(op, lay).rewrite(weight, frozenset())
        if free_vars(weight) or weight.op is Op.CONST:
            count: Term = total(weight) if free_vars(weight) else build.mul(weight, _product(sizes.values()))
        else:
            count = build.mul(weight, _product(sizes.values()))
        out = build.div(out, count)
    elif reduction == "batchmean":
        out = build.div(out, sizes[index_vars[0]] if index_vars else const(1))
    return out, []


def _product(terms) -> Term:
    out: Term = const(1)
    for t in terms:
        out = build.mul(out, t)
    return out
