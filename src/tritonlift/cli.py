"""Command line: `tritonlift spec|lift|bench|gen-flaggems ...`. Only `main()` exits.

Errors a user can cause print one `file:line:col: kind: message` line (plus the source line and a
caret) and exit with 2; internal errors too, with the traceback only under `--debug`.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

from .errors import TritonLiftError
from .options import Options


def _sizes(text: str | None) -> dict[str, int] | None:
    if not text:
        return None
    out: dict[str, int] = {}
    for part in text.split(","):
        if "=" not in part:
            raise TritonLiftError(f"--size expects NAME=VALUE[,NAME=VALUE...], got {part!r}")
        k, v = part.split("=", 1)
        try:
            out[k.strip()] = int(v)
        except ValueError:
            raise TritonLiftError(f"--size value for {k.strip()} must be an integer, got {v!r}") from None
    return out


def _choice(text: str | None) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in (text or "").split(","):
        if part.strip():
            k, _, v = part.partition("=")
            out[k.strip() if "." in k else f"0.{k.strip()}"] = int(v)
    return out


def cmd_spec(args: argparse.Namespace, opts: Options) -> int:
    from .pipeline import load, run_spec
    from .render.spec_text import spec_json, spec_text

    launch = load(args.launch, args.kernel)
    spec = run_spec(launch, _sizes(args.size), _choice(args.config), opts)
    if args.json:
        print(json.dumps(spec_json(launch, spec), indent=2))
    else:
        print(spec_text(launch, spec))
    return 0


def cmd_lift(args: argparse.Namespace, opts: Options) -> int:
    import dataclasses

    from .pipeline import lift
    from .render.lift_text import lift_text
    from .result import Status

    opts = dataclasses.replace(opts, strategy=args.strategy, prove=not args.no_prove, simplify=not args.no_simplify,
                               dump_smt=Path(args.dump_smt) if args.dump_smt else None)
    r = lift(args.launch, opts, args.kernel)
    if args.format == "json":
        print(json.dumps(r.to_json(), indent=2))
    elif args.format == "latex" and r.formula is not None:
        from .render.latex import formula_latex

        for o in r.formula.outputs:
            print(formula_latex(o.tensor, o.index_vars, o.body))
    elif args.format in ("numpy", "torch"):
        if r.formula is None:
            print(lift_text(r, verbose=args.explain), file=sys.stderr)
        else:
            from .pipeline import load
            from .render.code import reference_code

            print(reference_code(r.formula, load(args.launch, args.kernel), args.format))
    else:
        print(lift_text(r, verbose=args.explain))
    if r.status is Status.ERROR:
        print(r.reason, file=sys.stderr)
        return 2
    return {Status.PROVED: 0, Status.REFUTED: 1, Status.UNSUPPORTED: 2}.get(r.status, 3)


def cmd_bench(args: argparse.Namespace, opts: Options) -> int:
    import dataclasses

    from .bench.runner import run_bench
    from .render.bench_table import bench_rich, bench_text, unproved_lines

    opts = dataclasses.replace(opts, strategy=args.strategy)
    report = run_bench(args.paths, opts, progress=not args.no_progress, timeout=args.timeout,
                       primary_only=args.primary)
    if sys.stdout.isatty():
        from rich.console import Console

        console = Console()
        console.print(bench_rich(report))
        for line in unproved_lines(report):
            console.print(line, markup=False, highlight=False)
    else:
        print(bench_text(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
    s = report.summary
    if args.min_lifted is not None and s.items_lifted < args.min_lifted:
        print(f"bench: {s.items_lifted} of {s.items} benchmark items lifted (BOUNDED or better), "
              f"fewer than --min-lifted {args.min_lifted}", file=sys.stderr)
        return 1
    return 0


def cmd_check(args: argparse.Namespace, opts: Options) -> int:
    from .check import check_formula
    from .render.check_text import check_text
    from .result import Status

    r = check_formula(args.launch, args.formula, opts, kernel=args.kernel)
    if args.json:
        print(json.dumps(r.to_json(), indent=2))
    else:
        print(check_text(r, verbose=args.explain))
    return {Status.PROVED: 0, Status.REFUTED: 1, Status.UNSUPPORTED: 2, Status.ERROR: 2}.get(r.status, 3)


def cmd_assumptions(args: argparse.Namespace, opts: Options) -> int:
    from .verify.axioms import assumed_constants_text, assumptions_text

    print(assumptions_text())
    print()
    print(assumed_constants_text())
    return 0


def cmd_gen_flaggems(args: argparse.Namespace, opts: Options) -> int:
    from .bench import flaggems_gen

    out = Path(args.out) if args.out else opts.generated_dir
    return flaggems_gen.main([str(out)])


def cmd_trace(args: argparse.Namespace, opts: Options) -> int:
    from .interp.cli_trace import run

    return run(args, opts)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tritonlift", description="Lift Triton kernels to verified formulas.")
    p.add_argument("--debug", action="store_true", help="show Python tracebacks for errors")
    p.add_argument("--cache-dir", help="generated-kernel cache (default: ./.tritonlift_cache/flaggems-5.0.2)")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("spec", help="symbolically execute a kernel at one size and print each output element")
    s.add_argument("kernel", nargs="?", help="path.py::name or package.module:name (default: the launch spec's)")
    s.add_argument("--launch", required=True, help="launch spec (TOML)")
    s.add_argument("--size", help="sizes, e.g. N=5,M=2 (default: the spec's first sample)")
    s.add_argument("--config", help="autotune choice, e.g. BLOCK=1 (index into the listed values)")
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    s.set_defaults(func=cmd_spec)
    lf = sub.add_parser("lift", help="lift a kernel to a formula (symbolic execution + synthesis)")
    lf.add_argument("kernel", nargs="?", help="path.py::name or package.module:name (default: the launch spec's)")
    lf.add_argument("--launch", required=True, help="launch spec (TOML)")
    lf.add_argument("--strategy", choices=("top-down", "bottom-up", "both"), default="both")
    lf.add_argument("--format", choices=("text", "json", "latex", "numpy", "torch"), default="text",
                    help="text (Unicode), json, latex, or runnable reference code (numpy, torch)")
    lf.add_argument("--explain", action="store_true", help="show stage timings and the proof obligations")
    lf.add_argument("--no-prove", action="store_true", help="stop after synthesis (BOUNDED at best)")
    lf.add_argument("--no-simplify", action="store_true", help="show the formula as the kernel computes it")
    lf.add_argument("--dump-smt", metavar="DIR", help="write every solver query as SMT-LIB into DIR")
    lf.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    lf.set_defaults(func=cmd_lift)
    b = sub.add_parser("bench", help="lift every launch spec of a corpus and print the results table")
    b.add_argument("paths", nargs="+", help="folders of launch specs (*.toml) and/or spec files")
    b.add_argument("--strategy", choices=("top-down", "bottom-up", "both"), default="both")
    b.add_argument("--json", metavar="FILE", help="also write the results and summary as JSON")
    b.add_argument("--min-lifted", type=int, metavar="N",
                   help="exit with 1 if fewer than N benchmark items reach BOUNDED or better")
    b.add_argument("--timeout", type=float, default=60.0, metavar="S",
                   help="wall-clock limit per spec in seconds (0: none, lift in this process)")
    b.add_argument("--primary", action="store_true",
                   help="skip the variant specs (*.scalar.toml, *.loop.toml)")
    b.add_argument("--no-progress", action="store_true", help="no progress display")
    b.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    b.set_defaults(func=cmd_bench)
    ck = sub.add_parser("check", help="check a formula you wrote against a kernel (REFUTED with a counterexample)")
    ck.add_argument("kernel", nargs="?", help="path.py::name or package.module:name (default: the launch spec's)")
    ck.add_argument("--launch", required=True, help="launch spec (TOML)")
    ck.add_argument("--formula", required=True, help='e.g. "y[i] = sum(k, 0, N, x[i, k])" (several: separate with ;)')
    ck.add_argument("--json", action="store_true", help="machine-readable output")
    ck.add_argument("--explain", action="store_true", help="more detail")
    ck.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    ck.set_defaults(func=cmd_check)
    asm = sub.add_parser("assumptions", help="list every trusted assumption (axioms) and the proved lemma library")
    asm.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    asm.set_defaults(func=cmd_assumptions)
    g = sub.add_parser("gen-flaggems", help="generate FlagGems' rank-1 elementwise kernels (needs [interp,corpus])")
    g.add_argument("out", nargs="?", help="output directory (default: the generated-kernel cache)")
    g.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    g.set_defaults(func=cmd_gen_flaggems)
    tr = sub.add_parser("trace", help="run a host call under the Triton interpreter and write its launch spec (needs [interp])")
    from .interp.cli_trace import add_arguments

    add_arguments(tr)
    tr.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    tr.set_defaults(func=cmd_trace)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    opts = Options(debug=bool(args.debug))
    if args.cache_dir:
        import dataclasses

        opts = dataclasses.replace(opts, generated_dir=Path(args.cache_dir))
    try:
        code = args.func(args, opts)
    except TritonLiftError as e:
        if opts.debug:
            traceback.print_exc()
        print(str(e), file=sys.stderr)
        code = 2
    except BrokenPipeError:  # output piped into `head`: not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        code = 2
    except Exception as e:  # an internal error: still one line unless --debug
        if opts.debug:
            traceback.print_exc()
        print(f"internal error: {type(e).__name__}: {e} (run with --debug for the traceback)", file=sys.stderr)
        code = 2
    return code


if __name__ == "__main__":
    sys.exit(main())
