"""`tritonlift.record`: write the launch spec of your own host code from inside it.

    for M, N in [(3, 5), (4, 16), (17, 33), (2, 100), (8, 7)]:
        x = torch.randn(M, N); y = torch.empty_like(x)
        with tritonlift.record("row_scale.toml", shapes={"x": "M,N"}):
            row_scale_kernel[(M,)](x, y, N, BLOCK=triton.next_power_of_2(N))

Every block with the same output path adds one run (a `reset=True` block starts over); after each
block the spec is rewritten from all runs so far. Tensors are named after the variables of the
block's frame; the ones in ``shapes`` are inputs (``inout`` when a launch wrote them) and give the
size symbols their values, any other variable a launch wrote is an ``out``. With five or more runs
the last one is held out to validate the fit. A single run cannot separate a block size from a
constant: the spec then says so in its comments.

Needs ``TRITON_INTERPRET=1`` (set before triton is imported) and the ``[interp]`` extra.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .generalise import SpecText, check_spec, generalise, render
from .observe import Observation, observe
from .recorder import LaunchRecorder, TraceError

_RECORDERS: dict[Path, Recorder] = {}


def _dims(spec: Any) -> tuple[str, ...]:
    if isinstance(spec, str):
        return tuple(d.strip() for d in spec.split(",") if d.strip())
    return tuple(str(d) for d in spec)


class Recorder:
    """The runs recorded for one output path (see the module docstring)."""

    def __init__(self, path: Path, shapes: dict[str, Any], reals: dict[str, str] | None = None,
                 op: str | None = None, generated_dir: Path | None = None) -> None:
        self.path = path
        self.shapes = {k: _dims(v) for k, v in shapes.items()}
        self.reals = dict(reals or {})
        self.op = op or path.stem
        self.generated_dir = generated_dir
        self.runs: list[Observation] = []
        self.symbols: list[str] = []
        for dims in self.shapes.values():
            for d in dims:
                if not d.isdigit() and d not in self.symbols:
                    self.symbols.append(d)
        self._frame: Any = None
        self._rec: LaunchRecorder | None = None
        self._refs: dict[Any, str] = {}
        self.text = ""

    def __enter__(self) -> Recorder:
        self._frame = sys._getframe(1)
        self._rec = LaunchRecorder(poison_empty=False)
        self._rec.__enter__()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        rec, frame = self._rec, self._frame
        self._rec = self._frame = None
        assert rec is not None
        rec.__exit__(exc_type, exc, tb)
        if exc_type is not None:
            return
        local = dict(frame.f_locals)
        del frame
        self.runs.append(self._observe(rec, local))
        self.write()

    def _observe(self, rec: LaunchRecorder, local: dict[str, Any]) -> Observation:
        import torch

        from .kernels import kernel_ref

        named = {k: v for k, v in local.items() if isinstance(v, torch.Tensor)}
        sizes: dict[str, int] = {}
        for name, dims in self.shapes.items():
            t = named.get(name)
            if t is None:
                raise TraceError(f"record: no tensor variable {name!r} in the recorded block's frame")
            if len(dims) != t.dim():
                raise TraceError(f"record: {name} has {t.dim()} dimensions, shapes gives {len(dims)}")
            for d, n in zip(dims, t.shape, strict=True):
                if d.isdigit():
                    if int(d) != n:
                        raise TraceError(f"record: {name} has extent {n} where shapes gives {d}")
                elif sizes.setdefault(d, int(n)) != n:
                    raise TraceError(f"record: size {d} is {sizes[d]} and {n} at once")
        reals: dict[str, float] = {}
        for r in self.reals:
            v = local.get(r)
            if not isinstance(v, (int, float)):
                raise TraceError(f"record: real {r!r} needs a float variable of that name in the block's frame")
            reals[r] = float(v)
        gen_dir = self.generated_dir
        if gen_dir is None:
            from ..options import Options

            gen_dir = Options().generated_dir
        for launch in rec.recording.launches:
            if launch.fn not in self._refs:
                self._refs[launch.fn] = kernel_ref(launch.fn, self.path.resolve().parent, gen_dir)
        if not rec.recording.launches:
            raise TraceError("record: the block launched no Triton kernel")
        return observe(rec.recording, sizes, named=named, sym_shapes=self.shapes, reals=reals,
                       outputs_named=True, refs=self._refs, reserved=set(self.symbols) | set(reals))

    def write(self) -> str:
        """Fit the runs so far and (re)write the spec; returns its text."""
        runs = self.runs
        sig = runs[-1].signature()
        same = [r for r in runs if r.signature() == sig]
        others = len(runs) - len(same)
        hold = same[-1:] if len(same) >= 5 else []
        fit = same[:-1] if hold else same
        gen = generalise(fit, self.symbols)
        notes = []
        if len(fit) == 1:
            notes.append("Recorded at one size only: a value equal to a size is written as that size, any other "
                         "as a constant. Record the block at several sizes to fit and validate expressions.")
        if others:
            notes.append(f"{others} earlier run(s) had another launch structure and are not described here.")
        if gen.failed:
            raise TraceError("record: no size expression fits " + ", ".join(gen.failed))
        info = SpecText(self.op, "tritonlift.record", "the recorded block", self.symbols,
                        {}, {}, dict(self.reals), [o.sizes for o in fit], [o.sizes for o in hold],
                        _versions(), [f"Launch structure described: {runs[-1].structure()}."], notes)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.text = render(runs[-1], gen, info)
        self.path.write_text(self.text)
        problems = check_spec(self.path, same)
        if problems and hold:
            gen = generalise(same, self.symbols)
            info.fit_sizes, info.check_sizes = [o.sizes for o in same], []
            info.extra_notes.append("Not validated: the fit disagreed with the held-out run; refitted with it.")
            self.text = render(runs[-1], gen, info)
            self.path.write_text(self.text)
            problems = check_spec(self.path, same)
        if problems:
            raise TraceError(f"record: the written spec disagrees with the launches: {problems[0]}")
        return self.text


def _versions() -> str:
    from .explore import _versions as versions

    return versions()


def record(path: str | Path, shapes: dict[str, Any], *, reals: dict[str, str] | None = None,
           op: str | None = None, reset: bool = False, generated_dir: str | Path | None = None) -> Recorder:
    """A context manager recording the kernel launches of its block into the launch spec `path`
    (see the module docstring). Blocks with the same `path` accumulate runs."""
    p = Path(path).resolve()
    rec = _RECORDERS.get(p)
    want = {k: _dims(v) for k, v in shapes.items()}
    if reset or rec is None or rec.shapes != want or rec.reals.keys() != (reals or {}).keys():
        rec = Recorder(p, shapes, reals, op, Path(generated_dir) if generated_dir else None)
        _RECORDERS[p] = rec
    return rec
