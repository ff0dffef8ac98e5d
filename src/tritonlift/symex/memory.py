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
from .values import Tile, as_objects, concretize, lane_term


@dataclass(frozen=True)
class Finding:
    kind: str  # oob | race | uninit | gather | note
    message: str
    loc: SourceLoc | None
    program: tuple[int, ...] = ()

    def __str__(self) -> str:
        where = f"{self.loc}: " if self.loc else ""
        pid = f" (program {self.program})" if self.program else ""
        return f"{where}{self.kind}: {self.message}{pid}"


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
            cells[off] = read(t.name, *idx)
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

    def _row(self, buf: Buffer, off: Term) -> tuple[list[int], Term, tuple[int, ...]] | None:
        """For a data-dependent offset `c + t`: the storage offsets of the row it indexes (last
        dimension, stride 1), the position term within the row, and the row's leading index."""
        c, t = 0, off
        if off.op is Op.ADD:
            a, b = off.args
            if a.op is Op.CONST:
                c, t = a.value, b
            elif b.op is Op.CONST:
                c, t = b.value, a
        strides, shape = buf.tensor.strides, buf.tensor.shape
        if not strides or strides[-1] != 1 or not isinstance(c, int):
            return None
        row_stride = strides[-2] if len(strides) > 1 else 0
        row_start = c - (c % row_stride) if row_stride else 0
        lead = buf.index_of.get(row_start)
        if lead is None or lead[-1] != 0:
            return None
        offs = [row_start + k for k in range(shape[-1])]
        return offs, build.add(const(c - row_start), t), lead[:-1]

    def _gather(self, buf: Buffer, off: Term, loc, program, pred: Term | bool = True) -> Term:
        """A read at a data-dependent offset (`x_ptr + y[i]`): the row's cells selected by the
        position, assumed in bounds (reported as a finding)."""
        row = self._row(buf, off)
        if row is None:
            self.note("gather", f"cannot map data-dependent offset {off} to an index of {buf.name}", loc, program)
            return undef(f"data-dependent read of {buf.name}")
        offs, pos, lead = row
        self.note("gather", f"data-dependent index into {buf.name} assumed in bounds", loc, program)
        facts = _facts(pred) if isinstance(pred, Term) else {}
        memo: dict[int, Term] = {}
        cells = [buf.cells[o] if buf.cells[o] is None else _assume(buf.cells[o], facts, memo) for o in offs]
        initial = all(c is read(buf.name, *lead, k) for k, c in enumerate(cells))
        if initial:
            return read(buf.name, *(const(i) for i in lead), pos)
        acc: Term | None = None
        for k in range(len(offs) - 1, -1, -1):
            cell = cells[k]
            v = cell if cell is not None else undef(f"unwritten {buf.name}")
            acc = v if acc is None else build.where(build.compare(Op.EQ, pos, const(k)), v, acc)
        return acc if acc is not None else undef("empty row")

    def _scatter(self, buf: Buffer, off: Term, value: Term, guard: Term | bool, loc, program) -> None:
        row = self._row(buf, off)
        if row is None:
            self.note("gather", f"store to {buf.name} at a data-dependent offset is not modelled", loc, program)
            return
        offs, pos, _lead = row
        self.note("gather", f"data-dependent store index into {buf.name} assumed in bounds", loc, program)
        for k, o in enumerate(offs):
            old = buf.cells[o]
            hit = build.compare(Op.EQ, pos, const(k))
            if guard is not True:
                hit = build.logical_and(guard, hit)
            buf.cells[o] = build.where(hit, value, old if old is not None else undef(f"unwritten {buf.name}"))
            buf.written[o] = True

    def store(self, ptr: Tile, value: Tile, mask: Tile | None, pred: Term | bool,
              loc: SourceLoc | None, program: tuple[int, ...], pid_lin: int) -> None:
        buf = self.buffers[ptr.ptr]  # type: ignore[index]
        offs, m = self._lanes(ptr, mask, pred)
        shape = np.broadcast_shapes(offs.shape, value.shape)
        offs = np.broadcast_to(offs, shape).reshape(-1)
        vals = np.broadcast_to(as_objects(value.data), shape).reshape(-1)
        ms = None if m is None else np.broadcast_to(m, shape).reshape(-1)
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
            if isinstance(off, Term) or not 0 <= off < buf.cells.size or off not in buf.index_of:
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
