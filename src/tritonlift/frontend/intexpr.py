"""Integer expressions of launch specs: parsed with the stdlib `ast`, evaluated over a whitelist.

Used for shapes, strides, grids, scalar arguments, `[let]` names and constraints. Division is
Python floor division (host code runs in Python); `cdiv`, `next_power_of_2` etc. match Triton's
host helpers.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


class IntExprError(ValueError):
    """A bad expression; the caller anchors it to the spec key."""


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
    ast.Pow: lambda a, b: a**b,
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


@lru_cache(maxsize=4096)
def parse_int_expr(text: str, allow_bool: bool = False) -> IntExpr:
    """Parse and check against the whitelist; raises IntExprError with a reason."""
    if not isinstance(text, str):
        text = str(text)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        raise IntExprError(f"cannot parse expression {text!r}: {e.msg}") from None
    names: set[str] = set()
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
            if not allow_bool:
                raise IntExprError(f"a comparison is not an integer expression: {text!r}")
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINOPS:
                raise IntExprError(f"operator not allowed in {text!r} (use // for division)")
        elif isinstance(node, (ast.Expression, ast.UnaryOp, ast.Load, ast.USub, ast.UAdd, ast.And, ast.Or,
                               ast.Not, *_CMPOPS)) or type(node) in _BINOPS:
            pass
        else:
            raise IntExprError(f"construct {type(node).__name__} not allowed in {text!r}")
    return IntExpr(text.strip(), tree, frozenset(names))


def _eval(node: ast.AST, env: Mapping[str, Any], text: str) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in env:
            raise IntExprError(f"unknown name {node.id!r} in {text!r}")
        return env[node.id]
    if isinstance(node, ast.BinOp):
        a, b = _eval(node.left, env, text), _eval(node.right, env, text)
        if isinstance(node.op, (ast.FloorDiv, ast.Mod)) and b == 0:
            raise IntExprError(f"division by zero in {text!r}")
        return _BINOPS[type(node.op)](a, b)
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
            return FUNCTIONS[node.func.id](*args)  # type: ignore[attr-defined]
        except (TypeError, ZeroDivisionError) as e:
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
    raise IntExprError(f"cannot evaluate {text!r}")
