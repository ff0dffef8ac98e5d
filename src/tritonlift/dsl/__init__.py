"""The formula DSL: hash-consed Terms, folding constructors, text printer/parser, evaluator."""

from .build import apply, binder, call
from .evaluate import Env, evaluate
from .printer import parse, to_text
from .term import Op, Term, as_term, const, free_vars, read, size_of, sym, undef, var, walk

__all__ = [
    "Env", "Op", "Term", "apply", "as_term", "binder", "call", "const", "evaluate", "free_vars",
    "parse", "read", "size_of", "sym", "to_text", "undef", "var", "walk",
]
