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
from ..dsl.term import OUTSIDE_MEMORY, Op, Term, const, read, undef, walk
from ..errors import SourceLoc
from ..frontend.concrete import ConcreteTensor
from ..result import Finding
from .fixedwidth import wrap_term
from .values import Tile, as_objects, concretize, lane_term


@dataclass
class Buffer:
    tensor: ConcreteTensor
    cells: Cells  # by storage offset: Term or None
    index_of: dict[int, tuple[int, ...]]  # storage offset -> logical index
    writer: np.ndarray  # program index (linear) of the last plain store, -1 for none
    written: np.ndarray  # bool: written by the kernel(s)
    reader: np.ndarray  # program index (linear) that read the cell, -1 for none, -2 for several

    @property
    def name(self) -> str:
        return self.tensor.name


class Cells:
    """A buffer's cells by storage offset, each made when first touched: an input's element symbol
    `x[i, j]` (or its single allowed value), an output's `init` constant, else None (unwritten).
    A replay at a solver model's size (N = 262141) touches a few programs' cells only."""

    def __init__(self, t: ConcreteTensor, index_of: dict[int, tuple[int, ...]], init: Any) -> None:
        self.size = t.storage_size
        self._tensor, self._index_of, self._init = t, index_of, init
        self._cells: dict[int, Term | None] = {}

    def _initial(self, off: int) -> Term | None:
        t, idx = self._tensor, self._index_of.get(off)
        if idx is None:
            return None
        if t.direction in ("in", "inout"):
            single = t.value_range is not None and t.value_range[1] - t.value_range[0] == 1
            # data declared to lie in [lo, lo + 1) is the integer lo
            return const(t.value_range[0]) if single else read(t.name, *idx)
        return None if self._init is None else const(self._init)

    def __getitem__(self, off: int) -> Term | None:
        off = int(off)
        if off not in self._cells:
            self._cells[off] = self._initial(off)
        return self._cells[off]

    def __setitem__(self, off: int, value: Term | None) -> None:
        self._cells[int(off)] = value


def make_buffer(t: ConcreteTensor, init: Any = None) -> Buffer:
    size = t.storage_size
    index_of: dict[int, tuple[int, ...]] = {}
    for idx in product(*(range(n) for n in t.shape)):
        off = sum(i * s for i, s in zip(idx, t.strides, strict=True))
        if off not in index_of:  # overlapping strides: first index names the cell
            index_of[off] = idx
    return Buffer(t, Cells(t, index_of, init), index_of, np.full(size, -1, dtype=np.int64),
                  np.zeros(size, dtype=bool), np.full(size, -1, dtype=np.int64))


@dataclass
class Memory:
    buffers: dict[str, Buffer]
    findings: list[Finding] = field(default_factory=list)
    _seen: set = field(default_factory=set)
    partial: bool = False  # only some programs run (`run_launch(programs=...)`)
    caveat: str = ""  # why a partial run's outputs may differ from the whole launch's
    # the result may depend on the order the programs run in: a program read a cell another
    # program wrote, or two programs wrote different values to one cell (`run_launch` then runs
    # the programs in reverse order too and compares)
    order_sensitive: bool = False
    current: int = -1  # the linear id of the program running
    # branches taken and loop trip counts seen, by (kind, location) (`Walker.exercised`)
    coverage: dict[tuple[str, SourceLoc], set] = field(default_factory=dict)
    # a partial run's stores: (tensor, logical index) -> (program, lane tuple of the store's tile)
    stored_by: dict[tuple[str, tuple[int, ...]], tuple[tuple[int, ...], tuple[int, ...]]] = field(default_factory=dict)
    # every store's location and program, by (tensor, logical index): the last one wins (a race
    # found by comparing two program orders is located at the store that wrote the element)
    last_store: dict[tuple[str, tuple[int, ...]], tuple[SourceLoc | None, tuple[int, ...]]] = field(default_factory=dict)

    def _foreign(self, buf: Buffer, off: int | None, what: str) -> None:
        """A partial run touched memory other programs may write: its result is not the launch's."""
        if self.partial and not self.caveat and buf.tensor.direction != "in" and (off is None or not buf.written[off]):
            self.caveat = f"{what} {buf.name}, which programs not executed may write"

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
            return undef(f"{OUTSIDE_MEMORY} of {buf.name}")
        self._foreign(buf, off, "reads")
        if buf.writer[off] >= 0 and buf.writer[off] != self.current:
            self.order_sensitive = True
        _mark_read(buf, off, self.current)
        v = buf.cells[off]
        if v is None:
            self.note("uninit", f"read of {buf.name}{list(buf.index_of[off])} before it is written", loc, program)
            return undef(f"unwritten {buf.name}")
        return v

    def _candidates(self, buf: Buffer, off: Term) -> tuple[list[tuple[int, Term]], tuple[Term, ...], list] | None:
        """A data-dependent offset `c + Σ a_j·t_j` split over the dimensions by the strides: each
        symbolic part goes to the dimension whose stride divides its coefficient. Returns the cells
        it may address, each with the condition selecting it, the symbolic logical index, and per
        dimension the index's [lo, hi] from the declared data ranges (None where unknown)."""
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
        spans: list[tuple[int, int] | None] = [(base[d], base[d]) for d in range(len(strides))]
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
            span, known = spans[dim], self._value_span(atom)
            if span is not None and known is not None:
                k = a // strides[dim]
                lo, hi = sorted((k * known[0], k * known[1]))
                spans[dim] = (span[0] + lo, span[1] + hi)
            else:
                spans[dim] = None
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
        return cands, index, spans

    def _value_span(self, atom: Term) -> tuple[int, int] | None:
        """[lo, hi] (inclusive) of an int element the kernel loaded, from its declared range."""
        if atom.op is not Op.READ or atom.attrs[0] not in self.buffers:
            return None
        r = self.buffers[atom.attrs[0]].tensor.value_range
        return None if r is None else (int(r[0]), int(r[1]) - 1)

    def _values(self, atom: Term) -> list[int] | None:
        """Every value an int element the kernel loaded may hold: its declared range, or with
        `also` the stated range and those extra values (not their hull)."""
        if atom.op is not Op.READ or atom.attrs[0] not in self.buffers:
            return None
        t = self.buffers[atom.attrs[0]].tensor
        if t.also and t.draw_range is not None:
            return sorted({*range(int(t.draw_range[0]), int(t.draw_range[1])), *map(int, t.also)})
        span = self._value_span(atom)
        return None if span is None else list(range(span[0], span[1] + 1))

    def _outside(self, buf: Buffer, index: tuple[Term, ...], spans: list) -> Term | None:
        """The condition under which a data-dependent index lies outside the tensor, when the
        declared data ranges say it can (None when they say it cannot, or say nothing)."""
        conds: list[Term] = []
        for d, (span, n) in enumerate(zip(spans, buf.tensor.shape, strict=True)):
            if span is None or (span[0] >= 0 and span[1] < n):
                continue
            conds.append(build.logical_or(build.compare(Op.LT, index[d], const(0)),
                                          build.compare(Op.GE, index[d], const(n))))
        if not conds:
            return None
        out = conds[0]
        for c in conds[1:]:
            out = build.logical_or(out, c)
        return out

    def _range_width(self, atom: Term) -> int | None:
        """The upper bound of the declared value range of the int data an index term reads (an
        in-bounds index lies in [0, hi), so hi is the extent it indexes; `[-1, N)` allows an
        ignore value below 0)."""
        reads = [n for n in walk(atom) if n.op is Op.READ]
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
        cands, index, spans = found
        outside = self._outside(buf, index, spans)
        if outside is not None and _ruled_out(outside, pred, self._values):
            outside = None  # the path condition excludes the data values that would leave the tensor
        if outside is not None:  # the declared data ranges allow an index outside the tensor
            self.note("oob", f"data-dependent read of {buf.name} at index [{', '.join(map(str, index))}] can fall "
                             f"outside its extents {list(buf.tensor.shape)} (into another row, or past the "
                             f"tensor) for data in its declared range", loc, program)
        self._foreign(buf, None, "reads at a data-dependent offset")
        if any(buf.writer[o] >= 0 and buf.writer[o] != self.current for o, _ in cands):
            self.order_sensitive = True
        for o, _ in cands:
            _mark_read(buf, o, self.current)
        self.note("gather", f"data-dependent index into {buf.name} assumed in bounds", loc, program)
        facts = _facts(pred) if isinstance(pred, Term) else {}
        memo: dict[int, Term] = {}
        cells = [buf.cells[o] if buf.cells[o] is None else _assume(buf.cells[o], facts, memo) for o, _ in cands]
        oob = undef(f"{OUTSIDE_MEMORY} of {buf.name}")
        if all(c is read(buf.name, *buf.index_of[o]) for c, (o, _) in zip(cells, cands, strict=True)):
            inside = read(buf.name, *index)
            return inside if outside is None else build.where(outside, oob, inside)
        acc: Term | None = None if outside is None else oob
        for (_o, cond), cell in reversed(list(zip(cands, cells, strict=True))):
            v = cell if cell is not None else undef(f"unwritten {buf.name}")
            acc = v if acc is None else build.where(cond, v, acc)
        return acc if acc is not None else undef("empty gather")

    def _scatter(self, buf: Buffer, off: Term, value: Term, guard: Term | bool, loc, program) -> None:
        found = self._candidates(buf, off)
        if found is None:
            self.note("gather", f"store to {buf.name} at a data-dependent offset is not modelled", loc, program)
            return
        cands = found[0]
        self.note("gather", f"data-dependent store index into {buf.name} assumed in bounds", loc, program)
        for o, cond in cands:
            old = buf.cells[o]
            hit = cond if guard is True else build.logical_and(guard, cond)
            buf.cells[o] = build.where(hit, value, old if old is not None else undef(f"unwritten {buf.name}"))
            buf.written[o] = True
            if buf.reader[o] not in (-1, self.current) or buf.writer[o] not in (-1, self.current):
                self.order_sensitive = True

    def _atomic_scatter(self, kind: str, buf: Buffer, off: Term, value: Term, guard: Term | bool,
                        loc, program) -> Term:
        """An atomic at a data-dependent offset: every cell it may address is updated under the
        condition selecting it; returns the old value (selected the same way)."""
        found = self._candidates(buf, off)
        if found is None:
            self.note("gather", f"atomic on {buf.name} at a data-dependent offset is not modelled", loc, program)
            return undef("unmodelled atomic")
        cands = found[0]
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
            if buf.reader[off] == -2 or buf.reader[off] >= 0 and buf.reader[off] != pid_lin:
                self.order_sensitive = True  # another program read this cell before: it saw the old value
            if w >= 0 and w != pid_lin and old is not None and old is not new:
                self.order_sensitive = True
                self.note("race", f"programs {w} and {pid_lin} write different values to "
                                  f"{buf.name}{list(buf.index_of[off])}", loc, program)
            buf.cells[off] = new
            buf.writer[off] = pid_lin
            buf.written[off] = True
            self.last_store[(buf.name, buf.index_of[off])] = (loc, program)
            if self.partial:
                lane = tuple(int(k) for k in np.unravel_index(i, shape)) if shape else ()
                self.stored_by[(buf.name, buf.index_of[off])] = (program, lane)

    def atomic(self, kind: str, ptr: Tile, value: Tile, mask: Tile | None, pred: Term | bool,
               loc: SourceLoc | None, program: tuple[int, ...], cmp: Tile | None = None) -> np.ndarray:
        """Atomic read-modify-write, applied lane by lane in program order; returns old values."""
        buf = self.buffers[ptr.ptr]  # type: ignore[index]
        if self.partial and not self.caveat:
            self.caveat = f"atomics on {buf.name}, which other programs update too"
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
            new = wrap_term(new, buf.tensor.dtype)  # an int32 atomic_add wraps as the hardware's does
            guard = lane_mask if isinstance(lane_mask, Term) else True
            if pred is not True:
                guard = build.logical_and(pred, guard) if guard is not True else pred
            if guard is not True:
                new = build.where(guard, new, old)
            buf.cells[off] = new
            buf.written[off] = True
            olds[i] = old
        return concretize(olds.reshape(shape))


def _mark_read(buf: Buffer, off: int, program: int) -> None:
    r = buf.reader[off]
    buf.reader[off] = program if r in (-1, program) else -2


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


def _ruled_out(outside: Term, pred: Term | bool, values_of: Any, limit: int = 256) -> bool:
    """True when no value of the one int datum `outside` depends on makes it true while the path
    condition `pred` holds: `if label != IGNORE: tl.load(p + label)` with labels in [-1, N) reads
    inside the row. Decided by trying every value the datum may hold (at most `limit`)
    in `outside` and in the conjuncts of `pred` that mention only that datum."""
    if not isinstance(pred, Term):
        return False
    atoms = {n for n in walk(outside) if n.op is Op.READ}
    if len(atoms) != 1:
        return False
    (atom,) = atoms
    values = values_of(atom)
    if values is None or len(values) > limit:
        return False
    conjuncts = [c for c in _conjuncts(pred) if {id(n) for n in walk(c) if n.op is Op.READ} == {id(atom)}]
    if not conjuncts:
        return False
    for v in values:
        holds = [_at(c, atom, v) for c in conjuncts]
        if None in holds:
            return False
        if not all(holds):
            continue  # the path condition excludes this value
        if _at(outside, atom, v) is not False:
            return False
    return True


def _at(t: Term, atom: Term, v: int) -> bool | None:
    """The truth of `t` with `atom` replaced by the constant `v`, when it folds to a constant."""
    new: dict[int, Term] = {}
    for n in walk(t):
        if n is atom:
            new[id(n)] = const(v)
        elif n.args:
            new[id(n)] = _rebuild(n, tuple(new[id(a)] for a in n.args))
        else:
            new[id(n)] = n
    r = new[id(t)]
    return bool(r.value) if r.op is Op.CONST and isinstance(r.value, (bool, int)) else None


def _conjuncts(pred: Term):
    """The conjuncts of a path predicate (its AND nodes taken apart)."""
    stack = [pred]
    while stack:
        t = stack.pop()
        if t.op is Op.AND:
            stack.extend(t.args)
        else:
            yield t


def _facts(pred: Term) -> dict[int, bool]:
    """Conditions known true/false on a path: the conjuncts of its predicate (by term id)."""
    out: dict[int, bool] = {}
    for t in _conjuncts(pred):
        if t.op is Op.NOT:
            out[id(t.args[0])] = False
        out[id(t)] = True
    return out


def _rebuild(t: Term, args: tuple[Term, ...]) -> Term:
    """`t` with new arguments: folded through `build` where it simplifies, as built."""
    if all(a is b for a, b in zip(args, t.args, strict=True)):
        return t
    if t.op in (Op.READ, Op.CALL) or t.op in _BINDER_OPS:
        return Term.make(t.op, args, t.attrs)
    return build.apply(t.op, *args)


_BINDER_OPS = frozenset({Op.SUM, Op.PROD, Op.MAXR, Op.MINR, Op.ARGMAX, Op.ARGMIN})


def _assume(t: Term, facts: dict[int, bool], memo: dict[int, Term]) -> Term:
    """`t` with every `where` whose condition is a known fact resolved to its branch. Iterative
    (an accumulator's term is as deep as its loop is long); `memo` maps a sub-term's id to its
    result under these facts and may be shared by calls with the same facts."""
    if not t.args or not facts:
        return t
    stack = [t]
    while stack:
        n = stack[-1]
        if id(n) in memo:
            stack.pop()
            continue
        if not n.args:
            memo[id(n)] = n
            stack.pop()
            continue
        if n.op is Op.WHERE and id(n.args[0]) in facts:
            branch = n.args[1] if facts[id(n.args[0])] else n.args[2]
            if id(branch) in memo:
                memo[id(n)] = memo[id(branch)]
                stack.pop()
            else:
                stack.append(branch)
            continue
        pending = [a for a in n.args if id(a) not in memo]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        memo[id(n)] = _rebuild(n, tuple(memo[id(a)] for a in n.args))
    return memo[id(t)]


class UndefResolver:
    """`where(p, a, b)` with a and b simplified knowing p (resp. not p): a branch that cannot be
    taken disappears, so `where(not c, a, where(c, b, undef))` becomes `where(not c, a, b)`.

    One resolver serves every output element of a launch: whether a sub-term holds an undef is
    computed once per distinct sub-term, and a sub-term's result in a context (the facts known
    true or false on the way down) is memoised by (sub-term, context); contexts are shared while
    no new fact is added, so the elements' shared sub-terms (a row's max, a sum) are resolved
    once, and the cost is linear in the distinct sub-terms. Every walk is iterative."""

    def __init__(self) -> None:
        self._undef: dict[int, bool] = {}
        self._memo: dict[tuple[int, int], Term] = {}
        self._keep: list[Any] = []  # the terms and contexts whose ids key the memos stay alive
        self._empty: dict[int, bool] = {}

    def has_undef(self, t: Term) -> bool:
        known = self._undef
        if id(t) in known:
            return known[id(t)]
        stack = [t]
        while stack:
            n = stack[-1]
            if id(n) in known:
                stack.pop()
                continue
            pending = [a for a in n.args if id(a) not in known]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            known[id(n)] = n.op is Op.UNDEF or any(known[id(a)] for a in n.args)
            self._keep.append(n)
        return known[id(t)]

    def resolve(self, t: Term) -> Term:
        if not self.has_undef(t):
            return t
        memo = self._memo
        # work items: (term, context) to visit, or a continuation building a node from results
        out: list[Term] = []
        work: list[tuple] = [("visit", t, self._empty)]
        while work:
            item = work.pop()
            tag, n, ctx = item[0], item[1], item[2]
            if tag == "visit":
                key = (id(n), id(ctx))
                if key in memo:
                    out.append(memo[key])
                    continue
                if not n.args or not self.has_undef(n) and n.op is not Op.WHERE:
                    out.append(n)
                    continue
                if n.op is Op.WHERE and id(n.args[0]) in ctx:
                    work.append(("store", n, ctx))
                    work.append(("visit", n.args[1] if ctx[id(n.args[0])] else n.args[2], ctx))
                    continue
                if n.op is Op.WHERE:
                    work.append(("cond", n, ctx))
                    work.append(("visit", n.args[0], ctx))
                    continue
                work.append(("apply", n, ctx))
                work.extend(("visit", a, ctx) for a in reversed(n.args))
            elif tag == "store":
                memo[(id(n), id(ctx))] = out[-1]
            elif tag == "cond":
                c2 = out.pop()
                yes, no = self._extend(ctx, c2)
                work.append(("where", n, ctx, c2))
                work.append(("visit", n.args[2], no))
                work.append(("visit", n.args[1], yes))
            elif tag == "where":
                b, a = out.pop(), out.pop()
                r = build.where(item[3], a, b)
                memo[(id(n), id(ctx))] = r
                out.append(r)
            else:  # apply
                k = len(n.args)
                args = tuple(out[-k:])
                del out[-k:]
                r = _rebuild(n, args)
                memo[(id(n), id(ctx))] = r
                out.append(r)
        self._keep.append(t)
        return out[-1]

    def _extend(self, ctx: dict[int, bool], c: Term) -> tuple[dict[int, bool], dict[int, bool]]:
        """The contexts of a `where`'s branches: c's conjuncts true, resp. c false (and, for
        `not d`, d true). A context that learns nothing new is the same object, so memo entries
        keyed by it are shared."""
        yes_new = {k: v for k, v in _facts(c).items() if ctx.get(k) is not v}
        yes = {**ctx, **yes_new} if yes_new else ctx
        no_new = {id(c): False}
        if c.op is Op.NOT:
            no_new[id(c.args[0])] = True
        no_new = {k: v for k, v in no_new.items() if ctx.get(k) is not v}
        no = {**ctx, **no_new} if no_new else ctx
        self._keep += [c, yes, no]
        return yes, no


def resolve_unreachable(t: Term) -> Term:
    """One term through a fresh `UndefResolver` (a launch's elements share one: `run_launch`)."""
    return UndefResolver().resolve(t)

