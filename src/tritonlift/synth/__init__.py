"""Synthesis: from the Specs at several sizes, one formula per output tensor, with size symbols,
that reproduces every Spec exactly (checked symbolically by the one equality decider, equal/).

Strategies (`--strategy`): `top-down` folds each element's term into binders and generalises
the folded terms across elements and sizes; `bottom-up` enumerates small terms from the ops the
kernel uses; `both` tries top-down first and fills what it cannot explain bottom-up.
"""

from __future__ import annotations

from ..dsl.printer import to_text
from ..dsl.term import Op, Term, free_vars, walk
from ..equal.decide import Decider
from ..equal.normal import Normalizer
from ..result import Formula, OutputFormula
from ..symex.runner import Spec
from .bottom_up import enumerate_body
from .fit import Sample, generalise
from .fold import Folder, Shapes
from .instantiate import NotGround, instantiate

INDEX_NAMES = ("i", "j", "h", "g", "f")


class SynthFailure(Exception):
    """No formula: the reason says which output and why."""


class Checker(Decider):
    """The one equality decider (equal/decide.py) in synthesis's configuration: normal forms,
    then the solver (`canon=False`: the candidates are compared with the kernel's own values)."""

    def __init__(self, norm: Normalizer | None = None, canon: bool = False, **kw) -> None:
        super().__init__(norm or Normalizer(), canon, **kw)


def check_output(body: Term, tensor: str, index_vars: tuple[str, ...], specs: list[Spec],
                 checker: Checker) -> str | None:
    """None when `body` reproduces `tensor` in every spec; else the first mismatch, described."""
    for spec in specs:
        arr = spec.outputs[tensor]
        for idx in _indices(arr.shape):
            want = arr[idx]
            where = f"{tensor}[{', '.join(map(str, idx))}] at {_fmt(spec.sizes)}"
            if want is None:
                return f"{where} is not written by the kernel"
            env = dict(spec.sizes)
            env.update(zip(index_vars, idx, strict=True))
            try:
                got = instantiate(body, env)
            except (NotGround, KeyError) as e:
                return f"{where}: the candidate cannot be instantiated ({e})"
            if not checker.equal(got, want, spec.ranges):
                return f"{where}: candidate gives {_short(got)}, kernel computes {_short(want)}"
    return None


def _indices(shape: tuple[int, ...]):
    import numpy as np

    return list(np.ndindex(shape)) if shape else [()]


def _fmt(sizes: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sizes.items())


def _short(t: Term, n: int = 160) -> str:
    s = to_text(t)
    return s if len(s) <= n else s[: n - 3] + "..."


def _has_undef(t: Term) -> bool:
    return any(n.op is Op.UNDEF for n in walk(t))


def synthesize_output(tensor: str, specs: list[Spec], size_names: list[str], strategy: str,
                      checker: Checker, atoms: tuple[Term, ...] = ()) -> OutputFormula:
    rank = len(specs[0].shapes[tensor])
    index_vars = INDEX_NAMES[:rank]
    samples: list[Sample] = []
    for spec in specs:
        arr = spec.outputs[tensor]
        for idx in _indices(arr.shape):
            t = arr[idx]
            if t is None:
                raise SynthFailure(f"{tensor}[{', '.join(map(str, idx))}] at {_fmt(spec.sizes)} is not written by the kernel")
            if _has_undef(t):
                u = next(n for n in walk(t) if n.op is Op.UNDEF)
                raise SynthFailure(f"{tensor}[{', '.join(map(str, idx))}] at {_fmt(spec.sizes)} depends on an "
                                   f"unspecified value ({u.attrs[0]})")
            samples.append(Sample(t, idx, spec.sizes))
    reasons: list[str] = []
    if strategy in ("top-down", "both"):
        tried: set[Term] = set()
        last = "the element terms share no template with affine index structure"
        for body in _top_down_candidates(samples, index_vars, size_names, checker):
            if body in tried:
                continue
            tried.add(body)
            bad = check_output(body, tensor, index_vars, specs, checker)
            if bad is None:
                return OutputFormula(tensor, index_vars, body)
            last = f"candidate {_short(body, 200)} rejected: {bad}"
        reasons.append(f"top-down: {last}")
    if strategy in ("bottom-up", "both"):
        for body in enumerate_body(samples, index_vars, size_names, atoms=atoms):
            if check_output(body, tensor, index_vars, specs, checker) is None:
                return OutputFormula(tensor, index_vars, body)
        reasons.append("bottom-up: no enumerated term up to the size bound matches")
    raise SynthFailure(f"{tensor}: " + "; ".join(reasons))


def _top_down_candidates(samples: list[Sample], index_vars: tuple[str, ...], size_names: list[str],
                         checker: Checker):
    """Candidates in order: structural folding of the terms as the kernel built them; the same on
    their normal forms (rescaled online sums, Welford updates and nested maxima flatten there);
    argmin in place of argmax; a split on one index variable when two templates remain."""
    variants = [("as built", samples)]
    normal = [Sample(checker.norm.term(s.term), s.index, s.sizes) for s in samples]
    variants.append(("normalised", normal))
    for _, group in variants:
        for arg_op in (Op.ARGMAX, Op.ARGMIN):
            clusters = _clusters(group, arg_op)
            for cluster in clusters:
                body = generalise(cluster, index_vars, size_names)
                if body is not None and free_vars(body) <= set(index_vars):
                    yield body
            if len(clusters) >= 2:
                split = _split(clusters[0], clusters[1], index_vars, size_names)
                if split is not None:
                    yield split
            if not any(n.op is Op.ARGMAX for c in clusters for s in c[:1] for n in walk(s.term)):
                break


def _clusters(samples: list[Sample], arg_op: Op) -> list[list[Sample]]:
    folder = Folder(arg_op)
    folded = [Sample(folder.fold(s.term), s.index, s.sizes) for s in samples]
    shape = Shapes(all_numbers=True)
    clusters: dict[int, list[Sample]] = {}
    for s in folded:
        clusters.setdefault(shape(s.term), []).append(s)

    def rank(c: list[Sample]) -> tuple[int, int]:
        return (max(sum(s.sizes.values()) for s in c), len(c))

    return sorted(clusters.values(), key=rank, reverse=True)


def _split(a: list[Sample], b: list[Sample], index_vars: tuple[str, ...], size_names: list[str]) -> Term | None:
    """where(v < t, A, B) when clusters a and b are separated along one index variable v by a
    threshold t affine in the sizes."""
    from ..dsl import build
    from ..dsl.term import var
    from .fit import fit_affine

    body_a = generalise(a, index_vars, size_names)
    body_b = generalise(b, index_vars, size_names)
    if body_a is None or body_b is None:
        return None
    for d, v in enumerate(index_vars):
        thresholds: dict[tuple, int] = {}
        ok = True
        for lo_side, hi_side in ((a, b), (b, a)):
            thresholds.clear()
            ok = True
            by_size: dict[tuple, tuple[int, int]] = {}
            for s in lo_side:
                key = tuple(sorted(s.sizes.items()))
                mx, mn = by_size.get(key, (-1, 10**9))
                by_size[key] = (max(mx, s.index[d]), mn)
            for s in hi_side:
                key = tuple(sorted(s.sizes.items()))
                mx, mn = by_size.get(key, (-1, 10**9))
                by_size[key] = (mx, min(mn, s.index[d]))
            for key, (mx, mn) in by_size.items():
                if mn != 10**9 and mx >= mn:
                    ok = False
                    break
                if mn != 10**9 and mx >= 0:
                    thresholds[key] = mn
            if ok and len(thresholds) >= 2:
                keys = list(thresholds)
                feats = {n: [dict(k)[n] for k in keys] for n in size_names}
                feats = {n: vals for n, vals in feats.items() if len(set(vals)) > 1}
                thr = fit_affine([thresholds[k] for k in keys], feats, True)
                if thr is None:
                    continue
                lo_body, hi_body = (body_a, body_b) if lo_side is a else (body_b, body_a)
                return build.where(build.compare(Op.LT, var(v), thr), lo_body, hi_body)
    return None


def synthesize(specs: list[Spec], size_names: list[str], strategy: str = "both") -> Formula:
    """One formula for every output tensor, equal to every spec. Raises SynthFailure."""
    if not specs:
        raise SynthFailure("no specification to synthesise from")
    checker = Checker(Normalizer())
    found: dict[str, OutputFormula] = {}
    failures: dict[str, SynthFailure] = {}
    for tensor in specs[0].outputs:
        try:
            found[tensor] = synthesize_output(tensor, specs, size_names, strategy, checker)
        except SynthFailure as e:
            failures[tensor] = e
    # outputs that failed may be built from the ones that lifted (a variance from the mean)
    for tensor, first in list(failures.items()):
        rank = len(specs[0].shapes[tensor])
        atoms = tuple(o.body for o in found.values() if len(o.index_vars) == rank)
        if not atoms or strategy == "top-down":
            continue
        try:
            found[tensor] = synthesize_output(tensor, specs, size_names, "bottom-up", checker, atoms)
            del failures[tensor]
        except SynthFailure:
            failures[tensor] = first
    if failures:
        raise next(iter(failures.values()))
    return Formula(tuple(found[t] for t in specs[0].outputs))


def verify_formula(formula: Formula, specs: list[Spec]) -> str | None:
    """The generalisation check: None when the formula reproduces these (unseen) specs too."""
    checker = Checker(Normalizer())
    for o in formula.outputs:
        bad = check_output(o.body, o.tensor, o.index_vars, specs, checker)
        if bad is not None:
            return bad
    return None
