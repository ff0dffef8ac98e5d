"""The lane-symbolic evaluator: one run of a kernel's AST for a symbolic program and symbolic lanes.

Where the symbolic executor (`symex/interp.py`) runs every program of a concrete launch over
tiles of concrete lanes, this evaluator runs the kernel once: program ids are the variables
`p0 p1 p2`, sizes are symbols, and a tile is one term over its lane variables (`lanetile.py`).
Reductions over a tile axis become binder terms over [0, extent) of the lane body. Every load and
store is recorded as an `Access` with its decoded logical index (`decode`, supplied by the
caller: decoding needs the tensor layouts and the solver), its mask and its lane extents; those
accesses are what the obligations are about.

The evaluator is a whitelist visitor like the executor's. Control flow must be decided at
compile time (constexpr branches, `static_range`, loops over constant ranges); a branch or loop
on a symbolic value, and any construct not listed, raises `Unsupported` with its location, and
the caller keeps the bounded result.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass, field
from typing import Any

from ..dsl import build
from ..dsl.term import Op, Term, const, var
from ..errors import SourceLoc, SymexError, TritonLiftError, Unsupported
from ..frontend.source import (
    ExternalModule,
    FunctionRef,
    GlobalExpr,
    Opaque,
    SourceIndex,
    SourceModule,
)
from ..symex.builtins import DTYPE_NAMES
from ..symex.values import DTypeV
from . import lanetile as L
from . import loops as LP
from .lanebuiltins import (
    MATH,
    PERF_KWARGS,
    UNARY_MATH,
    Access,
    Decode,
    TlTable,
    _dtype,
    _py_num,
    static_int,
)
from .lanetile import Lanes, as_lanes

BIN = {ast.Add: Op.ADD, ast.Sub: Op.SUB, ast.Mult: Op.MUL, ast.Div: Op.DIV, ast.FloorDiv: Op.FLOORDIV,
       ast.Mod: Op.MOD, ast.Pow: Op.POW, ast.BitAnd: Op.BAND, ast.BitOr: Op.BOR, ast.BitXor: Op.BXOR,
       ast.LShift: Op.SHL, ast.RShift: Op.SHR}
CMP = {ast.Lt: Op.LT, ast.LtE: Op.LE, ast.Gt: Op.GT, ast.GtE: Op.GE, ast.Eq: Op.EQ, ast.NotEq: Op.NE}
PY = {Op.ADD: lambda a, b: a + b, Op.SUB: lambda a, b: a - b, Op.MUL: lambda a, b: a * b,
      Op.DIV: lambda a, b: a / b, Op.FLOORDIV: lambda a, b: a // b, Op.MOD: lambda a, b: a % b,
      Op.POW: lambda a, b: a**b, Op.BAND: lambda a, b: a & b, Op.BOR: lambda a, b: a | b,
      Op.BXOR: lambda a, b: a ^ b, Op.SHL: lambda a, b: a << b, Op.SHR: lambda a, b: a >> b,
      Op.LT: lambda a, b: a < b, Op.LE: lambda a, b: a <= b, Op.GT: lambda a, b: a > b,
      Op.GE: lambda a, b: a >= b, Op.EQ: lambda a, b: a == b, Op.NE: lambda a, b: a != b}
PY_BUILTINS = ("range", "min", "max", "float", "int", "bool", "len", "abs", "print", "tuple", "list")
LIMIT = 4096  # iterations of a loop over a constant range that are unrolled




class _Return(Exception):
    def __init__(self, value: Any):
        self.value = value


@dataclass
class Frame:
    module: SourceModule
    locals: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Method:
    obj: Any
    name: str


@dataclass(frozen=True)
class PyFn:
    name: str


class Evaluator(TlTable):
    def __init__(self, index: SourceIndex, decode: Decode, grid: tuple[Term, Term, Term], names_from: int = 0) -> None:
        self.index = index
        self.decode = decode
        self.grid = grid
        self.accesses: list[Access] = []
        self.loops: list[tuple[str, Term]] = []
        self.loc: SourceLoc | None = None
        self._globals: dict[tuple[str, str], Any] = {}
        self._bound = names_from  # bound-variable and loop names continue from here: terms of several
        self._nloops = names_from  # launches are composed, and must not capture each other's names
        self._undef = 0
        self.depth = 0

    # -- entry points ----------------------------------------------------------------------------
    def run(self, fn: FunctionRef, args: dict[str, Any]) -> list[Access]:
        try:
            self.block(fn.node.body, Frame(fn.module, dict(args)))
        except _Return:
            pass
        return self.accesses

    def call_function(self, fn: FunctionRef, args: list[Any], kwargs: dict[str, Any]) -> Any:
        p = fn.node.args
        if p.vararg or p.kwarg or p.kwonlyargs:
            raise Unsupported(f"jit function {fn.name} with *args/**kwargs", fn.loc())
        names = [a.arg for a in p.posonlyargs + p.args]
        bound = dict(zip(names, args, strict=False))
        bound.update(kwargs)
        for n, d in zip(names[len(names) - len(p.defaults):], p.defaults, strict=True):
            if n not in bound:
                bound[n] = self.eval(d, Frame(fn.module))
        missing = [n for n in names if n not in bound]
        if missing or len(args) > len(names):
            raise SymexError(f"{fn.name}(): bad arguments", fn.loc())
        self.depth += 1
        if self.depth > 64:
            raise Unsupported(f"recursion in {fn.name}", fn.loc())
        saved = self.loc
        try:
            self.block(fn.node.body, Frame(fn.module, bound))
            return None
        except _Return as r:
            return r.value
        finally:
            self.depth -= 1
            self.loc = saved

    # -- statements --------------------------------------------------------------------------------
    def block(self, body: list[ast.stmt], frame: Frame) -> None:
        for st in body:
            self.loc = frame.module.loc(st)
            m = getattr(self, "st_" + type(st).__name__, None)
            if m is None:
                raise Unsupported(f"statement '{type(st).__name__}' is not supported by the prover", self.loc)
            try:
                m(st, frame)
            except (TritonLiftError, _Return):
                raise
            except (TypeError, ValueError, ZeroDivisionError, IndexError, KeyError, AttributeError) as e:
                raise Unsupported(f"{e}", frame.module.loc(st)) from None

    def st_Expr(self, st: ast.Expr, f: Frame) -> None:
        if not isinstance(st.value, ast.Constant):
            self.eval(st.value, f)

    def st_Pass(self, st, f) -> None:
        pass

    def st_Assert(self, st, f) -> None:
        pass

    def st_Assign(self, st: ast.Assign, f: Frame) -> None:
        v = self.eval(st.value, f)
        for t in st.targets:
            self.assign(t, v, f)

    def st_AnnAssign(self, st: ast.AnnAssign, f: Frame) -> None:
        if st.value is not None:
            self.assign(st.target, self.eval(st.value, f), f)

    def st_AugAssign(self, st: ast.AugAssign, f: Frame) -> None:
        op = BIN.get(type(st.op))
        if op is None:
            raise Unsupported(f"operator {type(st.op).__name__}", f.module.loc(st))
        self.assign(st.target, self.binop(op, self.eval(st.target, f), self.eval(st.value, f)), f)

    def assign(self, t: ast.expr, v: Any, f: Frame) -> None:
        if isinstance(t, ast.Name):
            f.locals[t.id] = v
        elif isinstance(t, (ast.Tuple, ast.List)):
            vals = list(v) if isinstance(v, (tuple, list)) else None
            if vals is None or len(vals) != len(t.elts):
                raise TypeError("cannot unpack value into targets")
            for e, x in zip(t.elts, vals, strict=True):
                self.assign(e, x, f)
        else:
            raise Unsupported(f"assignment to {type(t).__name__}", f.module.loc(t))

    def st_Return(self, st: ast.Return, f: Frame) -> None:
        raise _Return(None if st.value is None else self.eval(st.value, f))

    def st_If(self, st: ast.If, f: Frame) -> None:
        c = self.truth(self.eval(st.test, f), f.module.loc(st.test))
        self.block(st.body if c else st.orelse, f)

    def st_For(self, st: ast.For, f: Frame) -> None:
        it = st.iter
        if st.orelse or not isinstance(it, ast.Call):
            raise Unsupported("for loops must iterate over a range", f.module.loc(st))
        fn = self.eval(it.func, f)
        ok = (isinstance(fn, PyFn) and fn.name == "range") or (
            isinstance(fn, ExternalModule) and fn.qualname.split(".")[-1] in ("range", "static_range"))
        if not ok:
            raise Unsupported(f"for loop over {ast.unparse(it.func)}", f.module.loc(it))
        values = [self.eval(a, f) for a in it.args]
        bounds = [static_int(b) for b in values]
        if any(b is None for b in bounds):
            self.symbolic_loop(st, f, values)
            return
        rng = range(*bounds)
        if len(rng) > LIMIT:
            raise Unsupported(f"loop with {len(rng)} iterations", f.module.loc(st))
        for i in rng:
            self.assign(st.target, i, f)
            self.block(st.body, f)

    def symbolic_loop(self, st: ast.For, f: Frame, values: list[Any]) -> None:
        """A loop over a symbolic trip count, by the invariant patterns of `loops.py`: pass 1
        (decoding stubbed) finds the closed forms of carried values that read no data (pointers,
        counters); pass 2 those of data accumulators; pass 3 records the body's accesses for a
        symbolic iteration with every carried value at its invariant. After the loop each
        carried variable holds its closed form at the trip count."""
        loc = f.module.loc(st)
        if not isinstance(st.target, ast.Name):
            raise Unsupported("a loop target that is not a name", loc)
        lo, hi, step = (0, values[0], 1) if len(values) == 1 else (values[0], values[1], values[2] if len(values) > 2 else 1)
        step_i = static_int(step)
        if step_i is None or step_i <= 0:
            raise Unsupported("a loop over a symbolic trip count needs a positive constant step", loc)
        lo_t, hi_t = (self._int_term(v, loc) for v in (lo, hi))
        n = self._nloops = self._nloops + 1
        t, u = f"t{n}", f"u{n}"
        K = build.where(build.compare(Op.GT, hi_t, lo_t),
                        build.floordiv(build.add(build.sub(hi_t, lo_t), step_i - 1), step_i), const(0))
        it_value = L.scalar(build.add(lo_t, build.mul(var(t), step_i)), "int32")
        names = LP.assigned_names(st.body) - {st.target.id}
        phs = {nm: LP.placeholder(nm, f.locals[nm], n) for nm in sorted(names) if nm in f.locals}
        closed: dict[str, tuple[LP.Placeholder, LP.Recurrence]] = {}

        def run(record: bool, stub: bool) -> dict[str, Any]:
            vals = {nm: self._closed_lanes(closed[nm], var(t), t, u) if nm in closed else ph.lanes
                    for nm, ph in phs.items()}
            frame = Frame(f.module, {**f.locals, **vals, st.target.id: it_value})
            mark, saved = len(self.accesses), self.decode
            if stub:
                self.decode = lambda tensor, off, *_: ((off,), "stub")
            self.loops.append((t, K))
            try:
                self.block(st.body, frame)
            except _Return:
                raise Unsupported("return inside a loop over a symbolic trip count", loc) from None
            finally:
                self.loops.pop()
                self.decode = saved
                if not record:
                    del self.accesses[mark:]
            return frame.locals

        for stub in (True, False):
            out = run(False, stub)
            for nm, ph in phs.items():
                if nm in closed:
                    continue
                rec = LP.classify(ph, out.get(nm))
                if rec is None:
                    if not stub:
                        raise Unsupported(f"the loop-carried variable {nm!r} is updated in a way no invariant "
                                          f"pattern covers (sum, product, running max/min, overwrite)", loc)
                    continue
                if stub and LP.reads_data(rec.h):
                    continue
                closed[nm] = (ph, rec)
        out = run(True, False)
        for nm, (ph, rec) in closed.items():
            f.locals[nm] = self._closed_lanes((ph, rec), K, t, u)

    def _closed_lanes(self, pr: tuple[LP.Placeholder, LP.Recurrence], n: Term, t: str, u: str) -> Lanes:
        ph, rec = pr
        v = rec.at(n, t, u)
        if v.shape != ph.init.shape:
            raise Unsupported(f"the loop-carried variable {ph.name!r} changes its tile shape in the loop", self.loc)
        return v

    def _int_term(self, v: Any, loc: SourceLoc) -> Term:
        if isinstance(v, bool) or not isinstance(v, (int, Lanes)):
            raise Unsupported("a loop bound that is not an integer", loc)
        if isinstance(v, int):
            return const(v)
        if v.rank != 0 or v.ptr is not None or not v.dtype.startswith(("int", "uint")):
            raise Unsupported("a loop bound that is not an integer scalar", loc)
        return v.term

    def truth(self, v: Any, loc: SourceLoc) -> bool:
        if isinstance(v, Lanes):
            if v.rank == 0 and v.term.op is Op.CONST:
                return bool(v.term.value)
            raise Unsupported("a branch on a value that depends on symbolic sizes, program ids or data "
                              "(not yet supported by the prover)", loc)
        return bool(v)

    # -- expressions -----------------------------------------------------------------------------
    def eval(self, node: ast.expr, f: Frame) -> Any:
        m = getattr(self, "ex_" + type(node).__name__, None)
        if m is None:
            raise Unsupported(f"expression '{type(node).__name__}' is not supported by the prover", f.module.loc(node))
        try:
            return m(node, f)
        except (TritonLiftError, _Return):
            raise
        except (TypeError, ValueError, ZeroDivisionError, IndexError, KeyError, AttributeError) as e:
            raise Unsupported(str(e), f.module.loc(node)) from None

    def ex_Constant(self, n: ast.Constant, f: Frame) -> Any:
        return n.value

    def ex_JoinedStr(self, n, f) -> str:
        return ""

    def ex_Tuple(self, n: ast.Tuple, f: Frame) -> tuple:
        return tuple(self.eval(e, f) for e in n.elts)

    def ex_List(self, n: ast.List, f: Frame) -> list:
        return [self.eval(e, f) for e in n.elts]

    def ex_Name(self, n: ast.Name, f: Frame) -> Any:
        if n.id in f.locals:
            return f.locals[n.id]
        return self.global_value(f.module, n.id, n)

    def global_value(self, module: SourceModule, name: str, node: ast.AST) -> Any:
        key = (str(module.path), name)
        if key in self._globals:
            return self._globals[key]
        r = self.index.resolve(module, name)
        if r is None:
            if name in PY_BUILTINS:
                return PyFn(name)
            if name in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[name]
            raise Unsupported(f"name {name!r} is not defined", module.loc(node))
        if isinstance(r, GlobalExpr):
            try:
                v = self.eval(r.node, Frame(r.module))
            except TritonLiftError:
                v = Opaque(f"{r.module.qualname}.{r.name}")
        elif isinstance(r, ExternalModule):
            v = _external_value(r.qualname)
            v = r if v is None else v
        else:
            v = r
        self._globals[key] = v
        return v

    def ex_Attribute(self, n: ast.Attribute, f: Frame) -> Any:
        base, attr = self.eval(n.value, f), n.attr
        if isinstance(base, (ExternalModule, SourceModule, Opaque)):
            r = self.index.attribute(base, attr)
            if r is None:
                raise Unsupported(f"{ast.unparse(n)} cannot be resolved", f.module.loc(n))
            if isinstance(r, ExternalModule):
                v = _external_value(r.qualname)
                return r if v is None else v
            if isinstance(r, GlobalExpr):
                return self.global_value(r.module, r.name, n)
            return r
        if isinstance(base, Lanes):
            if attr in ("dtype", "type"):
                return DTypeV("ptr", base.dtype) if base.ptr is not None else DTypeV(base.dtype)
            if attr == "shape":
                return tuple(static_int(L.scalar(e, "int32")) if e.op is Op.CONST else L.scalar(e, "int32")
                             for e in base.shape)
            if attr == "T":
                return self._trans(base)
            return Method(base, attr)
        if isinstance(base, DTypeV):
            if attr == "value":
                return base
            if attr in ("element_ty", "primitive_bitwidth"):
                return getattr(base, attr)
            if attr == "int_bitwidth":
                return base.primitive_bitwidth
            return Method(base, attr)
        if attr == "value" and (isinstance(base, (int, float, bool, str)) or base is None):
            return base
        if isinstance(base, (int, float)):
            return Method(base, attr)
        raise Unsupported(f"attribute {attr!r} of {type(base).__name__}", f.module.loc(n))

    def ex_Subscript(self, n: ast.Subscript, f: Frame) -> Any:
        base = self.eval(n.value, f)
        if isinstance(base, (tuple, list)):
            i = static_int(self.eval(n.slice, f))
            if i is None:
                raise TypeError("tuple index must be a constant")
            return base[i]
        if not isinstance(base, Lanes):
            raise Unsupported(f"subscript of {type(base).__name__}", f.module.loc(n))
        items = n.slice.elts if isinstance(n.slice, ast.Tuple) else [n.slice]
        key: list[Any] = []
        for it in items:
            if isinstance(it, ast.Slice) and it.lower is None and it.upper is None and it.step is None:
                key.append(slice(None))
            elif isinstance(it, ast.Constant) and it.value is Ellipsis:
                key.append(Ellipsis)
            elif self.eval(it, f) is None:
                key.append(None)
            else:
                raise Unsupported("tile indexing other than [:, None] / [None, :]", f.module.loc(it))
        return L.expand(base, key)

    def ex_BinOp(self, n: ast.BinOp, f: Frame) -> Any:
        op = BIN.get(type(n.op))
        if op is None:
            raise Unsupported(f"operator {type(n.op).__name__}", f.module.loc(n))
        return self.binop(op, self.eval(n.left, f), self.eval(n.right, f))

    def binop(self, op: Op, a: Any, b: Any) -> Any:
        if _py_num(a) and _py_num(b):
            return PY[op](a, b)
        if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and op is Op.ADD:
            return type(a)(list(a) + list(b))
        return L.binary(op, a, b)

    def ex_UnaryOp(self, n: ast.UnaryOp, f: Frame) -> Any:
        v = self.eval(n.operand, f)
        if isinstance(n.op, ast.Not):
            return L.unary(Op.NOT, v) if isinstance(v, Lanes) else not v
        if isinstance(n.op, ast.USub):
            return -v if _py_num(v) else L.unary(Op.NEG, v)
        if isinstance(n.op, ast.UAdd):
            return v
        if isinstance(n.op, ast.Invert):
            if _py_num(v):
                return ~v
            if isinstance(v, Lanes) and v.dtype == "int1":
                return L.unary(Op.NOT, v)
        raise Unsupported(f"unary operator {type(n.op).__name__}", f.module.loc(n))

    def ex_BoolOp(self, n: ast.BoolOp, f: Frame) -> Any:
        is_and = isinstance(n.op, ast.And)
        acc = self.eval(n.values[0], f)
        for v in n.values[1:]:
            if not isinstance(acc, Lanes):
                if (is_and and not acc) or (not is_and and acc):
                    return acc
                acc = self.eval(v, f)
                continue
            other = self.eval(v, f)
            acc = L.binary(Op.AND if is_and else Op.OR, L.cast(acc, "int1"), L.cast(as_lanes(other), "int1"))
        return acc

    def ex_Compare(self, n: ast.Compare, f: Frame) -> Any:
        left, result = self.eval(n.left, f), True
        for op_node, rn in zip(n.ops, n.comparators, strict=True):
            right = self.eval(rn, f)
            if isinstance(op_node, (ast.Is, ast.IsNot)):
                r: Any = (left == right) if isinstance(left, DTypeV) or isinstance(right, DTypeV) else left is right
                r = r if isinstance(op_node, ast.Is) else not r
            elif isinstance(op_node, (ast.In, ast.NotIn)):
                r = (left in right) == isinstance(op_node, ast.In)
            else:
                op = CMP[type(op_node)]
                if isinstance(left, (DTypeV, str, type(None))) or isinstance(right, (DTypeV, str, type(None))):
                    if op not in (Op.EQ, Op.NE):
                        raise TypeError("ordering comparison of non-numbers")
                    r = PY[op](left, right)
                elif _py_num(left) and _py_num(right):
                    r = PY[op](left, right)
                else:
                    r = L.binary(op, left, right)
            result = r if result is True else (L.binary(Op.AND, result, r) if isinstance(result, Lanes) or
                                               isinstance(r, Lanes) else (result and r))
            left = right
        return result

    def ex_IfExp(self, n: ast.IfExp, f: Frame) -> Any:
        c = self.eval(n.test, f)
        if isinstance(c, Lanes) and not (c.rank == 0 and c.term.op is Op.CONST):
            return L.where(c, self.eval(n.body, f), self.eval(n.orelse, f))
        return self.eval(n.body if self.truth(c, f.module.loc(n)) else n.orelse, f)

    def ex_Call(self, n: ast.Call, f: Frame) -> Any:
        fn = self.eval(n.func, f)
        args: list[Any] = []
        for a in n.args:
            if isinstance(a, ast.Starred):
                args.extend(self.eval(a.value, f))
            else:
                args.append(self.eval(a, f))
        kwargs = {}
        for kw in n.keywords:
            if kw.arg is None:
                raise Unsupported("**kwargs in a call", f.module.loc(kw))
            kwargs[kw.arg] = self.eval(kw.value, f)
        saved, self.loc = self.loc, f.module.loc(n)
        try:
            return self.call(fn, args, kwargs, f.module.loc(n))
        finally:
            self.loc = saved

    def call(self, fn: Any, args: list[Any], kwargs: dict[str, Any], loc: SourceLoc) -> Any:
        if isinstance(fn, FunctionRef):
            if not fn.is_jit and not fn.is_constexpr_function:
                raise Unsupported(f"call of {fn.name}, which is not a @triton.jit function", loc)
            return self.call_function(fn, args, kwargs)
        if isinstance(fn, (ExternalModule, Opaque)):
            parts = fn.qualname.split(".")
            leaf = parts[-1]
            known = isinstance(fn, Opaque) or parts[0] == "triton" or (parts[0] == "math" and leaf in MATH)
            impl = getattr(self, "tl_" + leaf, None) if parts[0] != "math" else None
            if parts[0] == "math" and leaf in MATH:
                return MATH[leaf](*args)
            if impl is None and leaf in UNARY_MATH:
                return L.unary(UNARY_MATH[leaf], args[0])
            if impl is None or not known or (isinstance(fn, Opaque) and leaf in ("load", "store", "program_id")):
                raise Unsupported(f"{fn.qualname} is not supported by the prover", loc)
            kwargs = {k: v for k, v in kwargs.items() if k not in PERF_KWARGS}
            return impl(*args, **kwargs)
        if isinstance(fn, Method):
            return self._method(fn, args, kwargs, loc)
        if isinstance(fn, PyFn):
            return self._py(fn.name, args, loc)
        if isinstance(fn, DTypeV) and len(args) == 1:
            return L.cast(args[0], fn.name)
        raise Unsupported(f"call of {type(fn).__name__}", loc)

    def _method(self, m: Method, args: list[Any], kwargs: dict[str, Any], loc: SourceLoc) -> Any:
        obj, name = m.obj, m.name
        if isinstance(obj, DTypeV):
            table = {"is_floating": obj.is_floating, "is_fp32": obj.name == "fp32", "is_fp16": obj.name == "fp16",
                     "is_bf16": obj.name == "bf16", "is_fp64": obj.name == "fp64", "is_int": obj.is_int,
                     "is_int_signed": obj.is_int and not obj.name.startswith("u"), "is_bool": obj.name == "int1",
                     "is_ptr": obj.name == "ptr", "is_int_unsigned": obj.name.startswith("uint")}
            if name in table:
                return table[name]
            raise Unsupported(f"dtype method {name}", loc)
        if name in ("to", "cast"):
            dt = args[0] if args else kwargs.get("dtype")
            if kwargs.get("bitcast"):
                raise Unsupported("bitcast is not modelled by the prover", loc)
            if isinstance(obj, Lanes) and obj.ptr is not None and isinstance(dt, DTypeV) and dt.name == "ptr":
                return Lanes(obj.term, obj.shape, dt.pointee or obj.dtype, obj.ptr)
            return L.cast(obj, _dtype(dt))
        impl = getattr(self, "tl_" + name, None)
        if impl is not None and isinstance(obj, Lanes):
            return impl(obj, *args, **{k: v for k, v in kwargs.items() if k not in PERF_KWARGS})
        if name in UNARY_MATH and isinstance(obj, Lanes):
            return L.unary(UNARY_MATH[name], obj)
        raise Unsupported(f"method {name}", loc)

    def _py(self, name: str, args: list[Any], loc: SourceLoc) -> Any:
        if name in ("min", "max"):
            if all(_py_num(a) for a in args):
                return (min if name == "min" else max)(*args)
            acc = args[0]
            for a in args[1:]:
                acc = L.binary(Op.MIN if name == "min" else Op.MAX, acc, a)
            return acc
        if name == "float":
            v = args[0] if args else 0.0
            return float(v) if not isinstance(v, Lanes) else L.cast(v, "fp32")
        if name == "int":
            return int(args[0]) if not isinstance(args[0], Lanes) else L.cast(args[0], "int32")
        if name == "bool":
            return bool(args[0]) if not isinstance(args[0], Lanes) else L.cast(args[0], "int1")
        if name == "abs":
            return abs(args[0]) if _py_num(args[0]) else L.unary(Op.ABS, args[0])
        if name == "len":
            return len(args[0])
        if name in ("tuple", "list"):
            return {"tuple": tuple, "list": list}[name](*args)
        if name == "range":
            return range(*[static_int(a) for a in args])
        if name == "print":
            return None
        raise Unsupported(f"Python builtin {name}()", loc)


def _external_value(qualname: str) -> Any:
    parts = qualname.split(".")
    leaf = parts[-1]
    if parts[0] == "triton" and len(parts) >= 3 and parts[1] == "language" and leaf in DTYPE_NAMES:
        return DTypeV(DTYPE_NAMES[leaf])
    if parts[0] == "math" and leaf in ("pi", "e", "inf"):
        return {"pi": math.pi, "e": math.e, "inf": math.inf}[leaf]
    return None


__all__ = ["Access", "Evaluator", "Frame"]
