"""Numbers for a reference instance: sizes, random inputs in each tensor's domain, the equations
evaluated with the DSL's evaluator (float64), and the PyTorch operator run on the same inputs.

    values = evaluate_instance(inst, inputs, sizes)   # {output: np.ndarray}
    want = torch_outputs(inst, inputs)                 # the same, from torch itself
    compare(values, want)                              # None, or where they differ

Tooling for tests and the sweep's replay: torch is imported inside functions only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dsl.evaluate import Env, evaluate
from ..errors import DslError
from .expand import Instance
from .model import Arg

BATCH_SIZES = (3, 2, 2, 2)
DEFAULT_AXIS = 5
RTOL = 1e-7
ATOL = 1e-9


def sizes_for(inst: Instance, given: dict[str, int] | None = None) -> dict[str, int]:
    """A value for every size symbol of the instance: batch dims 3, 2, ...; a named axis its
    `op.sizes` value or 5 (each dim of a multi-dim axis the same)."""
    out: dict[str, int] = {}
    for name in inst.size_symbols():
        if given and name in given:
            out[name] = given[name]
        elif name.startswith("B") and name[1:].isdigit():
            out[name] = BATCH_SIZES[int(name[1:]) % len(BATCH_SIZES)]
        else:
            base = name.rstrip("0123456789") if name not in inst.op.sizes else name
            out[name] = inst.op.sizes.get(name, inst.op.sizes.get(base, DEFAULT_AXIS))
    return out


def shape_of(inst: Instance, tensor: str, sizes: dict[str, int]) -> tuple[int, ...]:
    return tuple(int(evaluate(d, Env(symbols=sizes))) for d in inst.shapes[tensor])


def draw_inputs(inst: Instance, sizes: dict[str, int], seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {a.name: _draw(a, shape_of(inst, a.name, sizes), sizes, inst.params, rng) for a in inst.op.inputs}


def _draw(a: Arg, shape: tuple[int, ...], sizes: dict[str, int], params: dict[str, Any],
          rng: np.random.Generator) -> np.ndarray:
    dom = a.domain
    if a.dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if dom.startswith("index:"):
        parts = dom.split(":")
        hi = sizes[parts[1]] if parts[1] in sizes else int(parts[1])
        x = rng.integers(0, hi, shape).astype(np.int64)
        if len(parts) > 2 and x.size > 1:  # one entry is the ignored class
            x.reshape(-1)[1] = int(params[parts[2]])
        return x
    if dom == "small":
        return rng.integers(-8, 8, shape).astype(np.int64)
    if dom == "bits":
        return rng.integers(0, 64, shape).astype(np.int64)
    if dom == "distinct":
        return rng.permutation(int(np.prod(shape))).reshape(shape).astype(np.float64) / 7 - 1
    if dom == "positive":
        x = rng.uniform(0.2, 3.0, shape)
    elif dom == "nonzero":
        x = rng.uniform(0.3, 2.5, shape) * rng.choice([-1.0, 1.0], shape)
    elif dom == "unit":
        x = rng.uniform(0.05, 0.95, shape)
    elif dom == "open":
        x = rng.uniform(-0.9, 0.9, shape)
    elif dom == "logprob":  # rows of log-probabilities along the last dim
        z = rng.normal(size=shape)
        x = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    elif dom == "prob":
        z = rng.uniform(0.1, 1.0, shape)
        x = z / z.sum(axis=-1, keepdims=True)
    else:
        x = rng.normal(size=shape)
    if a.dtype == "int":
        return np.rint(x * 4).astype(np.int64)
    return x.astype(np.float64)


def evaluate_instance(inst: Instance, inputs: dict[str, np.ndarray], sizes: dict[str, int]) -> dict[str, np.ndarray]:
    """Every output of the instance, element by element, from its equation (float64). A read
    outside a tensor in a branch `where` does not take is fine (evaluated per element then)."""
    out: dict[str, np.ndarray] = {}
    for eq in inst.equations:
        shape = shape_of(inst, eq.tensor, sizes)
        grid = np.indices(shape, dtype=np.int64) if shape else []
        env = Env(dict(inputs), dict(sizes), {v: grid[n] for n, v in enumerate(eq.index_vars)})
        try:
            value = np.broadcast_to(np.asarray(evaluate(eq.body, env)), shape).copy()
        except DslError:
            value = np.empty(shape, dtype=object)
            for idx in np.ndindex(*shape):
                e = Env(dict(inputs), dict(sizes), {v: int(i) for v, i in zip(eq.index_vars, idx, strict=True)})
                value[idx] = evaluate(eq.body, e)
            value = value.astype(np.float64)
        out[eq.tensor] = value
    return out


def torch_outputs(inst: Instance, inputs: dict[str, np.ndarray], sizes: dict[str, int] | None = None) -> dict[str, np.ndarray]:
    """The PyTorch operator on the same inputs (float64), its results named like the outputs."""
    import torch
    import torch.nn.functional as F

    from . import torch_refs

    ns: dict[str, Any] = {"torch": torch, "F": F, "math": __import__("math"), "ref": torch_refs}
    ns.update(sizes or {})
    ns.update({k: v for k, v in inst.params.items()})
    ns.update({k: torch.from_numpy(np.array(v)) for k, v in inputs.items()})
    result = eval(inst.op.torch, {"__builtins__": __builtins__}, ns)  # noqa: S307 - the table's own text
    values = list(result) if isinstance(result, (tuple, list)) else [result]
    named = [a.name for a in inst.op.outputs]
    out: dict[str, np.ndarray] = {}
    for name, v in zip(named, values, strict=False):
        t = v if isinstance(v, torch.Tensor) else torch.tensor(v)
        out[name] = t.detach().to(torch.float64).numpy() if t.dtype != torch.bool else t.numpy()
    return out


def compare(got: dict[str, np.ndarray], want: dict[str, np.ndarray], rtol: float = RTOL,
            atol: float = ATOL) -> str | None:
    """None when every output torch gives matches; else the first difference, in words."""
    for name, w in want.items():
        if name not in got:
            continue
        g = got[name]
        if g.shape != w.shape:
            return f"{name}: shape {g.shape} from the formula, {w.shape} from torch"
        gf, wf = g.astype(np.float64), w.astype(np.float64)
        bad = ~np.isclose(gf, wf, rtol=rtol, atol=atol, equal_nan=True)
        if bad.any():
            idx = tuple(int(i) for i in np.argwhere(bad)[0])
            return f"{name}{list(idx)}: formula {gf[idx]!r}, torch {wf[idx]!r}"
    return None
