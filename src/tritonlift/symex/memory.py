"""The memory model: one buffer per launch-spec tensor, cells holding Terms.

Input and inout cells start as element symbols `x[i, j]` (logical index, whatever the strides);
out and temp cells start unwritten (`None`) unless the spec gives an `init` value. Masked-out lanes
are never touched. Out-of-bounds accesses, reads of unwritten cells and conflicting writes by
different programs are findings, not errors: they are reported with the program and lane.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np

from ..dsl import build
from ..dsl.term import Op, Term, const, read, undef
from ..errors import SourceLoc
from ..frontend.concrete import ConcreteTensor
from ..result import Finding
from .values import Tile, as_objects, concretize, lane_term


@dataclass
class Buffer:
    tensor: ConcreteTensor
    cells: np.ndarray  # object array over storage offsets: Term or None
    index_of: dict[int, tuple[int, ...]]  # storage offset -> logical index
    writer: np.ndarray  # program index (linear) of the last plain store, -1 for none
    written: np.ndarray  # bool: written by the kernel(s)

    @property
    def name(self) -> str:
        return self.tensor.name


def make_buffer(t: ConcreteTensor, init: Any = None) -> Buffer:
    size = t.storage_size
    cells = np.empty(size, dtype=object)
    index_of: dict[int, tuple[int, ...]] = {}
    for idx in product(*(range(n) for n in t.shape)):
        off = sum(i * s for i, s in zip(idx, t.strides, strict=True))
        if off in index_of:
            continue  # overlapping strides: first index names the cell
        index_of[off] = idx
        if t.direction in ("in", "inout"):
            single = t.value_range is not None and t.value_range[1] - t.value_range[0] == 1
            # data declared to lie in [lo, lo + 1) is the integer lo
            cells[off] = const(t.value_range[0]) if single else read(t.name, *idx)
        elif init is not None:
            cells[off] = const(init)
    return Buffer(t, cells, index_of, np.full(size, -1, dtype=np.int64), np.zeros(size, dtype=bool))


@dataclass
class Memory:
    buffers: dict[str, Buffer]
    findings: list[Finding] = field(default_factory=list)
    _seen: set = field(default_factory=set)

    def note(self, kind: str, message: str, loc: SourceLoc | None, program: tuple[int, ...]) -> None:
        key = (kind, message, loc)
        if key in self._seen:
            return
        self._seen.add(key)
        self.findings.append(Finding(kind, message, loc, program))

    def _lanes(self, ptr: Tile, mask: Tile | None, pred: Term | bool):
        """Broadcast pointer/mask; yield (flat lane index, offset, lane mask) for active lanes."""
        offs = ptr.data
        m = None if mask is None else np.broadcast_to(mask.data, np.broadcast_shapes(offs.shape, mask.shape))
        if m is not None:
            offs = np.broadcast_to(offs, m.shape)
        return offs, m

    def load(self, ptr: Tile, mask: Tile | None, other: Tile | None, pred: Term | bool,
             loc: SourceLoc | None, program: tuple[int, ...]) -> np.ndarray:
        buf = self.buffers[ptr.ptr]  # type: ignore[index]
        offs, m = self._lanes(ptr, mask, pred)
        shape = offs.shape
        out = np.empty(shape, dtype=object)
        flat_o = offs.reshape(-1)
        flat_m = None if m is None else m.reshape(-1)
        oth = None if other is None else np.broadcast_to(other.data, shape).reshape(-1)
        res = out.reshape(-1)
        for i in range(flat_o.size):
            lane_mask = True if flat_m is None else flat_m[i]
            if isinstance(lane_mask, Term) and lane_mask.op is Op.CONST:
                lane_mask = lane_mask.value
            fallback = lane_term(oth[i]) if oth is not None else undef("masked-out lane without other=")
            if lane_mask is False or (lane_mask is not True and not isinstance(lane_mask, Term) and not lane_mask):
                res[i] = fallback
                continue
            val = self._read_cell(buf, flat_o[i], loc, program, pred)
            res[i] = val if lane_mask is True or not isinstance(lane_mask, Term) else build.where(lane_mask, val, fallback)
        if isinstance(pred, Term):
            facts = _facts(pred)
            memo: dict[int, Term] = {}
            for i in range(res.size):
                res[i] = _assume(res[i], facts, memo)
        return concretize(out)

    def _read_cell(self, buf: Buffer, off: Any, loc, program, pred: Term | bool = True) -> Term:
        if isinstance(off, Term):
            if off.op is Op.CONST:
                off = off.value
            else:
                return self._gather(buf, off, loc, program, pred)
        off = int(off)
        if not 0 <= off < buf.cells.size or off not in buf.index_of:
            self.note("oob", f"read of {buf.name} at element offset {off}, outside the tensor "
                             f"(shape {buf.tensor.shape})", loc, program)
            return undef(f"out-of-bounds read of {buf.name}")
        v = buf.cells[off]
        if v is None:
            self.note("uninit", f"read of {buf.name}{list(buf.index_of[off])} before it is written", loc, program)
            return undef(f"unwritten {buf.name}")
        return v

    def _candidates(self, buf: Buffer, off: Term) -> tuple[list[tuple[int, Term]], tuple[Term, ...]] | None:
        """A data-dependent offset `c + Σ a_j·t_j` split over the dimensions by the strides: each
        symbolic part goes to the dimension whose stride divides its coefficient. Returns the cells
        it may address, each with the condition selecting it, and the symbolic logical index."""
        aff = _affine(off)
        if aff is None:
            return None
        c, parts = aff
        strides = buf.tensor.strides
        shape = buf.tensor.shape
        if not strides:
            return None
        base = buf.index_of.get(c)
        if base is None:
            return None
        order = sorted(range(len(strides)), key=lambda d: -strides[d])
        extra: list[Term] = [const(0)] * len(strides)
        for atom, a in parts.items():
            fits = [d for d in order if strides[d] > 0 and a % strides[d] == 0]
            # the data's declared range names its dimension (labels in [0, N) index the extent-N
            # axis), which settles strides that coincide (N = 1); else a dimension that can vary
            width = self._range_width(atom)
            dim = next((d for d in fits if width is not None and shape[d] == width), None)
            if dim is None:
                dim = next((d for d in fits if shape[d] > 1), fits[-1] if fits else None)
            if dim is None:
                return None
            extra[dim] = build.add(extra[dim], build.mul(const(a // strides[dim]), atom))
        index = tuple(build.add(const(base[d]), extra[d]) for d in range(len(strides)))
        sym_dims = [d for d in range(len(strides)) if extra[d].op is not Op.CONST]
        combos = 1
        for d in sym_dims:
            combos *= shape[d]
        if combos > 4096:
            return None
        cands: list[tuple[int, Term]] = []
        for values in product(*(range(shape[d]) for d in sym_dims)):
            idx = list(base)
            cond: Term = const(True)
            for d, v in zip(sym_dims, values, strict=True):
                idx[d] = v
                cond = build.logical_and(cond, build.compare(Op.EQ, index[d], const(v)))
            o = sum(i * s for i, s in zip(idx, strides, strict=True))
            cands.append((o, cond))
        return cands, index

    def _range_width(self, atom: Term) -> int | None:
        """The upper bound of the declared value range of the int data an index term reads (an
        in-bounds index lies in [0, hi), so hi is the extent it indexes; `[-1, N)` allows an
        ignore value below 0)."""
        reads = [n for n in _walk(atom) if n.op is Op.READ]
        highs = {self.buffers[r.attrs[0]].tensor.value_range[1]
                 for r in reads if r.attrs[0] in self.buffers and self.buffers[r.attrs[0]].tensor.value_range}
        return highs.pop() if len(highs) == 1 else None

    def _gather(self, buf: Buffer, off: Term, loc, program, pred: Term | bool = True) -> Term:
        """A read at a data-dependent offset (`x_ptr + y[i]`, `w_ptr + idx[i]*stride`): the cells it
        may address selected by their conditions, assumed in bounds (reported as a finding)."""
        found = self._candidates(buf, off)
        if found is None:
            self.note("gather", f"cannot map data-dependent offset {off} to an index of {buf.name}", loc, program)
            return undef(f"data-dependent read of {buf.name}")
        cands, index = found
        self.note("gather", f"data-dependent index into {buf.name} assumed in bounds", loc, program)
        facts = _facts(pred) if isinstance(pred, Term) else {}
        memo: dict[int, Term] = {}
        cells = [buf.cells[o] if buf.cells[o] is None else _assume(buf.cells[o], facts, memo) for o, _ in cands]
        if all(c is read(buf.name, *buf.index_of[o]) for c, (o, _) in zip(cells, cands, strict=True)):
            return read(buf.name, *index)
        acc: Term | None = None
        for (_o, cond), cell in reversed(list(zip(cands, cells, strict=True))):
            v = cell if cell is not None else undef(f"unwritten {buf.name}")
            acc = v if acc is None else build.where(cond, v, acc)
        return acc if acc is not None else undef("empty gather")

    def _scatter(self, buf: Buffer, off: Term, value: Term, guard: Term | bool, loc, program) -> None:
        found = self._candidates(buf, off)
        if found is None:
            self.note("gather", f"store to {buf.name} at a data-dependent offset is not modelled", loc, program)
            return
        cands, _index = found
        self.note("gather", f"data-dependent store index into {buf.name} assumed in bounds", loc, program)
        for o, cond in cands:
            old = buf.cells[o]
            hit = cond if guard is True else build.logical_and(guard, cond)
            buf.cells[o] = build.where(hit, value, old if old is not None else undef(f"unwritten {buf.name}"))
            buf.written[o] = True

    def _atomic_scatter(self, kind: str, buf: Buffer, off: Term, value: Term, guard: Term | bool,
                        loc, program) -> Term:
        """An atomic at a data-dependent offset: every cell it may address is updated under the
        condition selecting it; returns the old value (selected the same way)."""
        found = self._candidates(buf, off)
        if found is None:
            self.note("gather", f"atomic on {buf.name} at a data-dependent offset is not modelled", loc, program)
            return undef("unmodelled atomic")
        cands, _index = found
        self.note("gather", f"data-dependent atomic index into {buf.name} assumed in bounds", loc, program)
        old_sel: Term | None = None
        for o, cond in reversed(cands):
            old = buf.cells[o] if buf.cells[o] is not None else undef(f"unwritten {buf.name}")
            hit = cond if guard is True else build.logical_and(guard, cond)
            buf.cells[o] = build.where(hit, _atomic_update(kind, old, value, None), old)
            buf.written[o] = True
            old_sel = old if old_sel is None else build.where(cond, old, old_sel)
        return old_sel if old_sel is not None else undef("empty atomic")

    def store(self, ptr: Tile, value: Tile, mask: Tile | None, pred: Term | bool,
              loc: SourceLoc | None, program: tuple[int, ...], pid_lin: int) -> None:
        buf = self.buffers[ptr.ptr]  # type: ignore[index]
        offs, m = self._lanes(ptr, mask, pred)
        shape = np.broadcast_shapes(offs.shape, value.shape)
        offs = np.broadcast_to(offs, shape).reshape(-1)
        vals = np.broadcast_to(as_objects(value.data), shape).reshape(-1)
        ms = None if m is None else np.broadcast_to(m, shape).reshape(-1)
        mine: dict[int, tuple[int, Term]] = {}  # offset -> (lane, value) of this store's unguarded lanes
        for i in range(offs.size):
            lane_mask: Any = True if ms is None else ms[i]
            if isinstance(lane_mask, Term) and lane_mask.op is Op.CONST:
                lane_mask = lane_mask.value
            if not isinstance(lane_mask, Term) and not lane_mask:
                continue
            guard = lane_mask if isinstance(lane_mask, Term) else True
            if pred is not True:
                guard = build.logical_and(pred, guard) if guard is not True else pred
            off = offs[i]
            if isinstance(off, Term):
                if off.op is not Op.CONST:
                    self._scatter(buf, off, lane_term(vals[i]), guard, loc, program)
                    continue
                off = off.value
            off = int(off)
            if not 0 <= off < buf.cells.size or off not in buf.index_of:
                self.note("oob", f"write of {buf.name} at element offset {off}, outside the tensor "
                                 f"(shape {buf.tensor.shape})", loc, program)
                continue
            new = lane_term(vals[i])
            if guard is True:  # two lanes of one store, one address, different values: which wins is unspecified
                first = mine.setdefault(off, (i, new))
                if first[1] is not new:
                    self.note("race", f"lanes {first[0]} and {i} of one store write different values to "
                                      f"{buf.name}{list(buf.index_of[off])}", loc, program)
            old = buf.cells[off]
            if guard is not True:
                new = build.where(guard, new, old if old is not None else undef(f"unwritten {buf.name}"))
            w = buf.writer[off]
            if w >= 0 and w != pid_lin and old is not None and old is not new:
                self.note("race", f"programs {w} and {pid_lin} write different values to "
                                  f"{buf.name}{list(buf.index_of[off])}", loc, program)
            buf.cells[off] = new
            buf.writer[off] = pid_lin
            buf.written[off] = True

    def atomic(self, kind: str, ptr: Tile, value: Tile, mask: Tile | None, pred: Term | bool,
               loc: SourceLoc | None, program: tuple[int, ...], cmp: Tile | None = None) -> np.ndarray:
        """Atomic read-modify-write, applied lane by lane in program order; returns old values."""
        buf = self.buffers[ptr.ptr]  # type: ignore[index]
        offs, m = self._lanes(ptr, mask, pred)
        shape = np.broadcast_shapes(offs.shape, value.shape)
        offs_f = np.broadcast_to(offs, shape).reshape(-1)
        vals = np.broadcast_to(as_objects(value.data), shape).reshape(-1)
        cmps = None if cmp is None else np.broadcast_to(as_objects(cmp.data), shape).reshape(-1)
        ms = None if m is None else np.broadcast_to(m, shape).reshape(-1)
        olds = np.empty(offs_f.size, dtype=object)
        for i in range(offs_f.size):
            lane_mask: Any = True if ms is None else ms[i]
            if isinstance(lane_mask, Term) and lane_mask.op is Op.CONST:
                lane_mask = lane_mask.value
            if not isinstance(lane_mask, Term) and not lane_mask:
                olds[i] = undef("masked-out atomic lane")
                continue
            off = offs_f[i]
            off = int(off.value) if isinstance(off, Term) and off.op is Op.CONST else off
            if isinstance(off, Term):
                guard = lane_mask if isinstance(lane_mask, Term) else True
                if pred is not True:
                    guard = build.logical_and(pred, guard) if guard is not True else pred
                olds[i] = self._atomic_scatter(kind, buf, off, lane_term(vals[i]), guard, loc, program)
                continue
            if not 0 <= off < buf.cells.size or off not in buf.index_of:
                self.note("oob", f"atomic on {buf.name} outside the tensor or at a data-dependent offset", loc, program)
                olds[i] = undef("bad atomic")
                continue
            old = buf.cells[off]
            if old is None:
                self.note("uninit", f"atomic on {buf.name}{list(buf.index_of[off])} before it is written "
                                    "(give the tensor an init value)", loc, program)
                old = undef(f"unwritten {buf.name}")
            v = lane_term(vals[i])
            new = _atomic_update(kind, old, v, lane_term(cmps[i]) if cmps is not None else None)
            guard = lane_mask if isinstance(lane_mask, Term) else True
            if pred is not True:
                guard = build.logical_and(pred, guard) if guard is not True else pred
            if guard is not True:
                new = build.where(guard, new, old)
            buf.cells[off] = new
            buf.written[off] = True
            olds[i] = old
        return concretize(olds.reshape(shape))


def _affine(t: Term) -> tuple[int, dict[Term, int]] | None:
    """`t` as c + Σ a_j·atom_j with integer c, a_j (atoms: non-arithmetic terms), or None."""
    if t.op is Op.CONST:
        return (int(t.value), {}) if isinstance(t.value, int) and not isinstance(t.value, bool) else None
    if t.op in (Op.ADD, Op.SUB):
        a, b = _affine(t.args[0]), _affine(t.args[1])
        if a is None or b is None:
            return None
        sign = 1 if t.op is Op.ADD else -1
        parts = dict(a[1])
        for k, v in b[1].items():
            parts[k] = parts.get(k, 0) + sign * v
        return a[0] + sign * b[0], {k: v for k, v in parts.items() if v}
    if t.op is Op.NEG:
        a = _affine(t.args[0])
        return None if a is None else (-a[0], {k: -v for k, v in a[1].items()})
    if t.op is Op.MUL:
        a, b = _affine(t.args[0]), _affine(t.args[1])
        if a is None or b is None:
            return None
        if not a[1]:
            return a[0] * b[0], {k: a[0] * v for k, v in b[1].items() if a[0] * v}
        if not b[1]:
            return a[0] * b[0], {k: b[0] * v for k, v in a[1].items() if b[0] * v}
        return None
    return 0, {t: 1}


def _atomic_update(kind: str, old: Term, v: Term, cmp: Term | None) -> Term:
    if kind == "add":
        return build.add(old, v)
    if kind == "max":
        return build.maximum(old, v)
    if kind == "min":
        return build.minimum(old, v)
    if kind == "xchg":
        return v
    if kind == "cas":
        assert cmp is not None
        return build.where(build.compare(Op.EQ, old, cmp), v, old)
    return build.bitop({"and": Op.BAND, "or": Op.BOR, "xor": Op.BXOR}[kind], old, v)


def _facts(pred: Term) -> dict[int, bool]:
    """Conditions known true/false on a path: the conjuncts of its predicate (by term id)."""
    out: dict[int, bool] = {}
    stack = [pred]
    while stack:
        t = stack.pop()
        if t.op is Op.AND:
            stack.extend(t.args)
        elif t.op is Op.NOT:
            out[id(t.args[0])] = False
            out[id(t)] = True
        else:
            out[id(t)] = True
    return out


def _assume(t: Term, facts: dict[int, bool], memo: dict[int, Term]) -> Term:
    """`t` with every `where` whose condition is a known fact resolved to its branch."""
    if not t.args:
        return t
    key = id(t)
    if key in memo:
        return memo[key]
    if t.op is Op.WHERE and id(t.args[0]) in facts:
        r = _assume(t.args[1] if facts[id(t.args[0])] else t.args[2], facts, memo)
    else:
        new = tuple(_assume(a, facts, memo) for a in t.args)
        r = t if all(a is b for a, b in zip(new, t.args, strict=True)) else build.apply(t.op, *new) \
            if t.op not in (Op.READ, Op.CALL) and t.op.name not in ("SUM", "PROD", "MAXR", "MINR", "ARGMAX", "ARGMIN") \
            else Term.make(t.op, new, t.attrs)
    memo[key] = r
    return r


def resolve_unreachable(t: Term) -> Term:
    """`where(p, a, b)` with a and b simplified knowing p (resp. not p): a branch that cannot be
    taken disappears, so `where(not c, a, where(c, b, undef))` becomes `where(not c, a, b)`.
    Applied only to terms holding an undef (the context-dependent walk is not memoised across
    contexts)."""
    if not any(n.op is Op.UNDEF for n in _walk(t)):
        return t
    return _resolve(t, {})


def _walk(t: Term):
    seen: set[int] = set()
    stack = [t]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        yield n
        stack.extend(n.args)


def _resolve(t: Term, facts: dict[int, bool]) -> Term:
    if not t.args:
        return t
    if t.op is Op.WHERE:
        c, a, b = t.args
        if id(c) in facts:
            return _resolve(a if facts[id(c)] else b, facts)
        c2 = _resolve(c, facts)
        yes, no = dict(facts), dict(facts)
        yes.update(_facts(c2))
        no[id(c2)] = False
        if c2.op is Op.NOT:
            no[id(c2.args[0])] = True
        return build.where(c2, _resolve(a, yes), _resolve(b, no))
    if not any(n.op is Op.UNDEF for n in _walk(t)):
        return t
    new = tuple(_resolve(a, facts) for a in t.args)
    if t.op in (Op.READ, Op.CALL) or t.op.name in ("SUM", "PROD", "MAXR", "MINR", "ARGMAX", "ARGMIN"):
        return Term.make(t.op, new, t.attrs)
    return build.apply(t.op, *new)
