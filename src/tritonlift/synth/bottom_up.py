"""Bottom-up enumeration: small terms from the grammar of what the kernel uses, deduplicated by
observational equivalence on random inputs, pruned by the target's values.

Leaves are the tensors the spec reads, indexed by permutations of the output index variables and
one bound variable, the real symbols, and the literals the kernel uses; operators are those
occurring in the spec terms; binders Σ/max/min run over [0, S) for a size symbol S. A candidate
whose values match the target on every evaluation point is yielded; the caller checks it
exactly. This is also the baseline of the evaluation (`--strategy bottom-up`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from itertools import product
from typing import Any

import numpy as np

from ..dsl import build
from ..dsl.evaluate import Env, evaluate
from ..dsl.term import Op, Term, const, read, sym, var, walk
from ..errors import DslError

MAX_SIZE = 6
BUDGET_TERMS = 6000  # closed terms evaluated: the search is deterministic, not clock-bound
BUDGET_SECONDS = 60.0  # a safety net only (never reached on the corpus)
UNARY = (Op.EXP, Op.EXP2, Op.LOG, Op.LOG2, Op.SQRT, Op.RSQRT, Op.TANH, Op.ERF, Op.SIGMOID, Op.ABS, Op.NEG,
         Op.SIN, Op.COS)
BINARY = (Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.MAX, Op.MIN, Op.POW)
BINDER_OF = {Op.ADD: Op.SUM, Op.MAX: Op.MAXR, Op.MIN: Op.MINR, Op.MUL: Op.PROD}
BINDER_OPS = frozenset(BINDER_OF.values()) | {Op.ARGMAX, Op.ARGMIN}


class _Points:
    """Evaluation points: (env, target value) for a few samples, random data per size."""

    def __init__(self, samples: list, index_vars: tuple[str, ...], seed: int = 0):
        rng = np.random.default_rng(seed)
        shapes: dict[tuple, dict[str, list[int]]] = {}
        for s in samples:
            key = tuple(sorted(s.sizes.items()))
            tmap = shapes.setdefault(key, {})
            for n in walk(s.term):
                if n.op is Op.READ and all(a.op is Op.CONST for a in n.args):
                    idx = [int(a.value) for a in n.args]
                    cur = tmap.setdefault(n.attrs[0], [0] * len(idx))
                    tmap[n.attrs[0]] = [max(c, i + 1) for c, i in zip(cur, idx, strict=False)]
        self.envs: list[Env] = []
        self.targets: list[float] = []
        self.reals: set[str] = set()
        for s in samples:
            for n in walk(s.term):
                if n.op is Op.SYM and n.attrs[1] == "real":
                    self.reals.add(n.attrs[0])
        data = {k: {t: rng.normal(size=[d + 2 for d in dims]) for t, dims in m.items()} for k, m in shapes.items()}
        reals = {r: float(rng.uniform(0.5, 1.5)) for r in self.reals}
        picked = samples if len(samples) <= 8 else [samples[i] for i in np.linspace(0, len(samples) - 1, 8).astype(int)]
        for s in picked:
            key = tuple(sorted(s.sizes.items()))
            env = Env(tensors=data[key], symbols={**s.sizes, **reals}, vars=dict(zip(index_vars, s.index, strict=True)))
            try:
                v = float(evaluate(s.term, env))
            except (DslError, TypeError, ValueError):
                continue
            self.envs.append(env)
            self.targets.append(v)
        self.tensors = {t: len(d) for m in shapes.values() for t, d in m.items()}

    def values(self, t: Term) -> tuple | None:
        out = []
        for env in self.envs:
            try:
                with np.errstate(all="ignore"):
                    v = float(evaluate(t, env))
            except (DslError, TypeError, ValueError, IndexError, OverflowError):
                return None
            if not np.isfinite(v):
                return None
            out.append(round(v, 9))
        return tuple(out)


def _ops_in(samples: list) -> set[Op]:
    ops: set[Op] = set()
    for s in samples[:4]:
        ops |= {n.op for n in walk(s.term)}
    return ops


def _literals(samples: list) -> list[Term]:
    lits: set[Any] = set()
    for s in samples[:4]:
        for n in walk(s.term):
            if n.op is Op.CONST and isinstance(n.value, float) and np.isfinite(n.value):
                lits.add(n.value)
    return [const(v) for v in sorted(lits)][:6]


def enumerate_body(samples: list, index_vars: tuple[str, ...], size_names: list[str],
                   max_size: int = MAX_SIZE, budget: float = BUDGET_SECONDS,
                   atoms: tuple[Term, ...] = ()) -> Iterator[Term]:
    """Candidates in order of size. `atoms` are bodies of the kernel's other outputs (already
    lifted), usable as leaves; a term matching the target up to a factor that depends on the
    sizes only is yielded scaled by that factor, fitted as 1/(affine in the sizes)."""
    pts = _Points(samples, index_vars)
    if not pts.envs:
        return
    target = tuple(round(v, 9) for v in pts.targets)
    # a bound variable no atom binds or mentions (no shadowing in what we print)
    taken = {n.attrs[0] for a in atoms for n in walk(a) if n.op is Op.VAR or n.op in BINDER_OPS}
    bound = next(c for c in "klmnpqrstuvw" if c not in taken and c not in index_vars)
    deadline = time.monotonic() + budget
    counter = [0]  # closed terms evaluated so far
    ops = _ops_in(samples)
    unary = [o for o in UNARY if o in ops or (o is Op.NEG and Op.SUB in ops)]
    binary = [o for o in BINARY if o in ops]
    binders = [BINDER_OF[o] for o in (Op.ADD, Op.MAX, Op.MIN, Op.MUL) if o in ops]
    free_names = list(index_vars)
    closed: dict[int, list[Term]] = {1: []}
    opened: dict[int, list[Term]] = {1: []}  # terms mentioning the bound variable
    seen: set[tuple] = set()

    def consider(t: Term, size: int, is_open: bool) -> Iterator[Term]:
        if is_open:
            opened.setdefault(size, []).append(t)
            return
        counter[0] += 1
        v = pts.values(t)
        if v is None or v in seen:
            return
        seen.add(v)
        closed.setdefault(size, []).append(t)
        if v == target:
            yield t
        else:
            scaled = _scaled(t, v, pts, size_names)
            if scaled is not None:
                yield scaled

    for name, rank in pts.tensors.items():
        for combo in product([*free_names, bound], repeat=rank):
            if len(set(combo)) < len(combo):
                continue
            t = read(name, *(var(c) for c in combo))
            yield from consider(t, 1, bound in combo)
    for r in sorted(pts.reals):
        yield from consider(sym(r, "real"), 1, False)
    for a in atoms:
        yield from consider(a, 1, False)
    for lit in _literals(samples):
        yield from consider(lit, 1, False)
    for size in range(2, max_size + 1):
        if time.monotonic() > deadline or counter[0] > BUDGET_TERMS:
            return
        for o in unary:
            for t in closed.get(size - 1, []):
                yield from consider(build.apply(o, t), size, False)
            for t in opened.get(size - 1, []):
                yield from consider(build.apply(o, t), size, True)
        if Op.MUL in ops:  # t·t counted as one node more than t (squares are common)
            for t in closed.get(size - 1, []):
                yield from consider(build.mul(t, t), size, False)
            for t in opened.get(size - 1, []):
                yield from consider(build.mul(t, t), size, True)
        for o in binary:
            for ls in range(1, size - 1):
                rs = size - 1 - ls
                for (lpool, lo_), (rpool, ro_) in product(((closed, False), (opened, True)), repeat=2):
                    for a in lpool.get(ls, []):
                        for b in rpool.get(rs, []):
                            if time.monotonic() > deadline or counter[0] > BUDGET_TERMS:
                                return
                            yield from consider(build.apply(o, a, b), size, lo_ or ro_)
        for bop in binders:
            for body in opened.get(size - 1, []):
                for s in size_names:
                    yield from consider(build.binder(bop, bound, 0, sym(s), body), size, False)


def _scaled(t: Term, values: tuple, pts: _Points, size_names: list[str]) -> Term | None:
    """t·c(sizes) when target / t is one constant per size and c = 1/(affine in the sizes)."""
    from .fit import fit_affine

    ratio: dict[tuple, float] = {}
    for env, v, want in zip(pts.envs, values, pts.targets, strict=True):
        if v == 0:
            return None
        key = tuple(env.symbols[n] for n in size_names)
        r = want / v
        if key in ratio and abs(ratio[key] - r) > 1e-9 * max(1.0, abs(r)):
            return None
        ratio[key] = r
    if len(ratio) < 2 or any(abs(r) < 1e-12 for r in ratio.values()):
        return None
    recips = []
    for r in ratio.values():
        q = 1.0 / r
        if abs(q - round(q)) > 1e-6 * max(1.0, abs(q)):
            return None
        recips.append(int(round(q)))
    keys = list(ratio)
    feats = {n: [k[i] for k in keys] for i, n in enumerate(size_names)}
    feats = {n: vals for n, vals in feats.items() if len(set(vals)) > 1}
    denom = fit_affine(recips, feats, True)
    if denom is None or denom.op is Op.CONST:
        return None
    return build.div(t, denom)
