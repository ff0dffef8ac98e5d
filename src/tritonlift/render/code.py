"""Runnable reference code for a formula: a Python function taking the operator's input tensors
(numpy arrays or torch tensors) and returning its outputs, standalone (no tritonlift import).

Vectorised, not looped: every output index variable and every binder nesting depth owns one
broadcast axis. A binder evaluates its body over the axis for k ∈ [min lo, max hi), masks lanes
outside [lo, hi) (bounds may depend on outer indices, as in a prefix sum) with the reduction's
identity, and reduces that axis. Reads clip their indices into the tensor so masked lanes never
index out of bounds (their values are discarded by the mask). Calls of Triton's random functions
(philox, rand, ...) are defined in the generated code itself (render/random_code.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..dsl.term import BINDERS, Op, Term
from ..errors import TritonLiftError
from ..frontend.launch import LaunchSpec
from ..result import Formula
from .random_code import CALLS, helper_source


class CodegenUnsupported(TritonLiftError):
    kind = "codegen"


@dataclass
class _Lib:
    name: str  # numpy | torch
    mod: str  # np | torch
    unary: dict[Op, str] = field(default_factory=dict)


NUMPY = _Lib("numpy", "np", {
    Op.EXP: "np.exp({})", Op.EXP2: "np.exp2({})", Op.LOG: "np.log({})", Op.LOG2: "np.log2({})",
    Op.LOG1P: "np.log1p({})", Op.SQRT: "np.sqrt({})", Op.RSQRT: "(1.0 / np.sqrt({}))", Op.TANH: "np.tanh({})",
    Op.ERF: "_erf({})", Op.SIGMOID: "(1.0 / (1.0 + np.exp(-({}))))", Op.SIN: "np.sin({})", Op.COS: "np.cos({})",
    Op.ABS: "np.abs({})", Op.FLOOR: "np.floor({})", Op.CEIL: "np.ceil({})", Op.TRUNC: "np.trunc({}).astype(np.int64)",
    Op.RINT: "np.rint({})", Op.NEG: "(-({}))", Op.NOT: "np.logical_not({})",
})
TORCH = _Lib("torch", "torch", {
    Op.EXP: "torch.exp(_f({}))", Op.EXP2: "torch.exp2(_f({}))", Op.LOG: "torch.log(_f({}))", Op.LOG2: "torch.log2(_f({}))",
    Op.LOG1P: "torch.log1p(_f({}))", Op.SQRT: "torch.sqrt(_f({}))", Op.RSQRT: "torch.rsqrt(_f({}))", Op.TANH: "torch.tanh(_f({}))",
    Op.ERF: "torch.erf(_f({}))", Op.SIGMOID: "torch.sigmoid(_f({}))", Op.SIN: "torch.sin(_f({}))", Op.COS: "torch.cos(_f({}))",
    Op.ABS: "torch.abs({})", Op.FLOOR: "torch.floor({})", Op.CEIL: "torch.ceil({})",
    Op.TRUNC: "torch.trunc({}).to(torch.int64)", Op.RINT: "torch.round({})", Op.NEG: "(-({}))",
    Op.NOT: "torch.logical_not({})",
})
BINOP = {Op.ADD: "+", Op.SUB: "-", Op.MUL: "*", Op.DIV: "/", Op.POW: "**", Op.LT: "<", Op.LE: "<=",
         Op.GT: ">", Op.GE: ">=", Op.EQ: "==", Op.NE: "!=", Op.BAND: "&", Op.BOR: "|", Op.BXOR: "^",
         Op.SHL: "<<", Op.SHR: ">>"}

NUMPY_PRELUDE = '''import math

import numpy as np

_erf = np.vectorize(math.erf, otypes=[np.float64])


def _cdiv(a, b):
    """Integer division truncating toward zero, as Triton compiles //."""
    q = np.abs(a) // np.abs(b)
    return np.where((np.asarray(a) >= 0) == (np.asarray(b) >= 0), q, -q)


def _ax(values, axis, ndim):
    shape = [1] * ndim
    shape[axis] = -1
    return np.asarray(values).reshape(shape)


def _out(v, rank, shape):
    v = np.asarray(v, dtype=np.float64)
    if v.ndim > rank:  # binder axes were reduced to extent 1
        v = v.reshape(v.shape[:rank])
    return np.broadcast_to(v, shape).copy()


def _read(t, *index):
    return t[tuple(np.clip(np.asarray(ix, dtype=np.int64), 0, n - 1) for ix, n in zip(index, t.shape))]
'''
TORCH_PRELUDE = '''import torch


def _f(x):
    """Math functions take tensors: constants become float64 tensors."""
    return torch.as_tensor(x, dtype=torch.float64) if not torch.is_tensor(x) else x


def _cdiv(a, b):
    """Integer division truncating toward zero, as Triton compiles //."""
    return torch.div(torch.as_tensor(a), torch.as_tensor(b), rounding_mode="trunc")


def _ax(values, axis, ndim):
    shape = [1] * ndim
    shape[axis] = -1
    return torch.as_tensor(values).reshape(shape)


def _out(v, rank, shape):
    v = torch.as_tensor(v, dtype=torch.float64)
    if v.dim() > rank:  # binder axes were reduced to extent 1
        v = v.reshape(v.shape[:rank])
    return v.expand(shape).clone()


def _read(t, *index):
    return t[tuple(torch.clamp(torch.as_tensor(ix, dtype=torch.int64), 0, n - 1) for ix, n in zip(index, t.shape))]
'''


def _depth(t: Term) -> int:
    memo: dict[Term, int] = {}

    def go(n: Term) -> int:
        if n not in memo:
            d = max((go(a) for a in n.args), default=0)
            memo[n] = d + 1 if n.op in BINDERS else d
        return memo[n]

    return go(t)


class _Gen:
    def __init__(self, lib: _Lib, ndim: int, rank: int):
        self.lib = lib
        self.ndim = ndim
        self.rank = rank
        self.lines: list[str] = []
        self.n = 0
        self.axis_of: dict[str, int] = {}
        self.calls: set[str] = set()  # random functions called: their helpers go into the code

    def tmp(self, expr: str) -> str:
        self.n += 1
        name = f"t{self.n}"
        self.lines.append(f"    {name} = {expr}")
        return name

    def expr(self, t: Term, depth: int, memo: dict[Term, str]) -> str:
        if t in memo:
            return memo[t]
        op = t.op
        if op is Op.CONST:
            v = t.value
            s = ("float('inf')" if v > 0 else "float('-inf')") if isinstance(v, float) and math.isinf(v) else repr(v)
        elif op is Op.VAR:
            s = t.attrs[0]
        elif op is Op.SYM:
            s = t.attrs[0]
        elif op is Op.READ:
            s = f"_read({t.attrs[0]}, {', '.join(self.expr(a, depth, memo) for a in t.args)})" if t.args else f"{t.attrs[0]}[()]"
        elif op in BINDERS:
            s = self.binder(t, depth, memo)
        elif op is Op.CALL and t.attrs[0] in CALLS:
            self.calls.add(t.attrs[0])
            s = CALLS[t.attrs[0]][0].format(", ".join(self.expr(a, depth, memo) for a in t.args))
        elif op in self.lib.unary:
            s = self.lib.unary[op].format(self.expr(t.args[0], depth, memo))
        elif op in BINOP:
            a, b = (self.expr(x, depth, memo) for x in t.args)
            s = f"({a} {BINOP[op]} {b})"
        elif op in (Op.MIN, Op.MAX):
            a, b = (self.expr(x, depth, memo) for x in t.args)
            fn = {("numpy", Op.MAX): "np.maximum", ("numpy", Op.MIN): "np.minimum",
                  ("torch", Op.MAX): "torch.maximum", ("torch", Op.MIN): "torch.minimum"}[(self.lib.name, op)]
            s = f"{fn}({self._t(a)}, {self._t(b)})" if self.lib.name == "torch" else f"{fn}({a}, {b})"
        elif op in (Op.AND, Op.OR):
            a, b = (self.expr(x, depth, memo) for x in t.args)
            s = f"({a} & {b})" if op is Op.AND else f"({a} | {b})"
        elif op is Op.WHERE:
            c, a, b = (self.expr(x, depth, memo) for x in t.args)
            s = (f"torch.where(torch.as_tensor({c}, dtype=torch.bool), {self._t(a)}, {self._t(b)})"
                 if self.lib.name == "torch" else f"np.where({c}, {a}, {b})")
        elif op is Op.FLOORDIV:
            a, b = (self.expr(x, depth, memo) for x in t.args)
            s = f"_cdiv({a}, {b})"
        elif op is Op.MOD:
            a, b = (self.expr(x, depth, memo) for x in t.args)
            s = f"({a} - {b} * _cdiv({a}, {b}))"
        else:
            raise CodegenUnsupported(f"no reference code for {op.name.lower()} ({t.attrs[0] if t.attrs else ''})")
        if op in BINDERS or (t.args and len(s) > 60):
            s = self.tmp(s) if op not in BINDERS else s
        memo[t] = s
        return s

    def _t(self, s: str) -> str:
        return f"torch.as_tensor({s}, dtype=torch.float64)" if not s.startswith("t") or not s[1:].isdigit() else s

    def binder(self, t: Term, depth: int, memo: dict[Term, str]) -> str:
        lo_t, hi_t, body = t.args
        v = t.attrs[0]
        axis = self.rank + depth
        m = self.lib.mod
        lo = self.expr(lo_t, depth, memo)
        hi = self.expr(hi_t, depth, memo)
        start = self.tmp(f"int({m}.min({m}.as_tensor({lo})))" if self.lib.name == "torch" else f"int(np.min({lo}))")
        stop = self.tmp(f"int({m}.max({m}.as_tensor({hi})))" if self.lib.name == "torch" else f"int(np.max({hi}))")
        self.lines.append(f"    {v} = _ax({m}.arange({start}, max({start}, {stop})), {axis}, {self.ndim})")
        mask = self.tmp(f"({v} >= {lo}) & ({v} < {hi})")
        inner: dict[Term, str] = {k: s for k, s in memo.items() if not _mentions(k, v)}
        b = self.expr(body, depth + 1, inner)
        if self.lib.name == "numpy":
            b = self.tmp(f"np.broadcast_to(np.asarray({b}, dtype=np.float64), np.broadcast_shapes(np.shape({b}), np.shape({mask})))")
        else:
            b = self.tmp(f"torch.as_tensor({b}, dtype=torch.float64).expand(torch.broadcast_shapes(torch.as_tensor({b}).shape, {mask}.shape))")
        ident = {Op.SUM: "0.0", Op.PROD: "1.0", Op.MAXR: "float('-inf')", Op.MINR: "float('inf')",
                 Op.ARGMAX: "float('-inf')", Op.ARGMIN: "float('inf')"}[t.op]
        masked = self.tmp(f"{m}.where({mask}, {b}, {ident})" if self.lib.name == "numpy"
                          else f"torch.where({mask}, {b}, torch.tensor({ident}, dtype=torch.float64))")
        kd = "keepdims=True" if self.lib.name == "numpy" else "keepdim=True"
        dim = "axis" if self.lib.name == "numpy" else "dim"
        if t.op is Op.SUM:
            return self.tmp(f"{masked}.sum({dim}={axis}, {kd})")
        if t.op is Op.PROD:
            return self.tmp(f"{masked}.prod({dim}={axis}, {kd})")
        if t.op in (Op.MAXR, Op.MINR):
            fn = ("max" if t.op is Op.MAXR else "min") if self.lib.name == "numpy" else ("amax" if t.op is Op.MAXR else "amin")
            return self.tmp(f"{masked}.{fn}({dim}={axis}, {kd})")
        fn = "argmax" if t.op is Op.ARGMAX else "argmin"
        return self.tmp(f"{masked}.{fn}({dim}={axis}, {kd}) + {start}")


def _mentions(t: Term, v: str) -> bool:
    from ..dsl.term import free_vars

    return v in free_vars(t)


def size_sources(spec: LaunchSpec) -> dict[str, tuple[str, int]]:
    """size symbol -> (input tensor, dimension) whose extent it is."""
    out: dict[str, tuple[str, int]] = {}
    for name, d in spec.tensors.items():
        if d.direction not in ("in", "inout"):
            continue
        for k, e in enumerate(d.shape):
            if e.text in spec.sizes and e.text not in out:
                out[e.text] = (name, k)
    return out


def function_name(spec: LaunchSpec) -> str:
    """`<op>_reference`: never a builtin's name (an op called `max` must not shadow max())."""
    base = "".join(c if c.isalnum() else "_" for c in (spec.op or "kernel"))
    return f"{base}_reference"


def reference_code(formula: Formula, spec: LaunchSpec, lang: str = "numpy", name: str | None = None) -> str:
    """Source of `def <op>_reference(inputs..., reals..., extra sizes...) -> outputs`."""
    lib = NUMPY if lang == "numpy" else TORCH
    fname = name or function_name(spec)
    from ..dsl.named import expand_named

    # named functions (silu, gelu, ...) by their definitions: the code stays standalone
    formula = Formula(tuple(type(o)(o.tensor, o.index_vars, expand_named(o.body)) for o in formula.outputs))
    inputs = [n for n, d in spec.tensors.items() if d.direction in ("in", "inout")]
    reads = {n.attrs[0] for o in formula.outputs for n in _walk(o.body) if n.op is Op.READ}
    inputs = [n for n in inputs if n in reads] or inputs
    sources = size_sources(spec)
    extra_sizes = [s for s in spec.sizes if s not in sources]
    reals = sorted({n.attrs[0] for o in formula.outputs for n in _walk(o.body) if n.op is Op.SYM and n.attrs[1] == "real"})
    params = inputs + reals + extra_sizes
    body: list[str] = []
    for s, (t, k) in sources.items():
        body.append(f"    {s} = {t}.shape[{k}]")
    outs: list[str] = []
    calls: set[str] = set()
    for o in formula.outputs:
        rank = len(o.index_vars)
        ndim = rank + _depth(o.body)
        gen = _Gen(lib, max(ndim, 1), rank)
        shape_exprs = [e.text for e in spec.tensors[o.tensor].shape]
        for d, v in enumerate(o.index_vars):
            gen.lines.append(f"    {v} = _ax({lib.mod}.arange({shape_exprs[d]}), {d}, {max(ndim, 1)})")
        value = gen.expr(o.body, 0, {})
        body.extend(gen.lines)
        calls |= gen.calls
        full = f"({', '.join(shape_exprs)}{',' if len(shape_exprs) == 1 else ''})"
        body.append(f"    {o.tensor}_out = _out({value}, {rank}, {full})")
        outs.append(f"{o.tensor}_out")
    prelude = NUMPY_PRELUDE if lib.name == "numpy" else TORCH_PRELUDE
    if calls:
        prelude += "\n\n" + helper_source(calls, lib.name)
    doc = f'    """Reference for {spec.op or fname}, generated by tritonlift from the lifted formula:\n'
    doc += "".join(f"    {str(o)}\n" for o in formula.outputs) + '    """'
    ret = outs[0] if len(outs) == 1 else f"({', '.join(outs)})"
    return f"{prelude}\n\ndef {fname}({', '.join(params)}):\n{doc}\n" + "\n".join(body) + f"\n    return {ret}\n"


def _walk(t: Term):
    from ..dsl.term import walk

    return walk(t)
