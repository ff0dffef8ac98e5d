"""Top-down structure of one ground spec term: chains of `+`, `·`, `max`, `min` whose operands
differ only in integer constants that run over a contiguous range become binders
(Σ/Π/max/min over k ∈ [lo, hi)), recursively, with the varying constants expressed affinely in
the bound variable. The result still has concrete bounds; `synth.fit` generalises across
elements and sizes.

Anti-unification (`anti_unify`) is the shared tool: several terms of one shape give a template
whose holes are the integer constants where they differ.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product

from ..dsl import build
from ..dsl.term import BINDERS, Op, Term, const, var

CHAIN_BINDER = {Op.ADD: Op.SUM, Op.MUL: Op.PROD, Op.MAX: Op.MAXR, Op.MIN: Op.MINR}
BOUND_NAMES = "klmnpqrstuvw"


def is_int_const(t: Term) -> bool:
    return t.op is Op.CONST and isinstance(t.value, int) and not isinstance(t.value, bool)


class Shapes:
    """A structural hash ignoring integer constants (cheap clustering before anti-unification)."""

    def __init__(self, all_numbers: bool = False) -> None:
        self.memo: dict[Term, int] = {}
        self.all_numbers = all_numbers  # also ignore float literals (clustering across sizes)

    def __call__(self, t: Term) -> int:
        k = t
        h = self.memo.get(k)
        if h is None:
            if is_int_const(t) or (self.all_numbers and _is_number(t)):
                h = hash("INT")
            else:
                h = hash((t.op, t.attrs, tuple(self(a) for a in t.args)))
            self.memo[k] = h
        return h


def _is_number(t: Term) -> bool:
    """A numeric literal, or an exact quotient of two (1.0 / 3 kept exact by the executor)."""
    if t.op is Op.CONST:
        return not isinstance(t.value, bool)
    return t.op is Op.DIV and all(a.op is Op.CONST and not isinstance(a.value, bool) for a in t.args)


class AntiUnifyFail(Exception):
    pass


def anti_unify(terms: list[Term], prefix: str = "z") -> tuple[Term, list[list[int]]]:
    """A template with hole variables `z0, z1, ...` and, per hole, the value in each term."""
    holes: list[list[int]] = []

    def go(ts: tuple[Term, ...]) -> Term:
        first = ts[0]
        if all(t is first for t in ts):
            return first
        if all(is_int_const(t) for t in ts):
            holes.append([t.value for t in ts])
            return var(f"{prefix}{len(holes) - 1}")
        if any(t.op is not first.op or t.attrs != first.attrs or len(t.args) != len(first.args) for t in ts):
            raise AntiUnifyFail
        args = tuple(go(tuple(t.args[i] for t in ts)) for i in range(len(first.args)))
        return Term.make(first.op, args, first.attrs)

    tpl = go(tuple(terms))
    return tpl, holes


def rewrite(t: Term, fn, keep_unchanged: bool = False) -> Term:
    """Rebuild `t` bottom-up (folding constants): every node, children first, is offered to
    `fn(node)`, which returns a replacement or None to keep it. With `keep_unchanged`, a node
    whose children did not change is kept as it is instead of being rebuilt (and refolded)."""
    memo: dict[Term, Term] = {}

    def go(n: Term) -> Term:
        if n in memo:
            return memo[n]
        args = tuple(go(a) for a in n.args)
        if not n.args or (keep_unchanged and all(a is b for a, b in zip(args, n.args, strict=True))):
            r0 = n
        elif n.op in (Op.READ, Op.CALL) or n.op in BINDERS:
            r0 = Term.make(n.op, args, n.attrs)
        else:
            r0 = build.apply(n.op, *args)
        r = fn(r0)
        memo[n] = r0 if r is None else r
        return memo[n]

    return go(t)


def substitute(t: Term, env: dict[str, Term]) -> Term:
    """Replace VARs by terms (no capture: binder variables never collide with hole names)."""
    return rewrite(t, lambda n: env.get(n.attrs[0]) if n.op is Op.VAR else None)


def substitute_reads(t: Term, fn) -> Term:
    """Replace READ nodes for which `fn(read)` returns a term."""
    return rewrite(t, lambda n: fn(n) if n.op is Op.READ else None)


def binder_height(t: Term) -> int:
    memo: dict[int, int] = {}

    def go(n: Term) -> int:
        k = id(n)
        if k not in memo:
            h = max((go(a) for a in n.args), default=0)
            memo[k] = h + 1 if n.op in BINDERS else h
        return memo[k]

    return go(t)


def make_binder(op: Op, lo: int, hi: int, body_of) -> Term:
    """A binder whose variable is named by its height, so equal structures get equal names."""
    probe = body_of(var("z9999"))
    name = BOUND_NAMES[min(binder_height(probe), len(BOUND_NAMES) - 1)]
    return build.binder(op, name, lo, hi, body_of(var(name)))


def _affine(col: list[int], drivers: list[list[int]]) -> tuple[list[Fraction], Fraction] | None:
    """col = Σ a_d·driver_d + b exactly, with rational a, b (solved on the rows)."""
    n = len(drivers)
    rows = [[Fraction(d[r]) for d in drivers] + [Fraction(1)] for r in range(len(col))]
    rhs = [Fraction(v) for v in col]
    sol = _solve(rows, rhs, n + 1)
    if sol is None:
        return None
    return sol[:n], sol[n]


def _solve(rows: list[list[Fraction]], rhs: list[Fraction], n: int) -> list[Fraction] | None:
    """An exact solution of the (possibly over-determined) system, or None: the free unknowns
    (none when the rank is n) are 0, the others read off the reduced row echelon form.

    Rows are taken one at a time into a reduced echelon basis (each basis row has a 1 at its
    pivot and 0 at every other pivot; the reduced form of a row space is unique, so the answer
    does not depend on the order). Repeated rows are skipped; once the rank is n the solution is
    fixed and the remaining rows are only checked against it; the first inconsistent row ends
    the search. (Fitting tries many feature subsets on hundreds of sample rows, most of them
    wrong: eliminating over every row first made synthesis of a kernel like rope take 60 s.)"""
    basis: list[tuple[int, list[Fraction]]] = []  # (pivot column, row)
    seen: set[tuple[Fraction, ...]] = set()
    fixed: list[Fraction] | None = None
    for r, v in zip(rows, rhs, strict=True):
        key = (*r, v)
        if key in seen:
            continue
        seen.add(key)
        if fixed is not None:
            if sum((a * x for a, x in zip(r, fixed, strict=True)), Fraction(0)) != v:
                return None
            continue
        row = [*r, v]
        for c, b in basis:
            f = row[c]
            if f != 0:
                row = [a - f * x for a, x in zip(row, b, strict=True)]
        c = next((k for k in range(n) if row[k] != 0), None)
        if c is None:
            if row[n] != 0:
                return None
            continue
        pv = row[c]
        row = [x / pv for x in row]
        basis = [(c2, [a - b2[c] * x for a, x in zip(b2, row, strict=True)] if b2[c] != 0 else b2)
                 for c2, b2 in basis]
        basis.append((c, row))
        if len(basis) == n:
            fixed = _read_off(basis, n)
    return fixed if fixed is not None else _read_off(basis, n)


def _read_off(basis: list[tuple[int, list[Fraction]]], n: int) -> list[Fraction]:
    sol = [Fraction(0)] * n
    for c, b in basis:
        sol[c] = b[n]
    return sol


def _affine_term(coeffs: list[Fraction], const_: Fraction, drivers: list[Term]) -> Term | None:
    """Σ c·d + c0 as a term, for integer coefficients only."""
    if any(c.denominator != 1 for c in coeffs) or const_.denominator != 1:
        return None
    acc: Term | None = None
    for c, d in zip(coeffs, drivers, strict=True):
        if c == 0:
            continue
        term = d if c == 1 else build.mul(const(int(c)), d)
        acc = term if acc is None else build.add(acc, term)
    if acc is None:
        return const(int(const_))
    return build.add(acc, const(int(const_))) if const_ != 0 else acc


def _contiguous(vals: list[int]) -> bool:
    s = set(vals)
    return len(s) == len(vals) and max(s) - min(s) + 1 == len(s)


def fold_group(op: Op, members: list[Term]) -> Term | None:
    """Members of one shape → a binder (or a nest of two), or None."""
    try:
        tpl, holes = anti_unify(members)
    except AntiUnifyFail:
        return None
    n = len(members)
    varying = [i for i, h in enumerate(holes) if len(set(h)) > 1]
    fixed = {f"z{i}": const(h[0]) for i, h in enumerate(holes) if len(set(h)) == 1}
    bop = CHAIN_BINDER[op]
    if not varying:
        return None
    # one driver
    for d in varying:
        if not _contiguous(holes[d]):
            continue
        lo = min(holes[d])
        env_fns = {}
        ok = True
        for v in varying:
            if v == d:
                continue
            fit = _affine(holes[v], [holes[d]])
            if fit is None:
                ok = False
                break
            env_fns[v] = fit
        if not ok:
            continue

        def body_of(k: Term, d=d, env_fns=env_fns) -> Term | None:
            env = dict(fixed)
            env[f"z{d}"] = k
            for v, (coeffs, c0) in env_fns.items():
                t = _affine_term(coeffs, c0, [k])
                if t is None:
                    return None
                env[f"z{v}"] = t
            return substitute(tpl, env)

        if body_of(var("z9999")) is None:
            continue
        return make_binder(bop, lo, lo + n, body_of)
    # two drivers forming a full grid: a nest of binders
    for d1, d2 in product(varying, varying):
        if d1 == d2:
            continue
        a, b = sorted(set(holes[d1])), sorted(set(holes[d2]))
        if len(a) * len(b) != n or not _contiguous(a) or not _contiguous(b):
            continue
        if len({(holes[d1][r], holes[d2][r]) for r in range(n)}) != n:
            continue
        env_fns = {}
        ok = True
        for v in varying:
            if v in (d1, d2):
                continue
            fit = _affine(holes[v], [holes[d1], holes[d2]])
            if fit is None:
                ok = False
                break
            env_fns[v] = fit
        if not ok:
            continue

        def inner_of(k2: Term, k1: Term, d1=d1, d2=d2, env_fns=env_fns) -> Term:
            env = dict(fixed)
            env[f"z{d1}"], env[f"z{d2}"] = k1, k2
            for v, (coeffs, c0) in env_fns.items():
                t = _affine_term(coeffs, c0, [k1, k2])
                if t is None:
                    raise AntiUnifyFail
                env[f"z{v}"] = t
            return substitute(tpl, env)

        try:
            lo2, hi2 = b[0], b[-1] + 1
            return make_binder(bop, a[0], a[-1] + 1,
                               lambda k1, lo2=lo2, hi2=hi2: make_binder(bop, lo2, hi2, lambda k2: inner_of(k2, k1)))
        except AntiUnifyFail:
            continue
    return None


def chain_operands(t: Term, op: Op) -> list[Term]:
    out: list[Term] = []
    stack = [t]
    while stack:
        n = stack.pop()
        if n.op is op:
            stack.extend(reversed(n.args))
        else:
            out.append(n)
    return out


def _is_index_chain(t: Term) -> bool:
    """where(cond, int, int-or-chain) with comparisons in the conditions."""
    while t.op is Op.WHERE:
        c, a, b = t.args
        if c.op not in (Op.GT, Op.LT, Op.GE, Op.LE, Op.AND, Op.OR) or not is_int_const(a):
            return False
        if is_int_const(b):
            return True
        t = b
    return False


def walk_conditions(t: Term):
    while t.op is Op.WHERE:
        yield t.args[0]
        t = t.args[2]


def _reads_in(t: Term) -> list[Term]:
    out: list[Term] = []
    stack = [t]
    seen: set[Term] = set()
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        if n.op is Op.READ:
            out.append(n)
        else:
            stack.extend(n.args)
    return out


class Folder:
    def __init__(self, arg_op: Op = Op.ARGMAX) -> None:
        self.memo: dict[Term, Term] = {}
        self.shape = Shapes()
        self.arg_op = arg_op

    def fold(self, t: Term) -> Term:
        k = t
        if k in self.memo:
            return self.memo[k]
        r = self._fold(t)
        self.memo[k] = r
        return r

    def _fold(self, t: Term) -> Term:
        if not t.args:
            return t
        if t.op is Op.WHERE and _is_index_chain(t):
            found = self._index_chain(t)
            if found is not None:
                return found
        if t.op in CHAIN_BINDER:
            ops = [self.fold(o) for o in chain_operands(t, t.op)]
            return self._fold_chain(t.op, ops)
        args = tuple(self.fold(a) for a in t.args)
        if t.op in (Op.READ, Op.CALL) or t.op in BINDERS:
            return Term.make(t.op, args, t.attrs)
        return build.apply(t.op, *args)

    def _index_chain(self, t: Term) -> Term | None:
        """A `where` chain selecting integer positions by comparing values (how argmax and
        argmin unroll): guess the arg-extreme over the values compared; the check decides."""
        reads: dict[Term, None] = {}
        for n in walk_conditions(t):
            for r in _reads_in(n):
                reads[r] = None
        if len(reads) < 2:
            return None
        folded = self._fold_chain(Op.MAX, list(reads))
        if folded.op is not Op.MAXR:
            return None
        return Term.make(self.arg_op, folded.args, folded.attrs)

    def _fold_chain(self, op: Op, ops: list[Term]) -> Term:
        """Operands in their original order; each foldable cluster is replaced by its binder at
        the position of its first member (so constants are never merged across sizes)."""
        clusters: dict[int, list[int]] = {}
        for pos, o in enumerate(ops):
            clusters.setdefault(self.shape(o), []).append(pos)
        replaced: dict[int, Term | None] = {}
        for positions in clusters.values():
            if len(positions) < 2:
                continue
            folded = fold_group(op, [ops[p] for p in positions])
            if folded is not None:
                replaced[positions[0]] = folded
                for p in positions[1:]:
                    replaced[p] = None
        parts = [replaced.get(p, o) for p, o in enumerate(ops)]
        kept = [p for p in parts if p is not None]
        acc = kept[0]
        for p in kept[1:]:
            acc = Term.make(op, (acc, p))
        return acc
