"""The one kernel walker: a whitelist visitor over a kernel's AST, written once for both domains.

The symbolic executor (`symex/interp.py`: tiles of Terms at concrete sizes, one program at a time)
and the prover (`verify/vcgen.py`: one lane-symbolic run over symbolic sizes, program ids and
lanes) execute the same Python: statements, expressions, name resolution across modules, jit
calls, Python builtins, dtype methods, the element-wise `and`/`or`/`not` of the Triton compiler.
That part lives here, in `Walker`. Everything about *values* is a hook the value domain provides
(a subclass): arithmetic on tiles, casts, tile indexing, the truth of a condition, how a loop over
a range that cannot be unrolled is handled, and the domain side of the `tl.*` table
(`symex/builtins.py`, one table for both).

So a construct is added once; a domain that cannot model one refuses it with its location, in
its own error class (`error`: `SymexError` for a kernel bug found while executing,
`Unsupported` for the prover, whose caller keeps the bounded result).

Statement visitors are `exec_<Node>`, expression visitors `eval_<Node>`; anything else is
refused (`Unsupported`, located). Unrolled loops (`for` over a compile-time range, `while` on
compile-time conditions) with `break`/`continue` work in both domains; a `for` over a range whose
bounds are not compile-time integers goes to `symbolic_for` (the prover's invariant patterns);
an `if` on a value that is not known goes to `symbolic_if` (the executor's path predicate).
"""

from __future__ import annotations

import ast
import builtins as py_builtins
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..dsl import build
from ..dsl.term import Op, Term, exact_div
from ..errors import SourceLoc, SymexError, TritonLiftError, Unsupported
from ..frontend.source import (
    ExternalModule,
    FunctionRef,
    GlobalExpr,
    Opaque,
    SourceIndex,
    SourceModule,
)
from . import builtins as B
from .domain import ValueDomain
from .values import DTypeV

BIN_OPS = {ast.Add: Op.ADD, ast.Sub: Op.SUB, ast.Mult: Op.MUL, ast.Div: Op.DIV, ast.FloorDiv: Op.FLOORDIV,
           ast.Mod: Op.MOD, ast.Pow: Op.POW, ast.BitAnd: Op.BAND, ast.BitOr: Op.BOR, ast.BitXor: Op.BXOR,
           ast.LShift: Op.SHL, ast.RShift: Op.SHR}
CMP_OPS = {ast.Lt: Op.LT, ast.LtE: Op.LE, ast.Gt: Op.GT, ast.GtE: Op.GE, ast.Eq: Op.EQ, ast.NotEq: Op.NE}
PY_OPS = {Op.ADD: lambda a, b: a + b, Op.SUB: lambda a, b: a - b, Op.MUL: lambda a, b: a * b,
          Op.DIV: exact_div, Op.FLOORDIV: lambda a, b: a // b, Op.MOD: lambda a, b: a % b,
          Op.POW: lambda a, b: a**b, Op.BAND: lambda a, b: a & b, Op.BOR: lambda a, b: a | b,
          Op.BXOR: lambda a, b: a ^ b, Op.SHL: lambda a, b: a << b, Op.SHR: lambda a, b: a >> b,
          Op.LT: lambda a, b: a < b, Op.LE: lambda a, b: a <= b, Op.GT: lambda a, b: a > b,
          Op.GE: lambda a, b: a >= b, Op.EQ: lambda a, b: a == b, Op.NE: lambda a, b: a != b}
PY_BUILTIN_NAMES = ("range", "min", "max", "float", "int", "bool", "len", "abs", "isinstance", "print",
                    "tuple", "list", "getattr", "hasattr", "str", "round", "sum", "zip", "enumerate")
RANGE_KEYWORDS = ("num_stages", "loop_unroll_factor", "flatten", "warp_specialize", "disallow_acc_multi_buffer")
PY_ERRORS = (TypeError, ValueError, ZeroDivisionError, AssertionError, IndexError, KeyError, AttributeError)
DTYPE_PREDICATES = ("is_floating", "is_fp32", "is_fp16", "is_bf16", "is_fp64", "is_int", "is_int_signed",
                    "is_bool", "is_ptr", "is_int_unsigned")


class _Return(Exception):
    def __init__(self, value: Any):
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


CONTROL = (_Return, _Break, _Continue)


@dataclass
class Frame:
    module: SourceModule
    locals: dict[str, Any] = field(default_factory=dict)
    is_kernel: bool = False


@dataclass(frozen=True)
class BoundMethod:
    obj: Any
    name: str


@dataclass(frozen=True)
class PyBuiltin:
    name: str


def is_py_scalar(v: Any) -> bool:
    return isinstance(v, (int, float, bool, np.integer, np.floating, np.bool_))


def dtype_predicate(dt: DTypeV, name: str) -> bool:
    return {"is_floating": dt.is_floating, "is_fp32": dt.name == "fp32", "is_fp16": dt.name == "fp16",
            "is_bf16": dt.name == "bf16", "is_fp64": dt.name == "fp64", "is_int": dt.is_int,
            "is_int_signed": dt.is_int and not dt.name.startswith("u"), "is_bool": dt.name == "int1",
            "is_ptr": dt.name == "ptr", "is_int_unsigned": dt.name.startswith("uint")}[name]


class Walker(ValueDomain):
    """The visitor. A value domain subclasses it and provides the hooks of `ValueDomain`."""

    max_unroll = 1_000_000  # iterations of a loop over a compile-time range that are unrolled

    def __init__(self, index: SourceIndex) -> None:
        self.index = index
        self.active: Term | bool = True  # the path predicate (the executor's data-dependent branches)
        self.loc: SourceLoc | None = None
        self._globals: dict[tuple[str, str], Any] = {}
        self.depth = 0

    # -- entry points ----------------------------------------------------------------------------
    def run_kernel(self, fn: FunctionRef, args: dict[str, Any]) -> None:
        frame = Frame(fn.module, dict(args), is_kernel=True)
        try:
            self.exec_block(fn.node.body, frame)
        except _Return:
            pass
        except (_Break, _Continue):
            raise Unsupported("break/continue outside a loop", fn.loc()) from None

    def call_function(self, fn: FunctionRef, args: list[Any], kwargs: dict[str, Any],
                      node: ast.AST | None = None) -> Any:
        fdef = fn.node
        params = fdef.args
        names = [a.arg for a in params.posonlyargs + params.args]
        if params.vararg or params.kwarg or params.kwonlyargs:
            raise Unsupported(f"jit function {fdef.name} with *args/**kwargs/keyword-only parameters", fn.loc())
        if len(args) > len(names):
            raise SymexError(f"{fdef.name}() takes {len(names)} arguments, {len(args)} given",
                             fn.module.loc(node) if node is not None else fn.loc())
        bound = dict(zip(names, args, strict=False))
        for k, v in kwargs.items():
            if k not in names:
                raise SymexError(f"{fdef.name}() got an unexpected argument {k!r}", fn.loc())
            bound[k] = v
        for name, d in zip(names[len(names) - len(params.defaults):], params.defaults, strict=True):
            if name not in bound:
                bound[name] = self.eval(d, Frame(fn.module))
        missing = [n for n in names if n not in bound]
        if missing:
            raise SymexError(f"{fdef.name}() missing argument {missing[0]!r}", fn.loc())
        self.depth += 1
        if self.depth > 64:
            raise Unsupported(f"recursion in jit function {fdef.name}", fn.loc())
        saved_loc = self.loc
        try:
            self.exec_block(fdef.body, Frame(fn.module, bound))
            return None
        except _Return as r:
            return r.value
        finally:
            self.depth -= 1
            self.loc = saved_loc

    def call_value(self, fn: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if isinstance(fn, FunctionRef):
            return self.call_function(fn, args, kwargs)
        raise Unsupported(f"cannot call {fn!r} as a combine function", self.loc)

    # -- statements ------------------------------------------------------------------------------
    def exec_block(self, body: list[ast.stmt], frame: Frame) -> None:
        for st in body:
            if self.active is False:
                return
            self.loc = frame.module.loc(st)
            method = getattr(self, "exec_" + type(st).__name__, None)
            if method is None:
                raise Unsupported(f"statement '{type(st).__name__}' is not supported", frame.module.loc(st))
            try:
                method(st, frame)
            except (TritonLiftError, *CONTROL):
                raise
            except PY_ERRORS as e:
                raise self.error(str(e), frame.module.loc(st)) from None

    def exec_Expr(self, st: ast.Expr, frame: Frame) -> None:
        if not isinstance(st.value, ast.Constant):  # a docstring does nothing
            self.eval(st.value, frame)

    def exec_Pass(self, st: ast.Pass, frame: Frame) -> None:
        pass

    def exec_Assert(self, st: ast.Assert, frame: Frame) -> None:
        pass  # device assertions do not change values

    def exec_Assign(self, st: ast.Assign, frame: Frame) -> None:
        value = self.eval(st.value, frame)
        for t in st.targets:
            self.assign(t, value, frame)

    def exec_AnnAssign(self, st: ast.AnnAssign, frame: Frame) -> None:
        if st.value is not None:
            self.assign(st.target, self.eval(st.value, frame), frame)

    def exec_AugAssign(self, st: ast.AugAssign, frame: Frame) -> None:
        op = BIN_OPS.get(type(st.op))
        if op is None:
            raise Unsupported(f"augmented operator {type(st.op).__name__}", frame.module.loc(st))
        cur = self.eval(st.target, frame)
        self.assign(st.target, self.binop(op, cur, self.eval(st.value, frame)), frame)

    def assign(self, target: ast.expr, value: Any, frame: Frame) -> None:
        if isinstance(target, ast.Name):
            frame.locals[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            vals = list(value) if isinstance(value, (tuple, list)) else None
            if vals is None or len(vals) != len(target.elts):
                raise SymexError("cannot unpack value into targets", frame.module.loc(target))
            for t, v in zip(target.elts, vals, strict=True):
                self.assign(t, v, frame)
        else:
            raise Unsupported(f"assignment to {type(target).__name__}", frame.module.loc(target))

    def exec_Return(self, st: ast.Return, frame: Frame) -> None:
        raise _Return(None if st.value is None else self.eval(st.value, frame))

    def exec_Break(self, st: ast.Break, frame: Frame) -> None:
        raise _Break()

    def exec_Continue(self, st: ast.Continue, frame: Frame) -> None:
        raise _Continue()

    def exercised(self, kind: str, loc: SourceLoc, outcome: Any) -> None:
        """A branch taken (kind "if", outcome True/False) or a loop run (kind "loop", outcome its
        trip count), for conditions and bounds that come from runtime arguments (constexpr ones
        are the same at every size). The symbolic executor records them; others ignore them."""

    def exec_If(self, st: ast.If, frame: Frame) -> None:
        v = self.eval(st.test, frame)
        c = self.truth(v, frame.module.loc(st.test))
        runtime = self.is_tile(v) or isinstance(v, Term)
        if isinstance(c, bool):
            if runtime:
                self.exercised("if", frame.module.loc(st), c)
            self.exec_block(st.body if c else st.orelse, frame)
        else:
            if runtime:
                self.exercised("if", frame.module.loc(st), True)
                self.exercised("if", frame.module.loc(st), False)
            self.symbolic_if(c, st, frame)

    def symbolic_if(self, c: Term, st: ast.If, frame: Frame) -> None:
        """Both sides under the path predicate (`active`): accesses are guarded by it, variables
        merged with `where(c, ...)`, and a `return` in the kernel body turns that path off."""
        before = dict(frame.locals)
        outer = self.active
        ends: list[tuple[dict[str, Any], Term | bool]] = []
        for cond, body in ((c, st.body), (build.logical_not(c), st.orelse)):
            frame.locals = dict(before)
            self.active = build.logical_and(outer, cond) if outer is not True else cond
            try:
                self.exec_block(body, frame)
                ends.append((frame.locals, self.active))
            except _Return as r:
                if not frame.is_kernel or r.value is not None:
                    raise Unsupported("return under a data-dependent condition inside a helper",
                                      frame.module.loc(st)) from None
                ends.append((frame.locals, False))
            except (_Break, _Continue):
                raise Unsupported("break/continue under a data-dependent condition", frame.module.loc(st)) from None
        (lt, at), (le, ae) = ends
        merged: dict[str, Any] = {}
        for k in set(lt) | set(le):
            if k in lt and k in le:
                merged[k] = self._merge(c, lt[k], le[k], at, ae, frame.module.loc(st))
            else:
                merged[k] = lt.get(k, le.get(k))
        frame.locals = merged
        start_t = build.logical_and(outer, c) if outer is not True else c
        start_e = build.logical_and(outer, build.logical_not(c)) if outer is not True else build.logical_not(c)
        if at is start_t and ae is start_e:
            self.active = outer  # neither side returned: the path continues as before the branch
        elif at is False:
            self.active = ae
        elif ae is False:
            self.active = at
        else:
            self.active = build.logical_or(at if isinstance(at, Term) else build.const(bool(at)),
                                           ae if isinstance(ae, Term) else build.const(bool(ae)))
        if isinstance(self.active, Term) and self.active.op is Op.CONST:
            self.active = bool(self.active.value)

    def _merge(self, c: Term, a: Any, b: Any, at: Any, ae: Any, loc: SourceLoc) -> Any:
        if a is b:
            return a
        if at is False:
            return b
        if ae is False:
            return a
        if self.is_tile(a) or self.is_tile(b) or isinstance(a, Term) or isinstance(b, Term) or \
                (is_py_scalar(a) and is_py_scalar(b)):
            return self.where(self.term_tile(c, "int1"), self.lift(a), self.lift(b))
        if a == b:
            return a
        raise Unsupported("a value of a non-tensor type differs between the sides of a data-dependent branch", loc)

    def exec_For(self, st: ast.For, frame: Frame) -> None:
        if st.orelse:
            raise Unsupported("for ... else", frame.module.loc(st))
        it = st.iter
        if not isinstance(it, ast.Call):
            raise Unsupported("for loops must iterate over range, tl.range or tl.static_range", frame.module.loc(it))
        kind = self._range_kind(self.eval(it.func, frame))
        if kind is None:
            raise Unsupported(f"for loop over {ast.unparse(it.func)}", frame.module.loc(it))
        for kw in it.keywords:
            if kw.arg not in RANGE_KEYWORDS:
                raise Unsupported(f"range keyword {kw.arg!r}", frame.module.loc(kw))
        values = [self.eval(a, frame) for a in it.args]
        bounds = [self.static_int(v, "range bound") for v in values]
        if any(b is None for b in bounds):
            self.symbolic_for(st, frame, values)
            return
        rng = range(*bounds)  # type: ignore[arg-type]
        if len(rng) > self.max_unroll:
            raise Unsupported(f"loop with {len(rng)} iterations", frame.module.loc(st))
        if any(self.is_tile(v) or isinstance(v, Term) for v in values):
            self.exercised("loop", frame.module.loc(st), len(rng))
        for i in rng:
            self.assign(st.target, self.loop_value(i, kind == "static"), frame)
            try:
                self.exec_block(st.body, frame)
            except _Break:
                break
            except _Continue:
                continue
            if self.active is False:
                return

    def _range_kind(self, fn: Any) -> str | None:
        if isinstance(fn, PyBuiltin) and fn.name == "range":
            return "range"
        if isinstance(fn, ExternalModule):
            leaf = fn.qualname.split(".")[-1]
            if fn.qualname.startswith("triton.language") and leaf in ("range", "static_range"):
                return "static" if leaf == "static_range" else "range"
        return None

    def exec_While(self, st: ast.While, frame: Frame) -> None:
        if st.orelse:
            raise Unsupported("while ... else", frame.module.loc(st))
        for _ in range(self.max_unroll):
            c = self.truth(self.eval(st.test, frame), frame.module.loc(st.test))
            if not isinstance(c, bool):
                raise Unsupported("while loop on a data-dependent condition", frame.module.loc(st.test))
            if not c:
                return
            try:
                self.exec_block(st.body, frame)
            except _Break:
                return
            except _Continue:
                continue
            if self.active is False:
                return
        raise Unsupported("while loop did not terminate within the iteration limit", frame.module.loc(st))

    # -- expressions -----------------------------------------------------------------------------
    def eval(self, node: ast.expr, frame: Frame) -> Any:
        method = getattr(self, "eval_" + type(node).__name__, None)
        if method is None:
            raise Unsupported(f"expression '{type(node).__name__}' is not supported", frame.module.loc(node))
        try:
            return method(node, frame)
        except (TritonLiftError, *CONTROL):
            raise
        except PY_ERRORS as e:
            raise self.error(str(e), frame.module.loc(node)) from None

    def eval_Constant(self, node: ast.Constant, frame: Frame) -> Any:
        return node.value

    def eval_JoinedStr(self, node: ast.JoinedStr, frame: Frame) -> Any:
        return ""

    def eval_Tuple(self, node: ast.Tuple, frame: Frame) -> Any:
        return tuple(self.eval(e, frame) for e in node.elts)

    def eval_List(self, node: ast.List, frame: Frame) -> Any:
        return [self.eval(e, frame) for e in node.elts]

    def eval_Name(self, node: ast.Name, frame: Frame) -> Any:
        if node.id in frame.locals:
            return frame.locals[node.id]
        return self.global_value(frame.module, node.id, node)

    def global_value(self, module: SourceModule, name: str, node: ast.AST) -> Any:
        key = (str(module.path), name)
        if key in self._globals:
            return self._globals[key]
        r = self.index.resolve(module, name)
        if r is None:
            if name in PY_BUILTIN_NAMES:
                return PyBuiltin(name)
            if name in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[name]
            raise Unsupported(f"name {name!r} is not defined (or not resolvable statically)", module.loc(node))
        value = self._materialize(r)
        self._globals[key] = value
        return value

    def _materialize(self, r: Any) -> Any:
        if isinstance(r, GlobalExpr):
            try:
                return self.eval(r.node, Frame(r.module))
            except TritonLiftError:
                # computed at import time by code we do not run (FlagGems' tl_extra_shim =
                # backend.get_tl_extra_backend_module()): an opaque value
                return Opaque(f"{r.module.qualname}.{r.name}")
        if isinstance(r, ExternalModule):
            v = B.lookup_value(r.qualname)
            return v if v is not None else r
        return r

    def eval_Attribute(self, node: ast.Attribute, frame: Frame) -> Any:
        base = self.eval(node.value, frame)
        attr = node.attr
        if isinstance(base, (ExternalModule, SourceModule, Opaque)):
            r = self.index.attribute(base, attr)
            if r is None:
                raise Unsupported(f"{ast.unparse(node)} cannot be resolved", frame.module.loc(node))
            if isinstance(r, ExternalModule):
                v = B.lookup_value(r.qualname)
                if v is not None:
                    return v
            if isinstance(r, GlobalExpr):
                return self.global_value(r.module, r.name, node)
            return r
        if isinstance(base, Term):
            base = self.lift(base)
        if self.is_tile(base):
            return self.tile_attribute(base, attr)
        if isinstance(base, DTypeV):
            if attr == "value":  # tl.constexpr(dtype).value
                return base
            if attr in ("element_ty", "primitive_bitwidth"):
                return getattr(base, attr)
            if attr == "int_bitwidth":
                return base.primitive_bitwidth
            return BoundMethod(base, attr)
        if attr == "value" and (is_py_scalar(base) or isinstance(base, str) or base is None):
            return base  # tl.constexpr(x).value
        if is_py_scalar(base):
            return BoundMethod(base, attr)
        raise Unsupported(f"attribute {attr!r} of {type(base).__name__}", frame.module.loc(node))

    def eval_Subscript(self, node: ast.Subscript, frame: Frame) -> Any:
        base = self.eval(node.value, frame)
        if isinstance(base, (tuple, list)):
            i = self.static_int(self.eval(node.slice, frame), "index")
            if i is None:
                raise TypeError("a tuple index must be a compile-time integer")
            return base[i]
        if not self.is_tile(base):
            raise Unsupported(f"subscript of {type(base).__name__}", frame.module.loc(node))
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        key: list[Any] = []
        for it in items:
            if isinstance(it, ast.Slice) and it.lower is None and it.upper is None and it.step is None:
                key.append(slice(None))
            elif isinstance(it, ast.Constant) and it.value is Ellipsis:
                key.append(Ellipsis)
            elif self.eval(it, frame) is None:
                key.append(None)
            else:
                raise Unsupported("tile indexing other than [:, None] / [None, :]", frame.module.loc(it))
        return self.index_tile(base, key)

    def eval_BinOp(self, node: ast.BinOp, frame: Frame) -> Any:
        op = BIN_OPS.get(type(node.op))
        if op is None:
            raise Unsupported(f"operator {type(node.op).__name__}", frame.module.loc(node))
        return self.binop(op, self.eval(node.left, frame), self.eval(node.right, frame))

    def binop(self, op: Op, a: Any, b: Any) -> Any:
        if is_py_scalar(a) and is_py_scalar(b):
            return PY_OPS[op](a, b)
        if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
            if op is Op.ADD and isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
                return type(a)(list(a) + list(b))
            raise TypeError("arithmetic on tuples")
        return self.binary(op, self.lift(a), self.lift(b))

    def eval_UnaryOp(self, node: ast.UnaryOp, frame: Frame) -> Any:
        v = self.eval(node.operand, frame)
        if isinstance(node.op, ast.UAdd):
            return v
        if is_py_scalar(v):
            return {ast.Not: lambda x: not x, ast.USub: lambda x: -x, ast.Invert: lambda x: ~x}[type(node.op)](v)
        if isinstance(node.op, ast.Not):
            return self.unary(Op.NOT, self.lift(v))
        if isinstance(node.op, ast.USub):
            return self.unary(Op.NEG, self.lift(v))
        if isinstance(node.op, ast.Invert):
            return self.invert(self.lift(v), frame.module.loc(node))
        raise Unsupported(f"unary operator {type(node.op).__name__}", frame.module.loc(node))

    def eval_BoolOp(self, node: ast.BoolOp, frame: Frame) -> Any:
        """Python semantics (short-circuit) on compile-time values, element-wise on tiles."""
        is_and = isinstance(node.op, ast.And)
        acc = self.eval(node.values[0], frame)
        for v_node in node.values[1:]:
            if not self.is_tile(acc) and not isinstance(acc, Term):
                if (is_and and not acc) or (not is_and and acc):
                    return acc
                acc = self.eval(v_node, frame)
                continue
            other = self.eval(v_node, frame)
            acc = self.binary(Op.AND if is_and else Op.OR, self.cast(self.lift(acc), "int1"),
                              self.cast(self.lift(other), "int1"))
        return acc

    def eval_Compare(self, node: ast.Compare, frame: Frame) -> Any:
        left = self.eval(node.left, frame)
        result: Any = True
        for op_node, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.eval(right_node, frame)
            if isinstance(op_node, (ast.Is, ast.IsNot)):
                same = left == right if isinstance(left, DTypeV) or isinstance(right, DTypeV) else left is right
                r: Any = same if isinstance(op_node, ast.Is) else not same
            elif isinstance(op_node, (ast.In, ast.NotIn)):
                r = (left in right) == isinstance(op_node, ast.In)
            else:
                op = CMP_OPS[type(op_node)]
                if isinstance(left, (DTypeV, str, type(None))) or isinstance(right, (DTypeV, str, type(None))):
                    if op not in (Op.EQ, Op.NE):
                        raise TypeError("ordering comparison of non-numbers")
                    r = PY_OPS[op](left, right)
                elif is_py_scalar(left) and is_py_scalar(right):
                    r = PY_OPS[op](left, right)
                else:
                    r = self.binary(op, self.lift(left), self.lift(right))
            if result is True:
                result = r
            elif self.is_tile(result) or self.is_tile(r):
                result = self.binary(Op.AND, self.lift(result), self.lift(r))
            else:
                result = result and r
            left = right
        return result

    def eval_IfExp(self, node: ast.IfExp, frame: Frame) -> Any:
        c = self.eval(node.test, frame)
        known = self.known_truth(c)
        if known is not None:
            return self.eval(node.body if known else node.orelse, frame)
        a, b = self.eval(node.body, frame), self.eval(node.orelse, frame)
        return self.where(self.lift(c), self.lift(a), self.lift(b))

    def eval_Call(self, node: ast.Call, frame: Frame) -> Any:
        fn = self.eval(node.func, frame)
        args: list[Any] = []
        for a in node.args:
            if isinstance(a, ast.Starred):
                args.extend(self.eval(a.value, frame))
            else:
                args.append(self.eval(a, frame))
        kwargs: dict[str, Any] = {}
        for kw in node.keywords:
            if kw.arg is None:
                raise Unsupported("**kwargs in a call", frame.module.loc(kw))
            kwargs[kw.arg] = self.eval(kw.value, frame)
        saved = self.loc
        self.loc = frame.module.loc(node)
        try:
            return self.call(fn, args, kwargs, node, frame)
        finally:
            self.loc = saved

    def call(self, fn: Any, args: list[Any], kwargs: dict[str, Any], node: ast.AST, frame: Frame) -> Any:
        loc = frame.module.loc(node)
        if isinstance(fn, FunctionRef):
            if not fn.is_jit and not fn.is_constexpr_function:
                raise Unsupported(f"call of {fn.name}, which is not a @triton.jit function", loc)
            return self.call_function(fn, args, kwargs, node)
        if isinstance(fn, ExternalModule):
            impl = B.lookup(fn.qualname)
            if impl is None:
                raise Unsupported(f"{fn.qualname} is not supported", loc)
            return self.builtin(impl, args, kwargs, fn.qualname, loc)
        if isinstance(fn, Opaque):
            # an import-time alias of the math library (FlagGems' tl_extra_shim.exp2)
            leaf = fn.qualname.split(".")[-1]
            impl = B.TL.get(leaf)
            if impl is None or leaf in ("load", "store", "program_id"):
                raise Unsupported(f"{fn.qualname} cannot be resolved statically", loc)
            return self.builtin(impl, args, kwargs, fn.qualname, loc)
        if isinstance(fn, BoundMethod):
            return self._method(fn, args, kwargs, loc)
        if isinstance(fn, PyBuiltin):
            return self._py_builtin(fn.name, args, kwargs, loc)
        if isinstance(fn, DTypeV) and len(args) == 1:  # tl.float32(x): not valid Triton, harmless as a cast
            return self.cast(self.lift(args[0]), fn.name)
        if callable(fn) and not isinstance(fn, type):  # math.* on compile-time numbers
            return fn(*[self.python_number(a) for a in args])
        raise Unsupported(f"call of {type(fn).__name__}", loc)

    def python_number(self, v: Any) -> Any:
        if is_py_scalar(v):
            return v
        n = self.static_int(v, "argument")
        if n is None:
            raise Unsupported("a math function of a symbolic value", self.loc)
        return n

    def builtin(self, impl: Any, args: list[Any], kwargs: dict[str, Any], name: str, loc: SourceLoc) -> Any:
        kwargs = {k: v for k, v in kwargs.items() if k not in B.PERF_KWARGS}
        args = [self.lift(a) if isinstance(a, Term) else a for a in args]
        try:
            return impl(self, *args, **kwargs)
        except TypeError as e:
            raise self.error(f"{name.split('.')[-1]}: {e}", loc) from None

    def _method(self, m: BoundMethod, args: list[Any], kwargs: dict[str, Any], loc: SourceLoc) -> Any:
        obj, name = m.obj, m.name
        if isinstance(obj, DTypeV):
            if name in DTYPE_PREDICATES:
                return dtype_predicate(obj, name)
            raise Unsupported(f"dtype method {name}", loc)
        if name in ("to", "cast"):
            dt = B.dtype_name(args[0] if args else kwargs.get("dtype"))
            tile = self.lift(obj)
            if kwargs.get("bitcast"):
                return self.bitcast(tile, dt)
            if dt == "ptr":
                return self.retype_pointer(tile, (args[0] if args else kwargs["dtype"]).pointee)
            return self.cast(tile, dt)
        if is_py_scalar(obj):
            raise Unsupported(f"method {name} of a Python {type(obj).__name__}", loc)
        if name in B.TL:
            return self.builtin(B.TL[name], [obj, *args], kwargs, name, loc)
        raise Unsupported(f"tensor method {name}", loc)

    def _py_builtin(self, name: str, args: list[Any], kwargs: dict[str, Any], loc: SourceLoc) -> Any:
        if name in ("min", "max"):
            if all(is_py_scalar(a) for a in args):
                return (min if name == "min" else max)(*args)
            acc = args[0]
            for a in args[1:]:
                acc = self.binary(Op.MIN if name == "min" else Op.MAX, self.lift(acc), self.lift(a))
            return acc
        if name in ("float", "int", "bool"):
            v = args[0] if args else {"float": 0.0, "int": 0, "bool": False}[name]
            if is_py_scalar(v) or isinstance(v, str):
                return {"float": float, "int": int, "bool": bool}[name](v)
            return self.cast(self.lift(v), {"float": "fp32", "int": "int32", "bool": "int1"}[name])
        if name == "abs":
            return abs(args[0]) if is_py_scalar(args[0]) else self.unary(Op.ABS, self.lift(args[0]))
        if name == "len":
            return self.tile_len(args[0]) if self.is_tile(args[0]) else len(args[0])
        if name == "print":
            return None
        if name in ("tuple", "list"):
            return getattr(py_builtins, name)(*args)
        if name == "range":
            bounds = [self.static_int(a, "range bound") for a in args]
            if any(b is None for b in bounds):
                raise Unsupported("range() of a symbolic value outside a for loop", loc)
            return range(*bounds)  # type: ignore[arg-type]
        if name == "round" and all(is_py_scalar(a) for a in args):
            return round(*args)
        raise Unsupported(f"Python builtin {name}()", loc)


__all__ = ["BoundMethod", "Frame", "PyBuiltin", "Walker", "is_py_scalar"]
