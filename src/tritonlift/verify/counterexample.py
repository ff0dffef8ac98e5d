"""Concrete counterexamples: input values where the kernel and a formula give different numbers.

The kernel's value of an output element is its Spec term (what symbolic execution says the
kernel stores) evaluated in float64 with `dsl.evaluate`; the formula's value is the formula
instantiated at the element (binders unrolled), evaluated the same way. A candidate input, whether drawn at random or read off a
z3 model, becomes a `Counterexample` only when both values are finite and differ beyond
floating-point noise: |k − f| > ABS_TOL and |k − f| > REL_TOL·max(|k|, |f|). A z3 model alone
is never enough: math functions are uninterpreted there, so a model may need `exp(0) = 5`.

Inputs are chosen so that they print exactly and mean the same to every consumer: random floats
are multiples of 1/16 (exact in fp16, bf16 and fp32, so the real kernel sees the printed numbers),
values from a z3 model are rounded to the tensor's dtype first, ints lie in the tensor's declared
range, reals (multiples of 1/16 too) satisfy the spec's constraints.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..dsl.evaluate import Env, evaluate
from ..dsl.term import Op, Term, const, size_of, walk
from ..errors import DslError
from ..frontend.concrete import ConcreteLaunch, ConcreteTensor
from ..result import Counterexample, OutputFormula
from ..symex.runner import Spec

ABS_TOL = 1e-9
REL_TOL = 1e-6
FLOAT_DTYPES = ("fp16", "bf16", "fp32", "fp64")

# Term nodes one random search may evaluate (kernel side; the formula side is about as large):
# past a block cap an output element's term holds every element it reduces over, and evaluating
# each of 10^4 elements 15 times took tens of minutes. About two seconds of evaluation.
SEARCH_WORK = 400_000

# Input distributions, tried in this order (the first ones print most readably).
DISTRIBUTIONS = ("small integers", "quarters", "normal", "positive quarters", "positive normal")


@dataclass(frozen=True)
class Inputs:
    tensors: dict[str, np.ndarray]
    reals: dict[str, float]


def differs(k: float | None, f: float | None) -> bool:
    """Both finite and apart beyond floating-point noise."""
    if k is None or f is None or not (math.isfinite(k) and math.isfinite(f)):
        return False
    d = abs(k - f)
    return d > ABS_TOL and d > REL_TOL * max(abs(k), abs(f))


def _score(k: float, f: float) -> float:
    return abs(k - f) / max(abs(k), abs(f), 1e-300)


def input_tensors(conc: ConcreteLaunch) -> dict[str, ConcreteTensor]:
    return {n: t for n, t in conc.tensors.items() if t.direction in ("in", "inout")}


# -- drawing inputs ------------------------------------------------------------------------------

def _floats(dist: str, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    if dist == "small integers":
        return rng.integers(-3, 4, size=shape).astype(np.float64)
    if dist == "quarters":
        return rng.integers(-8, 9, size=shape) / 4.0
    if dist == "positive quarters":
        return rng.integers(1, 9, size=shape) / 4.0
    x = np.clip(np.round(rng.standard_normal(shape) * 16) / 16, -4, 4)
    if dist == "positive normal":
        x = np.maximum(np.abs(x), 1 / 16)
    return x.astype(np.float64)


def _ints(t: ConcreteTensor, dist: str, rng: np.random.Generator) -> np.ndarray:
    try:
        return t.sample_ints(rng, (0, 16) if t.dtype.startswith("uint") else (-8, 8), dist.startswith("positive"))
    except ValueError as e:
        raise DslError(str(e)) from None


def draw(conc: ConcreteLaunch, dist: str, seed: int) -> Inputs | None:
    """Random inputs from distribution `dist`; None when no reals satisfying the spec's
    constraints were found."""
    rng = np.random.default_rng([seed, DISTRIBUTIONS.index(dist) if dist in DISTRIBUTIONS else 99])
    tensors: dict[str, np.ndarray] = {}
    for name, t in input_tensors(conc).items():
        if t.dtype in FLOAT_DTYPES:
            tensors[name] = _floats(dist, t.shape, rng)
        elif t.dtype == "int1":
            tensors[name] = rng.integers(0, 2, size=t.shape).astype(bool)
        else:
            tensors[name] = _ints(t, dist, rng)
    reals = _reals(conc, dist, rng)
    return None if reals is None else Inputs(tensors, reals)


def _reals(conc: ConcreteLaunch, dist: str, rng: np.random.Generator) -> dict[str, float] | None:
    names = list(conc.spec.reals)
    if not names:
        return {}
    for _ in range(300):
        vals = {n: float(_floats(dist, (), rng)) for n in names}
        # a real that is zero or one often hides a difference (a missing scale factor)
        vals = {n: v if v not in (0.0, 1.0) else float(rng.integers(2, 9)) / 4 for n, v in vals.items()}
        if reals_satisfy(conc, vals):
            return vals
    return None


def reals_satisfy(conc: ConcreteLaunch, reals: dict[str, float]) -> bool:
    env = {**conc.env, **reals}
    return all(_holds(c, env) for cs in conc.spec.reals.values() for c in cs)


_ALLOWED = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
            ast.Compare, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq, ast.BinOp, ast.Add,
            ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.Name, ast.Load, ast.Constant)


def _holds(text: str, env: dict[str, Any]) -> bool:
    """A real constraint of the spec (comparisons, and/or/not, arithmetic on names and numbers)
    at `env`; False when it cannot be evaluated."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return False
    if not all(isinstance(n, _ALLOWED) for n in ast.walk(tree)):
        return False
    try:
        return bool(eval(compile(tree, "<constraint>", "eval"), {"__builtins__": {}}, dict(env)))
    except (NameError, ZeroDivisionError, TypeError, OverflowError):
        return False


# -- values of one element -------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """What a counterexample is about: the kernel's Spec at one size and the formula's outputs
    (`ground` caches the formula instantiated per element). Both sides are evaluated on ground
    terms: the formula unrolled at the element, the kernel's term as symbolic execution built it."""

    conc: ConcreteLaunch
    spec: Spec
    outputs: dict[str, OutputFormula]
    calls: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    ground: dict[tuple[str, tuple[int, ...]], Term | None] = field(default_factory=dict, compare=False, repr=False)
    shared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)  # the Instantiator

    def env(self, inputs: Inputs) -> Env:
        symbols: dict[str, Any] = {**self.conc.env, **inputs.reals}
        return Env(dict(inputs.tensors), symbols, {}, dict(self.calls))

    def shared_env(self, inputs: Inputs) -> tuple[Env, dict[int, Any]]:
        """One Env and one evaluation memo per inputs, shared by the elements evaluated on them:
        only for terms that stay alive (the spec's and the `ground` cache's)."""
        got = self.shared.get("inputs")
        if got is None or got[0] is not inputs:
            got = (inputs, self.env(inputs), {})
            self.shared["inputs"] = got
        return got[1], got[2]

    def kernel_value(self, inputs: Inputs, tensor: str, index: tuple[int, ...],
                     undef_value: float | None = None) -> float | None:
        """The kernel's value of the element; `undef_value`: the number an unspecified value in
        it is taken as (else such an element has no value)."""
        term = self.spec.outputs[tensor][index]
        if term is None and self.conc.tensors[tensor].direction == "inout":
            return _number(Term.make(Op.READ, tuple(const(int(i)) for i in index), (tensor,)), self.env(inputs))
        if term is None:
            init = self.conc.tensors[tensor].init
            return None if init is None else float(init)
        if undef_value is not None:
            return _number(fill_undef(term, undef_value), self.env(inputs))
        return _number(term, *self.shared_env(inputs))

    def formula_value(self, inputs: Inputs, tensor: str, index: tuple[int, ...]) -> float | None:
        t = self.formula_term(tensor, index)
        return None if t is None else _number(t, *self.shared_env(inputs))

    def formula_term(self, tensor: str, index: tuple[int, ...]) -> Term | None:
        """The formula instantiated at the element (binders unrolled); None where it has no
        value: a read outside its tensor (numpy would wrap a negative index silently)."""
        from ..synth.instantiate import Instantiator, NotGround, instantiate

        key = (tensor, tuple(index))
        if key not in self.ground:
            o = self.outputs[tensor]
            env = {**self.conc.env, **dict(zip(o.index_vars, index, strict=True))}
            try:
                cache = self.shared.setdefault("instantiator", Instantiator())
                t: Term | None = instantiate(o.body, env, cache=cache)
            except (NotGround, KeyError, DslError):
                t = None
            if t is not None and outside_read(t, self.conc) is not None:
                t = None
            self.ground[key] = t
        return self.ground[key]

    def witness(self, inputs: Inputs, tensor: str, index: tuple[int, ...], found_by: str) -> Counterexample | None:
        """A Counterexample when the values at this element differ on `inputs`, else None."""
        k, f = self.kernel_value(inputs, tensor, index), self.formula_value(inputs, tensor, index)
        if not differs(k, f):
            return None
        assert k is not None and f is not None
        return Counterexample(dict(self.conc.sizes), dict(self.conc.choice), tensor, tuple(int(i) for i in index),
                              {n: a.tolist() for n, a in inputs.tensors.items()}, dict(inputs.reals), k, f,
                              found_by, self.spec.programs, None, self.spec.reversed_order)

    def undefined_witness(self, inputs: Inputs, tensor: str, index: tuple[int, ...]) -> Counterexample | None:
        """For an element whose kernel term holds an unspecified value (a read outside a tensor,
        a masked-out lane without `other=`): the kernel's value with that value taken as 0, then
        as other numbers; a Counterexample when one of them differs from the formula's. Memory
        holding that number is one the kernel may see, so the formula does not describe it."""
        term = self.spec.outputs[tensor][index]
        f = self.formula_value(inputs, tensor, index)
        if term is None or f is None:
            return None
        reasons = sorted({n.attrs[0] for n in walk(term) if n.op is Op.UNDEF})
        for u in UNDEF_VALUES:
            k = _number(fill_undef(term, u), self.env(inputs))
            if differs(k, f):
                assert k is not None
                return Counterexample(dict(self.conc.sizes), dict(self.conc.choice), tensor, tuple(int(i) for i in index),
                                      {n: a.tolist() for n, a in inputs.tensors.items()}, dict(inputs.reals), k, f,
                                      f"the kernel's value depends on an unspecified value ({'; '.join(reasons)}), "
                                      f"here taken as {u:g}", self.spec.programs, u, self.spec.reversed_order)
        return None


def outside_read(t: Term, conc: ConcreteLaunch) -> Term | None:
    """A read of `t` at constant indices outside its tensor's shape, if there is one."""
    for r in walk(t):
        if r.op is not Op.READ:
            continue
        decl = conc.tensors.get(r.attrs[0])
        if decl is None or len(r.args) != len(decl.shape):
            return r
        for i, n in zip(r.args, decl.shape, strict=True):
            if i.op is Op.CONST and not isinstance(i.value, bool) and not 0 <= i.value < n:
                return r
    return None


def _number(t: Term, env: Env, memo: dict[int, Any] | None = None) -> float | None:
    try:
        with np.errstate(all="ignore"):
            v = evaluate(t, env, memo)
        return float(np.asarray(v, dtype=np.float64))
    except (DslError, IndexError, TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None


# -- search ------------------------------------------------------------------------------------------

def random_search(problem: Problem, elements: list[tuple[str, tuple[int, ...]]], seeds: int = 3,
                  dists: tuple[str, ...] = DISTRIBUTIONS) -> Counterexample | None:
    """Inputs from each distribution and seed; the first witness that differs clearly (relative
    difference above 1e-2), else the clearest one found."""
    best: Counterexample | None = None
    elements = thin(problem, elements, seeds * len(dists))
    for seed in range(seeds):
        for dist in dists:
            inputs = draw(problem.conc, dist, seed)
            if inputs is None:
                continue
            for tensor, idx in elements:
                w = problem.witness(inputs, tensor, idx, f"random search ({dist}, seed {seed})")
                if w is None:
                    continue
                assert w.kernel_value is not None
                if best is None or _score(w.kernel_value, w.formula_value) > _score(best.kernel_value or 0.0, best.formula_value):
                    best = w
                if _score(w.kernel_value, w.formula_value) > 1e-2:
                    return best
    return best


def thin(problem: Problem, elements: list[tuple[str, tuple[int, ...]]], rounds: int) -> list[tuple[str, tuple[int, ...]]]:
    """At most as many elements as SEARCH_WORK allows for `rounds` inputs each, judged by the
    largest kernel term among a few: the first two and the last two always (a tail past a block
    cap is at the end), the rest drawn evenly at random (a fixed seed), in their order."""
    if len(elements) <= 8:
        return elements
    probe = [problem.spec.outputs[t][i] for t, i in elements[:2] + elements[-2:]]
    work = max([size_of(t) for t in probe if t is not None] or [1])
    keep = max(8, SEARCH_WORK // (work * max(rounds, 1)))
    if len(elements) <= keep:
        return elements
    rng = np.random.default_rng(0)
    middle = sorted(rng.choice(np.arange(2, len(elements) - 2), size=keep - 4, replace=False).tolist())
    return elements[:2] + [elements[k] for k in middle] + elements[-2:]


def model_search(problem: Problem, tensor: str, index: tuple[int, ...], seeds: int = 2) -> Counterexample | None:
    """Ask z3 for inputs where the kernel's and the formula's ground terms differ (reals fixed
    to sampled values first, so the model only chooses tensor data); validate it numerically."""
    from ..synth.instantiate import instantiate
    from ..synth.smt_equal import smt_model

    kernel_term, formula_term = problem.spec.outputs[tensor][index], problem.formula_term(tensor, index)
    if kernel_term is None or formula_term is None or has_undef(kernel_term):
        return None
    integral = frozenset(n for n, t in input_tensors(problem.conc).items() if t.dtype not in FLOAT_DTYPES)
    for seed in range(seeds):
        base = draw(problem.conc, "quarters", 100 + seed)
        if base is None:
            return None
        a = instantiate(kernel_term, base.reals)
        b = instantiate(formula_term, base.reals)
        model = smt_model(a, b, ranges=problem.spec.ranges, integral=integral)
        if model is None:
            return None
        inputs = _apply_model(problem.conc, base, model)
        w = problem.witness(inputs, tensor, index, "z3 model, checked numerically")
        if w is not None:
            return w
    return None


def _apply_model(conc: ConcreteLaunch, base: Inputs, model: dict[Term, float]) -> Inputs:
    tensors = {n: a.copy() for n, a in base.tensors.items()}
    decls = input_tensors(conc)
    for leaf, v in model.items():
        if leaf.op is not Op.READ or leaf.attrs[0] not in tensors:
            continue
        if not all(i.op is Op.CONST for i in leaf.args) or not math.isfinite(v):
            continue
        idx = tuple(int(i.value) for i in leaf.args)
        arr, dtype = tensors[leaf.attrs[0]], decls[leaf.attrs[0]].dtype
        try:
            if dtype in FLOAT_DTYPES:
                arr[idx] = _round(v, dtype)
            elif dtype == "int1":
                arr[idx] = v != 0
            else:
                arr[idx] = round(v)
        except (IndexError, OverflowError, ValueError):
            continue
    return Inputs(tensors, dict(base.reals))


def _round(v: float, dtype: str) -> float:
    """`v` rounded to the nearest value of `dtype` (the kernel stores the input in it)."""
    if dtype == "fp64":
        return v
    if dtype == "fp16":
        return float(np.float16(v))
    if dtype == "bf16":
        m, e = math.frexp(v)
        return math.ldexp(round(m * 256) / 256, e)
    return float(np.float32(v))


UNDEF_VALUES = (0.0, 1.0, -3.0, 1000.0)  # what an unspecified value is taken as, in this order


def fill_undef(t: Term, value: float) -> Term:
    """`t` with every unspecified value replaced by the constant `value` (iterative)."""
    memo: dict[int, Term] = {}
    for n in walk(t):
        if n.op is Op.UNDEF:
            memo[id(n)] = const(value)
        elif n.args:
            args = tuple(memo[id(a)] for a in n.args)
            memo[id(n)] = n if all(a is b for a, b in zip(args, n.args, strict=True)) else Term.make(n.op, args, n.attrs)
        else:
            memo[id(n)] = n
    return memo[id(t)]


def has_undef(t: Term) -> bool:
    return any(n.op is Op.UNDEF for n in walk(t))
