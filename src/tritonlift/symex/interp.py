"""A whitelist AST interpreter for one program of a Triton kernel, over tiles of Terms.

One `visit_<Node>` method per supported construct; anything else raises `Unsupported` with the
node's location. Control flow on compile-time or concrete values runs as Python would. A branch
on a *symbolic* condition (`if y == ignore_index:` with `y` loaded from memory) is executed on
both sides under a path predicate: stores are guarded by it, variables are merged with `where`,
and a `return` in the kernel body turns the rest of that path off. Python `and`/`or`/`not` on
tensors are element-wise, as in the Triton compiler (the interpreter short-circuits instead).
"""

from __future__ import annotations

import ast
import builtins as py_builtins
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..dsl import build
from ..dsl.term import Op, Term
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
from . import ops
from .memory import Memory
from .values import DTypeV, Tile, concretize, to_tile

MAX_LOOP = 1_000_000
BIN_OPS = {ast.Add: Op.ADD, ast.Sub: Op.SUB, ast.Mult: Op.MUL, ast.Div: Op.DIV, ast.FloorDiv: Op.FLOORDIV,
           ast.Mod: Op.MOD, ast.Pow: Op.POW, ast.BitAnd: Op.BAND, ast.BitOr: Op.BOR, ast.BitXor: Op.BXOR,
           ast.LShift: Op.SHL, ast.RShift: Op.SHR}
CMP_OPS = {ast.Lt: Op.LT, ast.LtE: Op.LE, ast.Gt: Op.GT, ast.GtE: Op.GE, ast.Eq: Op.EQ, ast.NotEq: Op.NE}
PY_BIN = {Op.ADD: lambda a, b: a + b, Op.SUB: lambda a, b: a - b, Op.MUL: lambda a, b: a * b,
          Op.DIV: lambda a, b: a / b, Op.FLOORDIV: lambda a, b: a // b, Op.MOD: lambda a, b: a % b,
          Op.POW: lambda a, b: a**b, Op.BAND: lambda a, b: a & b, Op.BOR: lambda a, b: a | b,
          Op.BXOR: lambda a, b: a ^ b, Op.SHL: lambda a, b: a << b, Op.SHR: lambda a, b: a >> b}
PY_CMP = {Op.LT: lambda a, b: a < b, Op.LE: lambda a, b: a <= b, Op.GT: lambda a, b: a > b,
          Op.GE: lambda a, b: a >= b, Op.EQ: lambda a, b: a == b, Op.NE: lambda a, b: a != b}


class _Return(Exception):
    def __init__(self, value: Any):
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


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


def _is_py_scalar(v: Any) -> bool:
    return isinstance(v, (int, float, bool, np.integer, np.floating, np.bool_)) and not isinstance(v, Tile)


class Interpreter:
    """Runs one program (one grid point) of a kernel against a shared `Memory`."""

    def __init__(self, index: SourceIndex, memory: Memory, program: tuple[int, int, int],
                 grid: tuple[int, int, int]):
        self.index = index
        self.memory = memory
        self.program = program
        self.grid = grid
        self.pid_linear = program[0] + grid[0] * (program[1] + grid[1] * program[2])
        self.active: Term | bool = True
        self.loc: SourceLoc | None = None
        self._globals: dict[tuple[str, str], Any] = {}
        self.depth = 0

    # -- entry points --------------------------------------------------------------------------
    def run_kernel(self, fn: FunctionRef, args: dict[str, Any]) -> None:
        frame = Frame(fn.module, dict(args), is_kernel=True)
        try:
            self.exec_block(fn.node.body, frame)
        except _Return:
            pass

    def call_function(self, fn: FunctionRef, args: list[Any], kwargs: dict[str, Any], node: ast.AST | None = None) -> Any:
        fdef = fn.node
        params = fdef.args
        names = [a.arg for a in params.posonlyargs + params.args]
        if params.vararg or params.kwarg or params.kwonlyargs:
            raise Unsupported(f"jit function {fdef.name} with *args/**kwargs/keyword-only parameters", fn.loc())
        if len(args) > len(names):
            raise SymexError(f"{fdef.name}() takes {len(names)} arguments, {len(args)} given",
                             self._loc(fn.module, node) if node else fn.loc())
        bound = dict(zip(names, args, strict=False))
        for k, v in kwargs.items():
            if k not in names:
                raise SymexError(f"{fdef.name}() got an unexpected argument {k!r}", fn.loc())
            bound[k] = v
        defaults = params.defaults
        for name, d in zip(names[len(names) - len(defaults):], defaults, strict=True):
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

    # -- statements ----------------------------------------------------------------------------
    def _loc(self, module: SourceModule, node: ast.AST) -> SourceLoc:
        return module.loc(node)

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
            except (TritonLiftError, _Return, _Break, _Continue):
                raise
            except (TypeError, ValueError, ZeroDivisionError, AssertionError, IndexError, KeyError) as e:
                raise SymexError(str(e), frame.module.loc(st)) from None

    def exec_Expr(self, st: ast.Expr, frame: Frame) -> None:
        if isinstance(st.value, ast.Constant):  # docstring
            return
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
        value = None if st.value is None else self.eval(st.value, frame)
        raise _Return(value)

    def exec_Break(self, st: ast.Break, frame: Frame) -> None:
        raise _Break()

    def exec_Continue(self, st: ast.Continue, frame: Frame) -> None:
        raise _Continue()

    def exec_If(self, st: ast.If, frame: Frame) -> None:
        cond = self.eval(st.test, frame)
        c = self.truth(cond, frame.module.loc(st.test))
        if isinstance(c, bool):
            self.exec_block(st.body if c else st.orelse, frame)
            return
        self._symbolic_if(c, st, frame)

    def _symbolic_if(self, c: Term, st: ast.If, frame: Frame) -> None:
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
        if isinstance(a, Tile) or isinstance(b, Tile) or isinstance(a, Term) or isinstance(b, Term) or \
                (_is_py_scalar(a) and _is_py_scalar(b)):
            ct = B.symbolic_scalar(c, "int1")
            return ops.where(ct, a if not isinstance(a, Term) else B.symbolic_scalar(a),
                             b if not isinstance(b, Term) else B.symbolic_scalar(b))
        if a == b:
            return a
        raise Unsupported("a value of a non-tensor type differs between the sides of a data-dependent branch", loc)

    def exec_For(self, st: ast.For, frame: Frame) -> None:
        if st.orelse:
            raise Unsupported("for ... else", frame.module.loc(st))
        it = st.iter
        if not isinstance(it, ast.Call):
            raise Unsupported("for loops must iterate over range, tl.range or tl.static_range", frame.module.loc(it))
        fn = self.eval(it.func, frame)
        kind = self._range_kind(fn)
        if kind is None:
            raise Unsupported(f"for loop over {ast.unparse(it.func)}", frame.module.loc(it))
        args = [B.as_int(self.eval(a, frame), "range bound") for a in it.args]
        for kw in it.keywords:
            if kw.arg not in ("num_stages", "loop_unroll_factor", "flatten", "warp_specialize",
                              "disallow_acc_multi_buffer"):
                raise Unsupported(f"range keyword {kw.arg!r}", frame.module.loc(kw))
        rng = range(*args)
        if len(rng) > MAX_LOOP:
            raise Unsupported(f"loop with {len(rng)} iterations", frame.module.loc(st))
        for i in rng:
            value: Any = i if kind == "static" else Tile(np.array(i, dtype=np.int64), "int32")
            self.assign(st.target, value, frame)
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
        for _ in range(MAX_LOOP):
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

    def truth(self, v: Any, loc: SourceLoc) -> bool | Term:
        """A condition's value: a Python bool when known, else its Term."""
        if isinstance(v, Tile):
            d = concretize(v.data)
            if d.size != 1:
                raise SymexError("the truth value of a tile with several lanes is ambiguous", loc)
            x = d.reshape(())[()]
            if isinstance(x, Term):
                return x
            return bool(x)
        if isinstance(v, Term):
            return bool(v.value) if v.op is Op.CONST else v
        return bool(v)

    # -- expressions ---------------------------------------------------------------------------
    def eval(self, node: ast.expr, frame: Frame) -> Any:
        method = getattr(self, "eval_" + type(node).__name__, None)
        if method is None:
            raise Unsupported(f"expression '{type(node).__name__}' is not supported", frame.module.loc(node))
        try:
            return method(node, frame)
        except (TritonLiftError, _Return, _Break, _Continue):
            raise
        except (TypeError, ValueError, ZeroDivisionError, AssertionError, IndexError, KeyError, AttributeError) as e:
            raise SymexError(str(e), frame.module.loc(node)) from None

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
            if name in ("range", "min", "max", "float", "int", "bool", "len", "abs", "isinstance", "print",
                        "tuple", "list", "getattr", "hasattr", "str", "round", "sum", "zip", "enumerate"):
                return PyBuiltin(name)
            if name in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[name]
            raise Unsupported(f"name {name!r} is not defined (or not resolvable statically)", module.loc(node))
        value = self._materialize(r, node, module)
        self._globals[key] = value
        return value

    def _materialize(self, r: Any, node: ast.AST, module: SourceModule) -> Any:
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
        if isinstance(base, Tile):
            if attr in ("dtype", "type"):
                return DTypeV("ptr", base.dtype) if base.ptr is not None else DTypeV(base.dtype)
            if attr == "shape":
                return tuple(base.shape)
            if attr == "T":
                return Tile(base.data.T, base.dtype, base.ptr)
            return BoundMethod(base, attr)
        if isinstance(base, DTypeV):
            if attr == "value":  # tl.constexpr(dtype).value
                return base
            if attr in ("element_ty", "primitive_bitwidth"):
                return getattr(base, attr)
            if attr == "int_bitwidth":
                return base.primitive_bitwidth
            return BoundMethod(base, attr)
        if attr == "value" and (_is_py_scalar(base) or isinstance(base, str) or base is None):
            return base  # tl.constexpr(x).value
        if isinstance(base, Term):
            return BoundMethod(B.symbolic_scalar(base), attr)
        if _is_py_scalar(base):
            return BoundMethod(base, attr)
        raise Unsupported(f"attribute {attr!r} of {type(base).__name__}", frame.module.loc(node))

    def eval_Subscript(self, node: ast.Subscript, frame: Frame) -> Any:
        base = self.eval(node.value, frame)
        if isinstance(base, (tuple, list)):
            return base[B.as_int(self.eval(node.slice, frame), "index")]
        if isinstance(base, Tile):
            sl = node.slice
            items = sl.elts if isinstance(sl, ast.Tuple) else [sl]
            key: list[Any] = []
            for it in items:
                if isinstance(it, ast.Slice) and it.lower is None and it.upper is None and it.step is None:
                    key.append(slice(None))
                elif isinstance(it, ast.Constant) and it.value is None:
                    key.append(None)
                elif isinstance(it, ast.Constant) and it.value is Ellipsis:
                    key.append(Ellipsis)
                else:
                    v = self.eval(it, frame)
                    if v is None:
                        key.append(None)
                    else:
                        raise Unsupported("tile indexing other than [:, None] / [None, :]", frame.module.loc(it))
            return Tile(base.data[tuple(key)], base.dtype, base.ptr)
        raise Unsupported(f"subscript of {type(base).__name__}", frame.module.loc(node))

    def eval_BinOp(self, node: ast.BinOp, frame: Frame) -> Any:
        op = BIN_OPS.get(type(node.op))
        if op is None:
            raise Unsupported(f"operator {type(node.op).__name__}", frame.module.loc(node))
        return self.binop(op, self.eval(node.left, frame), self.eval(node.right, frame))

    def binop(self, op: Op, a: Any, b: Any) -> Any:
        if _is_py_scalar(a) and _is_py_scalar(b):
            return PY_BIN[op](a, b)
        if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
            if op is Op.ADD and isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
                return type(a)(list(a) + list(b))
            raise TypeError("arithmetic on tuples")
        return ops.binary(op, self._tilelike(a), self._tilelike(b))

    def _tilelike(self, v: Any) -> Any:
        if isinstance(v, Term):
            return B.symbolic_scalar(v)
        if v is None:
            raise TypeError("None used as a number")
        if isinstance(v, DTypeV):
            raise TypeError("a dtype used as a number")
        return v

    def eval_UnaryOp(self, node: ast.UnaryOp, frame: Frame) -> Any:
        v = self.eval(node.operand, frame)
        if isinstance(node.op, ast.Not):
            if isinstance(v, Tile):
                return ops.unary(Op.NOT, v)
            return not v
        if isinstance(node.op, ast.USub):
            return -v if _is_py_scalar(v) else ops.unary(Op.NEG, self._tilelike(v))
        if isinstance(node.op, ast.UAdd):
            return v
        if isinstance(node.op, ast.Invert):
            if _is_py_scalar(v):
                return ~v
            t = to_tile(v)
            if t.dtype == "int1":
                return ops.unary(Op.NOT, t)
            if t.data.dtype != object:
                return Tile(~t.data, t.dtype)
            raise Unsupported("bitwise not of a symbolic integer", frame.module.loc(node))
        raise Unsupported(f"unary operator {type(node.op).__name__}", frame.module.loc(node))

    def eval_BoolOp(self, node: ast.BoolOp, frame: Frame) -> Any:
        is_and = isinstance(node.op, ast.And)
        acc = self.eval(node.values[0], frame)
        for v_node in node.values[1:]:
            if not isinstance(acc, Tile) and not isinstance(acc, Term):
                # Python semantics on compile-time values (short-circuit)
                if (is_and and not acc) or (not is_and and acc):
                    return acc
                acc = self.eval(v_node, frame)
                continue
            other = self.eval(v_node, frame)
            acc = ops.binary(Op.AND if is_and else Op.OR, ops.cast(self._tilelike(acc), "int1"),
                             ops.cast(self._tilelike(other), "int1"))
        return acc

    def eval_Compare(self, node: ast.Compare, frame: Frame) -> Any:
        left = self.eval(node.left, frame)
        result: Any = True
        for op_node, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.eval(right_node, frame)
            if isinstance(op_node, (ast.Is, ast.IsNot)):
                r: Any = (left is right) if not (isinstance(left, DTypeV) or isinstance(right, DTypeV)) else left == right
                r = r if isinstance(op_node, ast.Is) else not r
            elif isinstance(op_node, (ast.In, ast.NotIn)):
                r = left in right
                r = r if isinstance(op_node, ast.In) else not r
            else:
                op = CMP_OPS[type(op_node)]
                if isinstance(left, (DTypeV, str, type(None))) or isinstance(right, (DTypeV, str, type(None))):
                    r = PY_CMP[op](left, right) if op in (Op.EQ, Op.NE) else None
                    if r is None:
                        raise TypeError("ordering comparison of non-numbers")
                elif _is_py_scalar(left) and _is_py_scalar(right):
                    r = PY_CMP[op](left, right)
                else:
                    r = ops.binary(op, self._tilelike(left), self._tilelike(right))
            result = r if result is True else (ops.binary(Op.AND, result, r) if isinstance(result, Tile) or isinstance(r, Tile) else (result and r))
            left = right
        return result

    def eval_IfExp(self, node: ast.IfExp, frame: Frame) -> Any:
        c = self.truth(self.eval(node.test, frame), frame.module.loc(node.test))
        if isinstance(c, bool):
            return self.eval(node.body if c else node.orelse, frame)
        a, b = self.eval(node.body, frame), self.eval(node.orelse, frame)
        return ops.where(B.symbolic_scalar(c, "int1"), self._tilelike(a), self._tilelike(b))

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
            return self._builtin(impl, args, kwargs, fn.qualname, loc)
        if isinstance(fn, Opaque):
            # an import-time alias of the math library (FlagGems' tl_extra_shim.exp2)
            leaf = fn.qualname.split(".")[-1]
            impl = B.TL.get(leaf)
            if impl is None or leaf in ("load", "store", "program_id"):
                raise Unsupported(f"{fn.qualname} cannot be resolved statically", loc)
            return self._builtin(impl, args, kwargs, fn.qualname, loc)
        if isinstance(fn, BoundMethod):
            return self._method(fn, args, kwargs, loc)
        if isinstance(fn, PyBuiltin):
            return self._py_builtin(fn.name, args, kwargs, loc)
        if isinstance(fn, DTypeV):
            if len(args) == 1:  # tl.float32(x): not valid Triton, but harmless as a cast
                return ops.cast(self._tilelike(args[0]), fn.name)
        if callable(fn) and not isinstance(fn, type):
            return fn(*[B.as_int(a) if isinstance(a, Tile) else a for a in args])
        raise Unsupported(f"call of {type(fn).__name__}", loc)

    def _builtin(self, impl: Any, args: list[Any], kwargs: dict[str, Any], name: str, loc: SourceLoc) -> Any:
        kwargs = {k: v for k, v in kwargs.items() if k not in B.PERF_KWARGS or k in ("boundary_check",) and v is None}
        args = [B.symbolic_scalar(a) if isinstance(a, Term) else a for a in args]
        try:
            return impl(self, *args, **kwargs)
        except TypeError as e:
            raise SymexError(f"{name.split('.')[-1]}: {e}", loc) from None

    def _method(self, m: BoundMethod, args: list[Any], kwargs: dict[str, Any], loc: SourceLoc) -> Any:
        obj, name = m.obj, m.name
        if isinstance(obj, DTypeV):
            if name in ("is_floating", "is_fp32", "is_fp16", "is_bf16", "is_fp64", "is_int", "is_int_signed",
                        "is_bool", "is_ptr", "is_int_unsigned"):
                table = {"is_floating": obj.is_floating, "is_fp32": obj.name == "fp32", "is_fp16": obj.name == "fp16",
                         "is_bf16": obj.name == "bf16", "is_fp64": obj.name == "fp64", "is_int": obj.is_int,
                         "is_int_signed": obj.is_int and not obj.name.startswith("u"), "is_bool": obj.name == "int1",
                         "is_ptr": obj.name == "ptr", "is_int_unsigned": obj.name.startswith("uint")}
                return table[name]
            raise Unsupported(f"dtype method {name}", loc)
        if _is_py_scalar(obj):
            if name in ("to", "cast"):
                return ops.cast(to_tile(obj), B._dtype(args[0] if args else kwargs.get("dtype")))
            raise Unsupported(f"method {name} of a Python {type(obj).__name__}", loc)
        tile = obj
        if name in ("to", "cast"):
            dt = args[0] if args else kwargs.get("dtype")
            if kwargs.get("bitcast"):
                return ops.bitcast(tile, B._dtype(dt))
            if tile.ptr is not None and isinstance(dt, DTypeV) and dt.name == "ptr":
                return Tile(tile.data, dt.pointee or tile.dtype, tile.ptr)
            return ops.cast(tile, B._dtype(dt))
        if name in B.TL:
            return self._builtin(B.TL[name], [tile, *args], kwargs, name, loc)
        raise Unsupported(f"tensor method {name}", loc)

    def _py_builtin(self, name: str, args: list[Any], kwargs: dict[str, Any], loc: SourceLoc) -> Any:
        if name in ("min", "max"):
            if all(_is_py_scalar(a) for a in args):
                return (min if name == "min" else max)(*args)
            op = Op.MIN if name == "min" else Op.MAX
            acc = args[0]
            for a in args[1:]:
                acc = ops.binary(op, self._tilelike(acc), self._tilelike(a))
            return acc
        if name == "float":
            if not args:
                return 0.0
            v = args[0]
            if isinstance(v, str):
                return float(v)
            if isinstance(v, Tile):
                return ops.cast(v, "fp32")
            return float(v)
        if name == "int":
            v = args[0]
            return ops.cast(v, "int32") if isinstance(v, Tile) else int(v)
        if name == "bool":
            return bool(args[0]) if not isinstance(args[0], Tile) else ops.cast(args[0], "int1")
        if name == "abs":
            v = args[0]
            return abs(v) if _is_py_scalar(v) else ops.unary(Op.ABS, self._tilelike(v))
        if name == "len":
            v = args[0]
            return len(v) if not isinstance(v, Tile) else v.shape[0]
        if name == "isinstance":
            raise Unsupported("isinstance() in a kernel", loc)
        if name == "print":
            return None
        if name in ("tuple", "list"):
            return getattr(py_builtins, name)(*args)
        if name == "range":
            return range(*[B.as_int(a) for a in args])
        if name == "round":
            return round(*args)
        raise Unsupported(f"Python builtin {name}()", loc)


def inf_of(sign: int) -> float:
    return sign * math.inf
