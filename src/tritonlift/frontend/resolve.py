"""A launch's arguments at one autotune configuration, each written over sizes and `[let]` names only.

Host code computes constexprs from constexprs (`TILE_K = BLOCK_K * SPLIT`, `EVEN_K = "K % BLOCK_K
== 0"`); a spec says so by naming another argument of the same launch. The concrete path
(`concrete.instantiate`) evaluates arguments in dependency order; the prover binds each argument on
its own, so it gets the step from `resolve_step`, where every such reference has been replaced by
the referred argument's expression (at the chosen autotune value). `scopes.check_names` has already
refused unknown names and circles, so the substitution terminates.
"""

from __future__ import annotations

import ast
import dataclasses

from ..errors import SpecError, Unsupported
from .intexpr import IntExpr, IntExprError, parse_int_expr
from .launch import JOINT, ArgValue, LaunchSpec, LaunchStep, choice_key


def chosen(step: LaunchStep, choice: dict[str, int]) -> dict[str, ArgValue]:
    """The arguments of `step` with every autotune list replaced by its chosen value."""
    out: dict[str, ArgValue] = {}
    for k, a in step.args.items():
        if a.kind in ("values", JOINT):
            idx = choice.get(choice_key(step.index, k, a), 0)
            if idx < 0 and a.kind == JOINT:
                raise Unsupported("joint autotune configurations are proved one by one")
            if idx < 0:  # bound to a symbol over its whole list (verify/blocks.py): kept as listed,
                out[k] = a  # and arguments naming it keep the name (the prover binds or refuses it)
                continue
            a = a.value[idx]
        out[k] = a
    return out


def resolve_step(spec: LaunchSpec, step: LaunchStep, choice: dict[str, int]) -> LaunchStep:
    """`step` at autotune `choice`, each int argument's expression over sizes and lets only.
    The grid keeps its argument names (the prover binds them from the resolved arguments)."""
    args = chosen(step, choice)
    scalar = {k for k, a in args.items() if a.kind in ("int", "bool")}
    base = set(spec.sizes) | set(spec.lets)
    done: dict[str, ArgValue] = {}

    def resolve(k: str, path: tuple[str, ...]) -> ArgValue:
        if k in done:
            return done[k]
        a = args[k]
        if a.expr is not None and any(args[n].kind == "values" for n in a.expr.names & set(args) - base):
            # a listed parameter bound to its symbol (all configurations at once, verify/blocks.py):
            # the caller falls back to one proof per configuration, where it is a number
            raise Unsupported(f"argument {k} is computed from an autotuned one: proved per configuration")
        if a.expr is None or not (a.expr.names & scalar) - base:
            done[k] = a
            return a
        if k in path:  # refused by scopes.check_names; kept as a located error for safety
            raise SpecError(f"arguments {' -> '.join((*path, k))} refer to each other in a circle")
        subst = {n: resolve(n, (*path, k)) for n in a.expr.names & scalar if n not in base}
        done[k] = dataclasses.replace(a, expr=_substitute(spec, step, k, a.expr, subst))
        return done[k]

    for k in args:
        resolve(k, ())
    return dataclasses.replace(step, args=done)


def _substitute(spec: LaunchSpec, step: LaunchStep, key: str, e: IntExpr, subst: dict[str, ArgValue]) -> IntExpr:
    class Sub(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            a = subst.get(node.id)
            if a is None:
                return node
            if a.kind == "bool":
                return ast.Constant(bool(a.value))
            assert a.expr is not None
            return a.expr.tree.body

    tree = Sub().visit(ast.parse(e.text, mode="eval"))
    text = ast.unparse(tree)
    try:
        return parse_int_expr(text, allow_bool=True)
    except IntExprError as ex:
        multi = len(spec.steps) > 1 or "[[launch]]" in spec.source_text
        where = ("launch", step.index, "args", key) if multi else ("args", key)
        raise SpecError(f"argument {key} = {e.text!r} with its arguments substituted: {ex}",
                        spec.loc(*where)) from None
