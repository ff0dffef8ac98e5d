"""A launch spec with *symbolic* sizes: size symbols as z3 integers under the spec's constraints.

The unbounded verifier never picks a size. Every size symbol is a z3 `Int` (≥ 1 unless the spec
gives a lower bound, as `frontend.concrete.instantiate` requires), `[let]` names and integer
arguments are z3 terms over them, with Python's semantics for `//`, `%`, `cdiv`, `min` and `max`
(host code is Python). `next_power_of_2(e)` is not computed: it becomes a fresh integer `P`
constrained by `P ≥ 1 ∧ e ≤ P ∧ (P = 1 ∨ P < 2e)`, which is all a single-tile kernel needs
("the tile covers the row"). Names whose value does not depend on any size (`TILE = 4`) stay
Python ints, so constexpr control flow on them runs as Python would.

Kernel-side terms (DSL `Term`s) refer to launch-level values through symbols: a size is
`SYM(N)`, a symbolic let or argument `SYM(name)`; `z3_of(sym)` maps each to its z3 term.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

import z3

from ..dsl import build
from ..dsl.term import Op, Term, sym
from ..errors import Unsupported
from ..frontend.intexpr import IntExpr, is_condition
from ..frontend.launch import LaunchSpec, LaunchStep
from .theory import Z3Theory


@dataclass
class SizeModel:
    """Sizes, lets, reals and grid of one launch step, symbolically. `hyps` are the z3 facts every
    obligation may assume (the spec's constraints and the block-size constraints); `notes` says in
    words where each came from, for the verdict's assumption list."""

    T: Z3Theory
    spec: LaunchSpec
    sizes: dict[str, z3.ArithRef] = field(default_factory=dict)
    reals: dict[str, z3.ArithRef] = field(default_factory=dict)
    consts: dict[str, int] = field(default_factory=dict)  # names whose value is a constant
    syms: dict[str, z3.ExprRef] = field(default_factory=dict)  # SYM name -> z3 term
    hyps: list[z3.BoolRef] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    listed: dict[str, str] = field(default_factory=dict)  # "<step>.<param>" -> its symbol (blocks.py)
    _lets: dict[str, z3.ArithRef] = field(default_factory=dict)
    _local: dict[str, z3.ArithRef] = field(default_factory=dict)
    _fresh: int = 0

    @staticmethod
    def build(spec: LaunchSpec, T: Z3Theory) -> SizeModel:
        m = SizeModel(T, spec)
        for name, cs in spec.sizes.items():
            v = z3.Int(name, T.ctx)
            m.sizes[name] = m.syms[name] = v
            lower = any(re.search(rf"\b{name}\s*>", c.text) or re.search(rf"[<]=?\s*{name}\b", c.text) for c in cs)
            if not lower:
                m.hyps.append(v >= 1)
        for let in spec.lets:
            m.let(let)
        for cs in spec.sizes.values():
            for c in cs:
                m.hyps.append(m.boolean(c))
                m.notes.append(f"size constraint {c.text}")
        for c in spec.constraints:
            m.hyps.append(m.boolean(c))
            m.notes.append(f"constraint {c.text}")
        for name, d in spec.tensors.items():
            if d.value_range is not None:
                also = "".join(f" or {a}" for a in d.also)
                m.notes.append(f"input data {name} in [{d.value_range[0]}, {d.value_range[1]}){also}"
                               + (", pairwise distinct" if d.distinct else ""))
        for name, cs in spec.reals.items():
            r = z3.Real(name, T.ctx)
            m.reals[name] = m.syms[name] = r
            for c in cs:
                m.hyps.append(_real_constraint(c, m))
                m.notes.append(f"real constraint {c}")
        return m

    # -- names ---------------------------------------------------------------------------------
    def let(self, name: str) -> z3.ArithRef | int:
        if name in self.consts:
            return self.consts[name]
        if name in self._lets:
            return self._lets[name]
        e = self.spec.lets[name]
        tree = e.tree.body
        if self.constant(e):
            v = int(e.eval(self.consts))
            self.consts[name] = v
            return v
        if isinstance(tree, ast.Call) and getattr(tree.func, "id", "") == "next_power_of_2":
            v = self._power_of_two(self.int_(tree.args[0]), name)
        else:
            v = self.int_(tree)
        self._lets[name] = self.syms[name] = v
        return v

    def constant(self, e: IntExpr) -> bool:
        """True when `e` mentions no size symbol (directly or through lets)."""
        for n in e.names:
            if n in self.spec.sizes or n in self.spec.reals:
                return False
            if n in self.spec.lets:
                if n not in self.consts and not self.constant(self.spec.lets[n]):
                    return False
                self.let(n)
        return True

    def _power_of_two(self, e: z3.ArithRef, name: str | None = None) -> z3.ArithRef:
        self._fresh += 1
        p = z3.Int(name or f"npo2_{self._fresh}", self.T.ctx)
        self.hyps.append(z3.And(p >= 1, e <= p, z3.Or(p == 1, p < 2 * e)))
        self.notes.append(f"{p} = next_power_of_2({e}): {e} ≤ {p} < 2·{e} (or {p} = 1)")
        return p

    def _ceil_sqrt(self, e: z3.ArithRef) -> z3.ArithRef:
        self._fresh += 1
        r = z3.Int(f"csqrt_{self._fresh}", self.T.ctx)
        self.hyps.append(z3.And(r >= 1, e <= r * r, z3.Or(r == 1, (r - 1) * (r - 1) < e)))
        self.notes.append(f"{r} = ceil_sqrt({e}): ({r} − 1)² < {e} ≤ {r}² (or {r} = 1)")
        return r

    # -- expressions ---------------------------------------------------------------------------
    def int_(self, node: ast.AST) -> z3.ArithRef:
        """An integer expression of the spec as z3, with Python's semantics."""
        ctx = self.T.ctx
        if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
            return z3.IntVal(node.value, ctx)
        if isinstance(node, ast.Name):
            if node.id in self._local:
                return self._local[node.id]
            if node.id in self.sizes:
                return self.sizes[node.id]
            if node.id in self.spec.lets:
                v = self.let(node.id)
                return z3.IntVal(v, ctx) if isinstance(v, int) else v
            if node.id in self.consts:
                return z3.IntVal(self.consts[node.id], ctx)
            raise Unsupported(f"name {node.id!r} in a launch expression is not a size or let")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = self.int_(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            a, b = self.int_(node.left), self.int_(node.right)
            op = type(node.op)
            if op is ast.Add:
                return a + b
            if op is ast.Sub:
                return a - b
            if op is ast.Mult:
                return a * b
            if op is ast.FloorDiv:
                return a / b if self._positive(b) else py_floordiv(a, b)
            if op is ast.Mod:
                return a % b if self._positive(b) else a - b * py_floordiv(a, b)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            fn, args = node.func.id, [self.int_(a) for a in node.args]
            if fn == "cdiv" and len(args) == 2:
                if self._positive(args[1]):
                    return (args[0] + args[1] - 1) / args[1]  # ceil(a / b) for b > 0
                return -py_floordiv(-args[0], args[1])
            if fn in ("min", "max") and args:
                acc = args[0]
                for x in args[1:]:
                    acc = z3.If(x < acc, x, acc) if fn == "min" else z3.If(x > acc, x, acc)
                return acc
            if fn == "abs" and len(args) == 1:
                return z3.If(args[0] >= 0, args[0], -args[0])
            if fn == "next_power_of_2" and len(args) == 1:
                return self._power_of_two(args[0])
            if fn == "ceil_sqrt" and len(args) == 1:
                return self._ceil_sqrt(args[0])
        if isinstance(node, ast.IfExp):  # host `a if c else b` on sizes
            return z3.If(self._bool(node.test), self.int_(node.body), self.int_(node.orelse))
        raise Unsupported(f"launch expression {ast.unparse(node)!r} cannot be modelled symbolically")

    def _positive(self, b: z3.ArithRef) -> bool:
        """b > 0 evidently: a positive numeral, or an autotuned parameter's symbol (blocks.py
        lists only positive values). SMT-LIB's `div`/`mod` are Python's `//`/`%` then."""
        if _positive_numeral(b):
            return True
        return z3.is_const(b) and b.decl().kind() == z3.Z3_OP_UNINTERPRETED and b.decl().name() in self.listed.values()

    def boolean(self, e: IntExpr) -> z3.BoolRef:
        return self._bool(e.tree.body)

    def _bool(self, node: ast.AST) -> z3.BoolRef:
        if isinstance(node, ast.Compare):
            left, out = self.int_(node.left), []
            for op, r in zip(node.ops, node.comparators, strict=True):
                right = self.int_(r)
                out.append(_CMP[type(op)](left, right))
                left = right
            return z3.And(*out) if len(out) > 1 else out[0]
        if isinstance(node, ast.BoolOp):
            parts = [self._bool(v) for v in node.values]
            return z3.And(*parts) if isinstance(node.op, ast.And) else z3.Or(*parts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return z3.Not(self._bool(node.operand))
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):  # a substituted flag
            return z3.BoolVal(node.value, self.T.ctx)
        if isinstance(node, ast.IfExp):
            return z3.If(self._bool(node.test), self._bool(node.body), self._bool(node.orelse))
        raise Unsupported(f"constraint {ast.unparse(node)!r} is not a comparison")

    def value(self, e: IntExpr, name: str) -> int | Term:
        """An integer launch value: a Python int when it is a constant, else a term (`term`)."""
        if self.constant(e):
            return int(e.eval(self.consts))
        return self.term(e, name)

    def term(self, e: IntExpr, name: str) -> Term:
        """A launch value as a DSL term: polynomial structure (+, −, ·) kept where it is plain, so
        that strides like `2 * N` can be matched against offsets; anything else one symbol."""
        return self._term(e.tree.body, name)

    def _term(self, node: ast.AST, name: str) -> Term:
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return build.as_term(node.value)
        if isinstance(node, ast.Name) and node.id in self.spec.lets and self.constant(self.spec.lets[node.id]):
            return build.as_term(self.let(node.id))
        if isinstance(node, ast.Name) and (node.id in self.sizes or node.id in self.spec.lets):
            if node.id in self.spec.lets:
                self.let(node.id)
            return sym(node.id, "size")
        if isinstance(node, ast.BinOp) and type(node.op) in (ast.Add, ast.Sub, ast.Mult):
            a, b = self._term(node.left, name + "l"), self._term(node.right, name + "r")
            return {ast.Add: build.add, ast.Sub: build.sub, ast.Mult: build.mul}[type(node.op)](a, b)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "next_power_of_2" and len(node.args) == 1:
            key = name if name not in self.syms and name not in self.spec.tensors else f"P_{name}"
            self.syms[key] = self._power_of_two(self.int_(node.args[0]), key)
            return sym(key, "size")
        if is_condition(node):  # a flag of sizes (`N % BLOCK == 0`): 1 or 0, tested `!= 0`
            key = f"B_{name}"
            self.syms[key] = z3.If(self._bool(node), z3.IntVal(1, self.T.ctx), z3.IntVal(0, self.T.ctx))
            return build.compare(Op.NE, sym(key, "int"), 0)
        key = f"E_{name}"
        self.syms[key] = self.int_(node)
        return sym(key, "int")

    def grid(self, step: LaunchStep, args: dict[str, z3.ArithRef]) -> tuple[z3.ArithRef, ...]:
        """The grid as three z3 terms (missing dimensions are 1). Grid expressions may name
        kernel arguments (`cdiv(N, BLOCK_SIZE)`): `args` gives their z3 values."""
        self._local = {k: v for k, v in args.items() if k not in self.sizes and k not in self.spec.lets}
        try:
            out = [self.int_(g.tree.body) for g in step.grid]
        finally:
            self._local = {}
        while len(out) < 3:
            out.append(z3.IntVal(1, self.T.ctx))
        return tuple(out)


def _positive_numeral(b: z3.ArithRef) -> bool:
    return z3.is_int_value(b) and b.as_long() > 0


def py_floordiv(a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
    """Python's `a // b` (floor) for integers, exactly, for either sign of b ≠ 0. A positive
    numeral divisor (a block size) needs no reals: SMT-LIB's `div` is floor then."""
    if _positive_numeral(b):
        return a / b
    return z3.ToInt(z3.ToReal(a) / z3.ToReal(b))


_CMP = {ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b,
        ast.GtE: lambda a, b: a >= b, ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b}


def _real_constraint(text: str, m: SizeModel) -> z3.BoolRef:
    """A `[reals]` constraint: comparisons, and/or/not, + − · / over reals, sizes and numbers."""
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError:
        raise Unsupported(f"real constraint {text!r} does not parse") from None

    def num(n: ast.AST):
        if isinstance(n, ast.Constant) and isinstance(n.value, (int, float)) and not isinstance(n.value, bool):
            return z3.RealVal(repr(float(n.value)) if isinstance(n.value, float) else n.value, m.T.ctx)
        if isinstance(n, ast.Name):
            if n.id in m.reals:
                return m.reals[n.id]
            if n.id in m.sizes:
                return z3.ToReal(m.sizes[n.id])
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
            return -num(n.operand)
        if isinstance(n, ast.BinOp) and type(n.op) in (ast.Add, ast.Sub, ast.Mult, ast.Div):
            a, b = num(n.left), num(n.right)
            return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b, ast.Div: a / b}[type(n.op)]
        raise Unsupported(f"real constraint {text!r}: cannot model {ast.unparse(n)!r}")

    def boolean(n: ast.AST):
        if isinstance(n, ast.Compare):
            left, out = num(n.left), []
            for op, r in zip(n.ops, n.comparators, strict=True):
                right = num(r)
                out.append(_CMP[type(op)](left, right))
                left = right
            return z3.And(*out) if len(out) > 1 else out[0]
        if isinstance(n, ast.BoolOp):
            parts = [boolean(v) for v in n.values]
            return z3.And(*parts) if isinstance(n.op, ast.And) else z3.Or(*parts)
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Not):
            return z3.Not(boolean(n.operand))
        raise Unsupported(f"real constraint {text!r} is not a comparison")

    return boolean(tree)
