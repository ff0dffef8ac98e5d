"""A numpy evaluator for Terms, in float64 for reals and Python/numpy ints for integers.

`evaluate(t, env)` where `env.tensors` maps tensor names to numpy arrays, `env.symbols` maps symbol
names to numbers and `env.vars` maps free index variables to ints or integer arrays (arrays of one
shape evaluate the term for every element at once). Integer `//` and `%` follow C semantics, as
Triton compiles them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import DslError
from .named import NAMED_FUNCTIONS, definition
from .term import BINDERS, Op, Term, walk

_erf = np.frompyfunc(math.erf, 1, 1)


def _erf_f(x: Any) -> Any:
    r = _erf(x)
    return r.astype(np.float64) if isinstance(r, np.ndarray) else float(r)


def _is_int(x: Any) -> bool:
    if isinstance(x, np.ndarray):
        return x.dtype.kind in "iu"
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def _cdiv(a: Any, b: Any) -> Any:
    if _is_int(a) and _is_int(b):
        q = np.abs(a) // np.abs(b)
        return np.where((np.asarray(a) >= 0) == (np.asarray(b) >= 0), q, -q) if isinstance(q, np.ndarray) else (q if (a >= 0) == (b >= 0) else -q)
    return np.floor(np.divide(a, b))


def _cmod(a: Any, b: Any) -> Any:
    if _is_int(a) and _is_int(b):
        return a - b * _cdiv(a, b)
    return np.fmod(a, b)


def _sigmoid(x: Any) -> Any:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def _rint(x: Any) -> Any:
    return np.rint(x)


UNARY = {
    Op.NEG: np.negative, Op.NOT: np.logical_not,
    Op.EXP: np.exp, Op.EXP2: np.exp2, Op.LOG: np.log, Op.LOG2: np.log2, Op.LOG1P: np.log1p,
    Op.SQRT: np.sqrt, Op.RSQRT: lambda x: 1.0 / np.sqrt(x), Op.TANH: np.tanh, Op.ERF: _erf_f,
    Op.SIGMOID: _sigmoid, Op.SIN: np.sin, Op.COS: np.cos, Op.ABS: np.abs, Op.FLOOR: np.floor,
    Op.CEIL: np.ceil, Op.TRUNC: lambda x: np.trunc(x).astype(np.int64), Op.RINT: _rint,
}
def _arith(f):
    """Booleans in arithmetic count as 0/1 (numpy would compute a logical or)."""

    def g(a: Any, b: Any) -> Any:
        if np.asarray(a).dtype == bool:
            a = np.asarray(a, dtype=np.int64)
        if np.asarray(b).dtype == bool:
            b = np.asarray(b, dtype=np.int64)
        return f(a, b)

    return g


BINARY = {
    Op.ADD: _arith(np.add), Op.SUB: _arith(np.subtract), Op.MUL: _arith(np.multiply),
    Op.DIV: lambda a, b: np.divide(np.asarray(a, dtype=np.float64), b),
    Op.FLOORDIV: _cdiv, Op.MOD: _cmod, Op.POW: lambda a, b: np.power(np.asarray(a, dtype=np.float64), b),
    Op.MIN: np.minimum, Op.MAX: np.maximum,
    Op.LT: np.less, Op.LE: np.less_equal, Op.GT: np.greater, Op.GE: np.greater_equal,
    Op.EQ: np.equal, Op.NE: np.not_equal, Op.AND: np.logical_and, Op.OR: np.logical_or,
    Op.BAND: np.bitwise_and, Op.BOR: np.bitwise_or, Op.BXOR: np.bitwise_xor,
    Op.SHL: np.left_shift, Op.SHR: np.right_shift,
}


@dataclass
class Env:
    tensors: dict[str, np.ndarray] = field(default_factory=dict)
    symbols: dict[str, Any] = field(default_factory=dict)
    vars: dict[str, Any] = field(default_factory=dict)
    calls: dict[str, Any] = field(default_factory=dict)  # uninterpreted functions, by name


DEEP = 200  # terms nested deeper than this are evaluated bottom-up first (`_warm`)


def evaluate(t: Term, env: Env, memo: dict[int, Any] | None = None) -> Any:
    """Value of `t` under `env` (numpy scalar or array). Raises DslError on a missing name.
    `memo`: values by sub-term id, shared by calls with the same `env` on terms that all stay
    alive meanwhile (the elements of one output share their row sums)."""
    memo = {} if memo is None else memo
    if id(t) in memo:
        return memo[id(t)]
    _warm(t, env, memo)
    return _eval(t, env, memo)


def _warm(t: Term, env: Env, memo: dict[int, Any]) -> None:
    """For a deep term (a sum unrolled over 10^4 elements), fill `memo` children first, without
    recursion, so that the recursive evaluation below finds every sub-term it needs done. A
    sub-term that cannot be evaluated here (it uses a binder's variable, or reads outside a tensor
    in a branch the evaluation does not take) is left to it, and so are its ancestors."""
    depth: dict[int, int] = {}
    order = list(walk(t, memo))  # what an earlier call on the same memo valued is not revisited
    for n in order:
        depth[id(n)] = 1 + max((depth.get(id(a), 0) for a in n.args), default=0)
    if depth[id(t)] <= DEEP:
        return
    failed: set[int] = set()
    for n in order:
        if not n.args or any(id(a) in failed for a in n.args):
            if n.args:
                failed.add(id(n))
            continue
        try:
            _eval(n, env, memo)
        except (DslError, ArithmeticError, IndexError, TypeError, ValueError):
            failed.add(id(n))


def _eval(t: Term, env: Env, memo: dict[int, Any]) -> Any:
    key = id(t)
    if key in memo:
        return memo[key]
    op = t.op
    if op is Op.CONST:
        r: Any = t.value
    elif op is Op.SYM:
        if t.attrs[0] not in env.symbols:
            raise DslError(f"no value for symbol {t.attrs[0]}")
        r = env.symbols[t.attrs[0]]
    elif op is Op.VAR:
        if t.attrs[0] not in env.vars:
            raise DslError(f"no value for index variable {t.attrs[0]}")
        r = env.vars[t.attrs[0]]
    elif op is Op.READ:
        name = t.attrs[0]
        if name not in env.tensors:
            raise DslError(f"no value for tensor {name}")
        idx = tuple(_eval(a, env, memo) for a in t.args)
        arr = env.tensors[name]
        ix = tuple(np.asarray(i, dtype=np.int64) for i in idx)
        if any(np.any(i < 0) for i in ix):  # numpy would wrap a negative index silently
            raise DslError(f"read of {name} at {idx} is out of bounds (negative index)")
        try:
            r = arr[ix] if idx else arr[()]
        except IndexError:
            raise DslError(f"read of {name} at {idx} is out of bounds (shape {arr.shape})") from None
    elif op is Op.UNDEF:
        raise DslError(f"undefined value ({t.attrs[0]})")
    elif op is Op.WHERE:
        # the branch not taken is not evaluated (it may read outside a tensor: x[i, t[i]] guarded
        # by t[i] != ignore_index)
        c = np.asarray(_eval(t.args[0], env, memo))
        if c.ndim == 0 or np.all(c) or not np.any(c):
            r = _eval(t.args[1] if bool(np.all(c)) else t.args[2], env, memo)
        else:
            r = np.where(c, _eval(t.args[1], env, memo), _eval(t.args[2], env, memo))
            if r.ndim == 0:
                r = r[()]
    elif op is Op.CALL:
        fn = env.calls.get(t.attrs[0])
        if fn is None and t.attrs[0] in NAMED_FUNCTIONS:
            # a named function evaluates its definition (env.calls may still override it)
            f = NAMED_FUNCTIONS[t.attrs[0]]
            vals = dict(zip(f.params, (_eval(a, env, memo) for a in t.args), strict=True))
            r = _eval(definition(f.name), Env(vars=vals), {})
        elif fn is None:
            raise DslError(f"no implementation for uninterpreted function {t.attrs[0]}")
        else:
            r = fn(*(_eval(a, env, memo) for a in t.args))
    elif op in BINDERS:
        r = _eval_binder(t, env, memo)
    elif op in BINARY:
        a, b = (_eval(x, env, memo) for x in t.args)
        with np.errstate(all="ignore"):
            r = BINARY[op](a, b)
    elif op in UNARY:
        with np.errstate(all="ignore"):
            r = UNARY[op](_eval(t.args[0], env, memo))
    else:  # pragma: no cover
        raise DslError(f"cannot evaluate op {op}")
    memo[key] = r
    return r


def _eval_binder(t: Term, env: Env, memo: dict[int, Any]) -> Any:
    lo, hi, body = t.args
    lo_v, hi_v = _eval(lo, env, memo), _eval(hi, env, memo)
    if np.ndim(lo_v) or np.ndim(hi_v):
        raise DslError("binder bounds must be scalars when evaluating")
    v = t.attrs[0]
    vals = []
    for k in range(int(lo_v), int(hi_v)):
        inner = Env(env.tensors, env.symbols, {**env.vars, v: k}, env.calls)
        vals.append(_eval(body, inner, {}))
    op = t.op
    if op is Op.SUM:
        return sum(vals, 0.0) if vals else 0.0
    if op is Op.PROD:
        out: Any = 1.0
        for x in vals:
            out = out * x
        return out
    if not vals:
        return {Op.MAXR: -math.inf, Op.MINR: math.inf}.get(op, 0)
    stack = np.stack([np.asarray(x, dtype=np.float64) for x in vals])
    if op is Op.MAXR:
        return stack.max(axis=0)
    if op is Op.MINR:
        return stack.min(axis=0)
    pick = stack.argmax(axis=0) if op is Op.ARGMAX else stack.argmin(axis=0)
    return pick + int(lo_v)
