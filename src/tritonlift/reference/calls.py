"""Which reference operator a host call implements: `flag_gems.softmax(x, dim=1)` is
aten::softmax with dim=1. The sweep tables are consulted first (their calls say it exactly),
then the called function's name (`flag_gems.elu` -> aten::elu, Liger's `swiglu_forward` ->
liger::swiglu) with the call's keyword constants as parameters."""

from __future__ import annotations

import ast
from typing import Any

from . import ALIASES, get, names
from .model import ReferenceError, RefOp


def identify(call: str) -> tuple[RefOp, dict[str, Any], dict[str, str]]:
    """(operator, parameters, reference tensor -> call tensor) for `call`. Raises
    ReferenceError when no reference operator is known for it."""
    from ..sweep.table import calls

    text = " ".join(call.split())
    for c in calls():
        if " ".join(c.call.split()) == text and c.op:
            return get(c.op, **c.params), dict(c.params), dict(c.tensors)
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError:
        raise ReferenceError(f"the call {call!r} is not a Python expression") from None
    while isinstance(tree, ast.Subscript):  # flag_gems.sort(x, 1)[0]
        tree = tree.value
    if not isinstance(tree, ast.Call) or not isinstance(tree.func, (ast.Attribute, ast.Name)):
        raise ReferenceError(f"cannot tell which operator {call!r} implements: give --against OP")
    fn = tree.func.attr if isinstance(tree.func, ast.Attribute) else tree.func.id
    params = {k.arg: k.value.value for k in tree.keywords if k.arg and isinstance(k.value, ast.Constant)}
    base = fn.removesuffix("_forward").removesuffix("_fwd").strip("_")
    for candidate in (f"aten::{fn}", f"aten::{base}", f"liger::{base}", f"aten::{fn.rstrip('_')}"):
        if candidate in names() or candidate in ALIASES:
            try:
                op = get(candidate, **params)
            except ReferenceError:
                continue
            known = {p.name for p in op.params} | set(op.fixed)
            return op, {k: v for k, v in params.items() if k in known}, {}
    raise ReferenceError(f"no reference operator known for {fn!r}: give --against OP (`tritonlift reference` lists them)")
