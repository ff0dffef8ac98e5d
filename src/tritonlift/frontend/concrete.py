"""A launch spec instantiated at concrete sizes: the input of symbolic execution and of the
differential tests that run the real kernel under the Triton interpreter.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ..errors import SpecError
from .intexpr import IntExprError
from .launch import CONFIGS_KEY, JOINT, ArgValue, LaunchSpec, LaunchStep, choice_key


class ConstraintViolation(SpecError):
    """The sizes violate a constraint of the spec: these sizes are not admissible (the spec is fine)."""


class SizeEvalError(SpecError):
    """An expression cannot be evaluated at these sizes (division by zero, an inexact log2, a
    negative extent, a value out of range): a problem of the spec at these sizes."""


@dataclass(frozen=True)
class ConcreteTensor:
    name: str
    direction: str
    dtype: str
    shape: tuple[int, ...]
    strides: tuple[int, ...]
    value_range: tuple[int, int] | None  # every value lies in [lo, hi) (with `also`: their hull)
    init: float | int | None = None
    draw_range: tuple[int, int] | None = None  # with `also`: the range the spec states
    also: tuple[int, ...] = ()
    distinct: bool = False

    def sample_ints(self, rng: Any, default: tuple[int, int], positive: bool = False) -> Any:
        """Integer data satisfying the spec: in range (or one of `also`, about one element in four),
        pairwise distinct when said so. Raises ValueError for an empty range."""
        import numpy as np

        lo, hi = self.draw_range or self.value_range or default
        if positive:
            lo = max(lo, min(1, hi - 1))
        if hi <= lo:
            raise ValueError(f"tensor {self.name}: empty value range [{lo}, {hi})")
        if self.distinct:
            return rng.permutation(np.arange(lo, hi, dtype=np.int64))[:math.prod(self.shape)].reshape(self.shape)
        out = rng.integers(lo, hi, size=self.shape, dtype=np.int64)
        if self.also:
            pick = rng.integers(0, 4, size=self.shape) == 0
            out = np.where(pick, rng.choice(np.array(self.also, dtype=np.int64), size=self.shape), out)
        return out

    @property
    def storage_size(self) -> int:
        """Elements of the underlying storage (largest offset + 1)."""
        if any(s == 0 for s in self.shape):
            return 0
        return 1 + sum((n - 1) * st for n, st in zip(self.shape, self.strides, strict=True))

    @property
    def contiguous(self) -> bool:
        return self.strides == contiguous_strides(self.shape)


@dataclass(frozen=True)
class TensorPtr:
    tensor: str
    offset: int


@dataclass(frozen=True)
class RealSym:
    name: str


@dataclass(frozen=True)
class DType:
    name: str


@dataclass(frozen=True)
class ConcreteStep:
    kernel: str
    grid: tuple[int, int, int]
    args: dict[str, Any]  # TensorPtr | int | float | bool | str | None | RealSym | DType
    elementwise: bool
    outputs: tuple[str, ...]
    index: int


@dataclass(frozen=True)
class ConcreteLaunch:
    spec: LaunchSpec
    sizes: dict[str, int]
    env: dict[str, int]  # sizes and [let] values
    tensors: dict[str, ConcreteTensor]
    steps: tuple[ConcreteStep, ...]
    choice: dict[str, int]  # autotune choice: (step.param) -> index into the values list


def contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    out, acc = [], 1
    for n in reversed(shape):
        out.append(acc)
        acc *= max(n, 1)
    return tuple(reversed(out))


def default_choice(spec: LaunchSpec) -> dict[str, int]:
    """The autotune configuration executed when none is asked for: each listed constexpr at its
    smallest value (blocks as small as the host allows: cheap to execute, and loops over blocks
    run most often at small sizes). Every configuration is still proved."""
    out: dict[str, int] = {}
    for s in spec.steps:
        joint = [a for a in s.args.values() if a.kind == JOINT]
        if joint:  # the configuration whose values, parameter by parameter, are least
            rows = [tuple(_literal_int(a.value[i]) for a in joint) for i in range(len(joint[0].value))]
            known = [(r, i) for i, r in enumerate(rows) if all(isinstance(x, int) for x in r)]
            out[f"{s.index}.{CONFIGS_KEY}"] = min(known)[1] if len(known) == len(rows) else 0
        for k, a in s.args.items():
            if a.kind != "values":
                continue
            ints = [(v.value if v.kind in ("bool",) else _literal_int(v), i) for i, v in enumerate(a.value)]
            known = [(x, i) for x, i in ints if isinstance(x, int)]
            out[f"{s.index}.{k}"] = min(known)[1] if len(known) == len(ints) else 0
    return out


def _literal_int(v: Any) -> int | None:
    if v.kind != "int" or v.expr is None or v.expr.names:
        return None
    try:
        x = v.expr.eval({})
    except Exception:  # noqa: BLE001 - not a literal: no preference
        return None
    return x if isinstance(x, int) and not isinstance(x, bool) else None


def autotune_params(spec: LaunchSpec) -> dict[str, int]:
    """`"<step>.<param>"` -> number of listed values, for every autotuned constexpr."""
    return {choice_key(s.index, k, a): len(a.value) for s in spec.steps for k, a in s.args.items()
            if a.kind in ("values", JOINT)}


def instantiate(spec: LaunchSpec, sizes: dict[str, int], choice: dict[str, int] | None = None) -> ConcreteLaunch:
    """Evaluate every expression of `spec` at `sizes`; check the constraints. Raises SpecError."""
    choice = {**default_choice(spec), **(choice or {})}
    for name in sizes:
        if name not in spec.sizes:
            raise SpecError(f"{name} is not a size symbol of this launch spec (sizes: {', '.join(spec.sizes) or 'none'})", spec.loc("sizes"))
    for name in spec.sizes:
        if name not in sizes:
            raise SpecError(f"no value given for size {name}", spec.loc("sizes", name))
    env: dict[str, Any] = dict(sizes)
    for name, v in sizes.items():
        if not isinstance(v, int) or isinstance(v, bool):
            raise SpecError(f"size {name} must be an integer, got {v!r}", spec.loc("sizes", name))
        lower_given = any(re.search(rf"\b{name}\s*>", c.text) or re.search(rf"[<]=?\s*{name}\b", c.text)
                          for c in spec.sizes.get(name, ()))
        if v < 1 and not lower_given:
            raise ConstraintViolation(f"size {name}={v} must be >= 1", spec.loc("sizes", name))
    for name, e in spec.lets.items():
        try:
            env[name] = e.eval(env)
        except IntExprError as ex:
            raise SizeEvalError(f"[let] {name} at {_fmt(sizes)}: {ex}", spec.loc("let", name)) from None
    for name, cs in spec.sizes.items():
        for c in cs:
            if not _holds(c, env, spec, ("sizes", name), sizes):
                raise ConstraintViolation(f"sizes {_fmt(sizes)} violate the constraint {c.text}", spec.loc("sizes", name))
    for c in spec.constraints:
        if not _holds(c, env, spec, ("constraints",), sizes):
            raise ConstraintViolation(f"sizes {_fmt(sizes)} violate the constraint {c.text}", spec.loc("constraints"))
    tensors: dict[str, ConcreteTensor] = {}
    for name, d in spec.tensors.items():
        try:
            shape = tuple(int(e.eval(env)) for e in d.shape)
            strides = tuple(int(e.eval(env)) for e in d.strides) if d.strides else contiguous_strides(shape)
            rng = (int(d.value_range[0].eval(env)), int(d.value_range[1].eval(env))) if d.value_range else None
            also = tuple(int(a.eval(env)) for a in d.also)
        except IntExprError as ex:
            raise SizeEvalError(f"tensor {name} at {_fmt(sizes)}: {ex}", spec.loc("tensors", name)) from None
        if any(n < 0 for n in shape):
            raise SizeEvalError(f"tensor {name} at {_fmt(sizes)}: negative extent in shape {shape}",
                                spec.loc("tensors", name))
        if d.distinct and rng is not None and rng[1] - rng[0] < math.prod(shape):
            raise ConstraintViolation(f"tensor {name} at {_fmt(sizes)}: {math.prod(shape)} distinct values do not "
                                      f"fit in [{rng[0]}, {rng[1]})", spec.loc("tensors", name))
        hull = (min(rng[0], *also), max(rng[1], *(a + 1 for a in also))) if rng is not None and also else rng
        tensors[name] = ConcreteTensor(name, d.direction, d.dtype, shape, strides, hull, d.init,
                                       rng if also else None, also, d.distinct)
    steps = tuple(_step(spec, s, env, choice) for s in spec.steps)
    return ConcreteLaunch(spec, dict(sizes), {k: v for k, v in env.items()}, tensors, steps, choice)


def _fmt(sizes: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sizes.items()) or "(no sizes)"


def spec_sizes(env: dict[str, Any], spec: LaunchSpec) -> dict[str, int]:
    return {k: env[k] for k in spec.sizes if k in env}


def _holds(c, env, spec, key, sizes) -> bool:
    try:
        return bool(c.eval(env))
    except IntExprError as ex:
        raise SizeEvalError(f"constraint at {_fmt(sizes)}: {ex}", spec.loc(*key)) from None


def _step(spec: LaunchSpec, step: LaunchStep, env: dict[str, Any], choice: dict[str, int]) -> ConcreteStep:
    base: tuple[str | int, ...] = (("launch", step.index) if len(spec.steps) > 1 or "[[launch]]" in spec.source_text
                                   else ())
    local = dict(env)
    out: dict[str, Any] = {}
    pending = dict(step.args)
    # Int args may refer to each other (and grids to args): resolve in dependency order.
    for _ in range(len(pending) + 1):
        progress = False
        for k, a in list(pending.items()):
            if a.kind in ("values", JOINT):
                idx = choice.setdefault(choice_key(step.index, k, a), 0)
                if not 0 <= idx < len(a.value):
                    raise SpecError(f"autotune choice {idx} out of range for {k}", spec.loc(*base, "args", k))
                a = a.value[idx]
            try:
                v = _value(a, local)
            except _NotYet:
                continue
            except IntExprError as ex:
                raise SizeEvalError(f"argument {k} at {_fmt(spec_sizes(env, spec))}: {ex}",
                                    spec.loc(*base, "args", k)) from None
            out[k] = v
            if isinstance(v, (int, bool)):
                local[k] = v
            del pending[k]
            progress = True
        if not pending or not progress:
            break
    if pending:
        k = next(iter(pending))
        raise SpecError(f"cannot evaluate argument {k}: it mentions an unknown name", spec.loc(*base, "args", k))
    try:
        grid = tuple(int(g.eval(local)) for g in step.grid)
    except IntExprError as ex:
        raise SizeEvalError(f"grid at {_fmt(spec_sizes(env, spec))}: {ex}", spec.loc(*base, "grid")) from None
    grid3 = (grid + (1, 1, 1))[:3] if grid else (1, 1, 1)
    if any(g < 1 for g in grid3):
        raise SizeEvalError(f"grid {grid3} at {_fmt(spec_sizes(env, spec))} has an empty dimension",
                            spec.loc(*base, "grid"))
    return ConcreteStep(step.kernel, grid3, out, step.elementwise, step.outputs, step.index)


class _NotYet(Exception):
    pass


def _value(a: ArgValue, env: dict[str, Any]) -> Any:
    if a.kind == "tensor":
        assert a.expr is not None
        if not a.expr.names <= env.keys():
            raise _NotYet
        return TensorPtr(a.name, int(a.expr.eval(env)))
    if a.kind == "int":
        assert a.expr is not None
        if not a.expr.names <= env.keys():
            raise _NotYet
        return a.expr.eval(env)
    if a.kind == "real":
        return RealSym(a.name)
    if a.kind == "none":
        return None
    if a.kind == "dtype":
        return DType(a.value)
    return a.value  # float, bool, str
