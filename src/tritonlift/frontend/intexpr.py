"""Integer expressions of launch specs: parsed with the stdlib `ast`, evaluated over a whitelist.

Used for shapes, strides, grids, scalar arguments, `[let]` names and constraints (also
conditions: comparisons, and/or/not, and `a if c else b`, as host code picks blocks). Division is
Python floor division (host code runs in Python); `cdiv`, `next_power_of_2` etc. match Triton's
host helpers.

Evaluation is bounded: an expression has at most MAX_TEXT characters and MAX_DEPTH levels of
nesting (checked when parsed, so evaluation never recurses deeper), and every intermediate value
stays within ±2**MAX_BITS (so `2**2**2**2**2**2` is refused instead of computed).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MAX_TEXT = 2000  # characters of one expression
MAX_DEPTH = 40  # nesting levels of the expression tree
MAX_BITS = 62  # intermediate values stay within ±2**62 (int64 index arithmetic, with room)


class IntExprError(ValueError):
    """A bad expression; the caller anchors it to the spec key."""


def _bounded(v: Any, text: str) -> Any:
    if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > MAX_BITS:
        raise IntExprError(f"value out of range in {text!r}: the bound is ±2**{MAX_BITS}")
    return v


def _power(a: int, b: int, text: str) -> int:
    if b < 0:
        raise IntExprError(f"negative exponent in {text!r}")
    if abs(a) > 1 and b > MAX_BITS:
        raise IntExprError(f"value out of range in {text!r}: {a}**{b} is past the bound ±2**{MAX_BITS}")
    return a**b


def _next_power_of_2(n: int) -> int:
    n = int(n)
    return 1 if n <= 1 else 1 << (n - 1).bit_length()


def _ceil_sqrt(n: int) -> int:
    r = math.isqrt(int(n))
    return r if r * r == n else r + 1


def _log2(n: int) -> int:
    n = int(n)
    if n <= 0 or n & (n - 1):
        raise IntExprError(f"log2({n}) is not exact")
    return n.bit_length() - 1


FUNCTIONS = {
    "cdiv": lambda a, b: -(-a // b),
    "next_power_of_2": _next_power_of_2,
    "min": min,
    "max": max,
    "isqrt": math.isqrt,
    "ceil_sqrt": _ceil_sqrt,
    "log2": _log2,
    "abs": abs,
}
_BINOPS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Mod: lambda a, b: a % b,
}
_CMPOPS = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}


@dataclass(frozen=True)
class IntExpr:
    """A parsed expression with the names it mentions."""

    text: str
    tree: ast.expression
    names: frozenset[str]

    def eval(self, env: Mapping[str, Any]) -> Any:
        return _eval(self.tree.body, env, self.text)

    def __str__(self) -> str:
        return self.text

    @property
    def boolean(self) -> bool:
        """A condition (comparison, and/or/not, True/False): a flag, not a number."""
        return is_condition(self.tree.body)


def is_condition(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, bool)
    if isinstance(node, ast.IfExp):
        return is_condition(node.body) and is_condition(node.orelse)
    return isinstance(node, (ast.Compare, ast.BoolOp)) or isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)


@lru_cache(maxsize=4096)
def parse_int_expr(text: str, allow_bool: bool = False) -> IntExpr:
    """Parse and check against the whitelist; raises IntExprError with a reason."""
    if not isinstance(text, str):
        text = str(text)
    if len(text) > MAX_TEXT:
        raise IntExprError(f"expression of {len(text)} characters: the bound is {MAX_TEXT}")
    if _bracket_depth(text) > MAX_DEPTH:
        raise IntExprError(f"expression nested more than {MAX_DEPTH} levels deep")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        raise IntExprError(f"cannot parse expression {text!r}: {e.msg}") from None
    except (ValueError, MemoryError, RecursionError):  # null bytes; absurd nesting
        raise IntExprError(f"cannot parse expression {text[:40]!r}...") from None
    if _tree_depth(tree) > MAX_DEPTH:
        raise IntExprError(f"expression nested more than {MAX_DEPTH} levels deep (operators "
                           f"chain into a tree; split it with [let] names)")
    names: set[str] = set()
    # the test of `a if c else b` is a condition even where the whole is an integer
    tests = {id(n) for x in ast.walk(tree) if isinstance(x, ast.IfExp) for n in ast.walk(x.test)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in FUNCTIONS:
                names.add(node.id)
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords:
                raise IntExprError(f"unknown function in {text!r} (allowed: {', '.join(sorted(FUNCTIONS))})")
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, int):
                raise IntExprError(f"only integer constants are allowed in {text!r}")
        elif isinstance(node, (ast.Compare, ast.BoolOp)) or isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            if not allow_bool and id(node) not in tests:
                raise IntExprError(f"a comparison is not an integer expression: {text!r}")
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINOPS and not isinstance(node.op, ast.Pow):
                raise IntExprError(f"operator not allowed in {text!r} (use // for division)")
        elif isinstance(node, (ast.Expression, ast.IfExp, ast.UnaryOp, ast.Load, ast.USub, ast.UAdd, ast.And, ast.Or,
                               ast.Not, ast.Pow, *_CMPOPS)) or type(node) in _BINOPS:
            pass
        else:
            raise IntExprError(f"construct {type(node).__name__} not allowed in {text!r}")
    return IntExpr(text.strip(), tree, frozenset(names))


def _bracket_depth(text: str) -> int:
    depth = best = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            best = max(best, depth)
        elif ch in ")]}":
            depth -= 1
    return best


def _tree_depth(tree: ast.AST) -> int:
    """Height of the tree, computed without recursion."""
    best = 0
    stack = [(tree, 1)]
    while stack:
        node, d = stack.pop()
        best = max(best, d)
        stack.extend((c, d + 1) for c in ast.iter_child_nodes(node))
    return best


def _eval(node: ast.AST, env: Mapping[str, Any], text: str) -> Any:
    if isinstance(node, ast.Constant):
        return _bounded(node.value, text)
    if isinstance(node, ast.Name):
        if node.id not in env:
            raise IntExprError(f"unknown name {node.id!r} in {text!r}")
        return env[node.id]
    if isinstance(node, ast.BinOp):
        a, b = _eval(node.left, env, text), _eval(node.right, env, text)
        if isinstance(node.op, (ast.FloorDiv, ast.Mod)) and b == 0:
            raise IntExprError(f"division by zero in {text!r}")
        if isinstance(node.op, ast.Pow):
            return _bounded(_power(a, b, text), text)
        return _bounded(_BINOPS[type(node.op)](a, b), text)
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, env, text)
        if isinstance(node.op, ast.USub):
            return -v
        if isinstance(node.op, ast.Not):
            return not v
        return v
    if isinstance(node, ast.Call):
        args = [_eval(a, env, text) for a in node.args]
        try:
            return _bounded(FUNCTIONS[node.func.id](*args), text)  # type: ignore[attr-defined]
        except (TypeError, ZeroDivisionError, ValueError) as e:
            if isinstance(e, IntExprError):
                raise
            if isinstance(e, ZeroDivisionError):
                raise IntExprError(f"division by zero in {text!r}") from None
            raise IntExprError(f"{e} in {text!r}") from None
    if isinstance(node, ast.Compare):
        left = _eval(node.left, env, text)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _eval(right_node, env, text)
            if not _CMPOPS[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.BoolOp):
        vals = (_eval(v, env, text) for v in node.values)
        return all(vals) if isinstance(node.op, ast.And) else any(vals)
    if isinstance(node, ast.IfExp):
        return _eval(node.body if _eval(node.test, env, text) else node.orelse, env, text)
    raise IntExprError(f"cannot evaluate {text!r}")
