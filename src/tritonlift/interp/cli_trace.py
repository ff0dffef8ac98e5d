"""The `tritonlift trace` subcommand: arguments and entry point (cli.py adds the parser and calls
:func:`run`). Importing this module imports neither torch nor triton."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import Any

EPILOG = """examples:
  tritonlift trace "flag_gems.softmax(x, dim=1)" --shape x=M,N -o softmax.toml
  tritonlift trace "flag_gems.sum(x)" --shape x=M -o sum.toml --lift
  tritonlift trace "flag_gems.layer_norm(x, [N], w, b, eps=1e-5)" --shape x=M,N --shape w=N \\
      --shape b=N --real "eps: eps > 0" --at N=200 --widen N -o layer_norm.toml
  tritonlift trace "liger_kernel.ops.swiglu.swiglu_forward(a, b, gate_multiplier=1.0)" \\
      --shape "a=M,N b=M,N" --real gate_multiplier -o swiglu.toml"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = EPILOG
    p.add_argument("call", help="a Python expression over the named tensors, e.g. \"flag_gems.softmax(x, dim=1)\"")
    p.add_argument("--shape", action="append", required=True, metavar="NAME=DIMS",
                   help="a tensor of the call and its symbolic shape, e.g. x=M,N (repeatable)")
    p.add_argument("--dtype", action="append", default=[], metavar="NAME=DTYPE", help="f32 (default), f16, bf16, i64, ...")
    p.add_argument("--real", action="append", default=[], metavar="NAME[=VALUE][:CONSTRAINT]",
                   help="a float of the call kept symbolic, e.g. \"eps: eps > 0\" (value from eps=... in the call)")
    p.add_argument("--range", action="append", default=[], metavar="NAME=LO:HI",
                   help="int tensor contents in [LO, HI), int expressions of the sizes (e.g. target=0:N)")
    p.add_argument("-o", "--out", help="launch spec to write (default: <op>.toml)")
    p.add_argument("--op", help="operator name written into the spec (default: the called function's)")
    p.add_argument("--at", help="describe the launch structure the host uses at these sizes, e.g. N=200")
    p.add_argument("--widen", action="append", default=[], metavar="SIZE",
                   help="drop the lower bound the host's threshold puts on SIZE (the kernel is meaningful below it)")
    p.add_argument("--constraint", action="append", default=[], metavar="EXPR",
                   help="a precondition of the host on the sizes, e.g. \"D %% 2 == 0\" (sizes breaking it are not run)")
    p.add_argument("--autotune", choices=("first", "smallest", "all"), default="first",
                   help="autotuned constexprs: the config the interpreter runs (it cannot benchmark), the first "
                        "surviving the kernel's pruning or the one with the smallest blocks; or all: every "
                        "value of the decorator's configs listed (each combination is proved), the smallest "
                        "config run")
    p.add_argument("--max-size", type=int, default=65537, help="largest value tried for a size (default 65537)")
    p.add_argument("--budget", type=float, default=6.0, metavar="S",
                   help="stop growing a size when one run is predicted to take longer than S seconds")
    p.add_argument("--lift", action="store_true", help="then lift the written spec (exit code of lift)")
    p.add_argument("--check", action="store_true",
                   help="then check the written spec against the PyTorch operator the call implements (the reference "
                        "library; exit code of check)")
    p.add_argument("--against", metavar="OP", help="with --check: the reference operator, e.g. aten::elu "
                                                   "(default: found from the call)")


def _at(text: str | None) -> dict[str, int] | None:
    if not text:
        return None
    out: dict[str, int] = {}
    for part in text.replace(" ", ",").split(","):
        if part.strip():
            k, _, v = part.partition("=")
            out[k.strip()] = int(v)
    return out


def run(args: argparse.Namespace, opts: Any) -> int:
    os.environ.setdefault("TRITON_INTERPRET", "1")
    from .recorder import TraceError
    from .trace import TraceRequest, parse_pairs, parse_real, parse_shapes, trace

    ranges: dict[str, tuple[str, str]] = {}
    for name, val in parse_pairs(args.range, "--range").items():
        lo, sep, hi = val.partition(":")
        if not sep:
            raise TraceError(f"--range {name}: expected LO:HI, got {val!r}")
        ranges[name] = (lo, hi)
    try:
        at = _at(args.at)
    except ValueError:
        raise TraceError(f"--at expects SIZE=VALUE[,SIZE=VALUE], got {args.at!r}") from None
    req = TraceRequest(
        call=args.call, shapes=parse_shapes(args.shape), dtypes=parse_pairs(args.dtype, "--dtype"),
        reals=[parse_real(r) for r in args.real], ranges=ranges, op=args.op, at=at,
        max_size=args.max_size, run_budget=args.budget, generated_dir=opts.generated_dir,
        widen=set(args.widen), constraints=list(args.constraint), autotune=args.autotune, command="tritonlift trace " + " ".join(shlex.quote(a) for a in sys.argv[2:]))
    from .explore import op_name

    out = Path(args.out or f"{args.op or op_name(args.call)}.toml")
    result = trace(req, out)
    print(f"wrote {result.path}: {len(result.fit_sizes)} sizes fitted, {len(result.check_sizes)} validated, "
          f"{result.runs} runs, {result.seconds:.1f} s")
    for desc, where in result.structures.items():
        print(f"  {'described' if where == 'described' else 'also seen at ' + where}: {desc}")
    if args.check or args.against:
        from ..reference.cli import check_traced

        return check_traced(args.call, out, args.against, opts)
    if not args.lift:
        return 0
    import dataclasses

    from ..pipeline import lift
    from ..render.lift_text import lift_text
    from ..result import Status

    r = lift(out, dataclasses.replace(opts))
    print(lift_text(r))
    if r.status is Status.ERROR:
        print(r.reason, file=sys.stderr)
        return 2
    return {Status.PROVED: 0, Status.REFUTED: 1, Status.UNSUPPORTED: 2}.get(r.status, 3)
