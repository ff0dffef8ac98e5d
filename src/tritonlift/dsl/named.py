"""Named functions: activations a reader knows by name (`gelu(x)`), each *defined* by a DSL term.

A named function is an `Op.CALL` node whose name is registered here. Unlike an uninterpreted call
(`call('philox0', ...)`), it has a definition over its parameters, so every stage can see through
it: the printer writes `gelu(x)` and the parser reads it back, the evaluator evaluates the
definition, and the solver or a normaliser expands it (`expand_named`). The simplifier introduces
these names only where its rule's left side is the definition (or provably equal to it).

Definitions follow the PyTorch documentation (torch.nn.functional). `gelu_tanh` is PyTorch's
`gelu(x, approximate='tanh')`; its constant √(2/π) is written as the float literal
0.7978845608028654 that the kernels use (an approximation: see simplify/assumptions.py).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .term import Op, Term


@dataclass(frozen=True)
class NamedFunction:
    name: str
    params: tuple[str, ...]  # index-variable-style names used by `definition`
    definition: str  # DSL text over the params
    doc: str  # the textbook definition, as the reference states it
    torch: str  # the PyTorch spelling, for generated reference code: a format string over params


NAMED_FUNCTIONS: dict[str, NamedFunction] = {f.name: f for f in (
    NamedFunction("silu", ("x",), "x * sigmoid(x)", "silu(x) = x·σ(x)  (torch.nn.functional.silu)",
                  "torch.nn.functional.silu({x})"),
    NamedFunction("gelu", ("x",), "0.5 * x * (1 + erf(x / sqrt(2)))",
                  "gelu(x) = x·Φ(x) = ½·x·(1 + erf(x/√2))  (torch.nn.functional.gelu)",
                  "torch.nn.functional.gelu({x})"),
    NamedFunction("gelu_tanh", ("x",), "0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x ** 3)))",
                  "gelu_tanh(x) = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))  "
                  "(torch.nn.functional.gelu(x, approximate='tanh'))",
                  "torch.nn.functional.gelu({x}, approximate='tanh')"),
    NamedFunction("softplus", ("x",), "log(1 + exp(x))", "softplus(x) = log(1 + exp(x))  (torch.nn.functional.softplus)",
                  "torch.nn.functional.softplus({x})"),
    NamedFunction("logsigmoid", ("x",), "-log(1 + exp(-x))",
                  "logsigmoid(x) = log σ(x) = −log(1 + exp(−x))  (torch.nn.functional.logsigmoid)",
                  "torch.nn.functional.logsigmoid({x})"),
)}


def is_named(t: Term) -> bool:
    return t.op is Op.CALL and t.attrs[0] in NAMED_FUNCTIONS


@functools.cache
def definition(name: str) -> Term:
    """The definition of a named function as a Term over its parameter variables (immutable,
    so caching it is safe)."""
    from .printer import parse

    return parse(NAMED_FUNCTIONS[name].definition)


def expand_named(t: Term) -> Term:
    """`t` with every named function replaced by its definition (applied to the arguments)."""
    from . import build
    from .term import BINDERS

    memo: dict[Term, Term] = {}

    def subst(body: Term, env: dict[str, Term]) -> Term:
        if body.op is Op.VAR and body.attrs[0] in env:
            return env[body.attrs[0]]
        if not body.args:
            return body
        args = tuple(subst(a, env) for a in body.args)
        return _rebuild(body, args)

    def node(n: Term, args: tuple[Term, ...]) -> Term:
        if is_named(n):
            f = NAMED_FUNCTIONS[n.attrs[0]]
            return subst(definition(f.name), dict(zip(f.params, args, strict=True)))
        if n.op in BINDERS:
            return build.binder(n.op, n.attrs[0], *args)
        return _rebuild(n, args) if n.args else n

    # iterative post-order: deep terms (a 1024-lane fold) must not hit Python's recursion limit
    stack: list[tuple[Term, bool]] = [(t, False)]
    while stack:
        n, ready = stack.pop()
        if n in memo:
            continue
        if ready:
            memo[n] = node(n, tuple(memo[a] for a in n.args))
            continue
        stack.append((n, True))
        stack.extend((a, False) for a in n.args if a not in memo)
    return memo[t]


def _rebuild(n: Term, args: tuple[Term, ...]) -> Term:
    from . import build
    from .term import BINDERS

    if all(a is b for a, b in zip(args, n.args, strict=True)):
        return n
    if n.op in (Op.READ, Op.CALL) or n.op in BINDERS:
        return Term.make(n.op, args, n.attrs)
    return build.apply(n.op, *args)
