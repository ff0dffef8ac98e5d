"""Command line: `tritonlift spec|lift|check|bench|assumptions|schema|gen-flaggems ...`. Only
`main()` exits; every subcommand is one `cmd_*` function returning its exit code.

A problem is reported once, on stderr: `file:line:col: kind: message`, then the source line and
a caret (coloured on a terminal only). Exit codes (`exitcodes.py`, also in `--help`): 0 proved
or success, 1 refuted or a bug found, 2 usage or input error, 3 not proved (bounded, unknown,
timeout), 4 unsupported, 5 internal error. Python tracebacks only under `--debug`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from . import __version__
from .errors import Diagnostic, TritonLiftError, UsageError
from .options import Options


def _sizes(text: str | None) -> dict[str, int] | None:
    if not text:
        return None
    out: dict[str, int] = {}
    for part in text.split(","):
        if "=" not in part:
            raise UsageError(f"--size expects NAME=VALUE[,NAME=VALUE...], got {part!r}")
        k, v = part.split("=", 1)
        try:
            out[k.strip()] = int(v)
        except ValueError:
            raise UsageError(f"--size value for {k.strip()} must be an integer, got {v[:40]!r}") from None
    return out


def _choice(text: str | None) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in (text or "").split(","):
        if part.strip():
            k, eq, v = part.partition("=")
            try:
                if not eq:
                    raise ValueError
                out[k.strip() if "." in k else f"0.{k.strip()}"] = int(v)
            except ValueError:
                raise UsageError(f"--config expects NAME=INDEX[,NAME=INDEX...], got {part[:40]!r}") from None
    return out


def _check_choice(spec: Any, choice: dict[str, int]) -> None:
    from .frontend.concrete import autotune_params

    known = autotune_params(spec)
    for k, v in choice.items():
        if k not in known:
            names = ", ".join(n.split(".", 1)[1] for n in known) or "none"
            raise UsageError(f"--config: {k.split('.', 1)[1]} is not an autotuned parameter (autotuned: {names})")
        if not 0 <= v < known[k]:
            raise UsageError(f"--config: index {v} for {k.split('.', 1)[1]} is out of range (0..{known[k] - 1})")


def _directory(text: str, flag: str) -> Path:
    """A directory to write into, created if missing (a usage error when it cannot be)."""
    path = Path(text)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"{flag} {text}: {'not a directory' if path.exists() else e.strerror or e}") from None
    return path


def _display(title: str):
    from .render.progress import StageDisplay

    return StageDisplay(title)


def cmd_spec(args: argparse.Namespace, opts: Options) -> int:
    from .api import spec_staged
    from .pipeline import load
    from .render.spec_text import spec_json, spec_text

    launch = load(args.launch, args.kernel)
    choice = _choice(args.config)
    _check_choice(launch, choice)
    sizes = _sizes(args.size)
    with _display(f"spec {args.launch}") as shown:
        spec = spec_staged(launch, sizes, choice, opts, args.timeout, shown.update)
    if args.json:
        print(json.dumps(spec_json(launch, spec), indent=2))
    else:
        print(spec_text(launch, spec))
    return 1 if any(f.bug for f in spec.findings) else 0  # a bug found (result.BUG_KINDS): exit 1


def cmd_lift(args: argparse.Namespace, opts: Options) -> int:
    import dataclasses

    from .api import lift_staged
    from .exitcodes import for_status
    from .render.lift_text import lift_text

    opts = dataclasses.replace(opts, strategy=args.strategy, prove=not args.no_prove, simplify=not args.no_simplify,
                               dump_smt=_directory(args.dump_smt, "--dump-smt") if args.dump_smt else None)
    fmt = "json" if args.json else args.format
    with _display(f"lift {args.launch}") as shown:
        r = lift_staged(args.launch, args.kernel, opts, args.timeout, shown.update)
    if fmt == "json":
        print(json.dumps(r.to_json(), indent=2))
    if r.error is not None:
        _emit(r.error)
    elif fmt == "latex" and r.formula is not None:
        from .render.latex import formula_latex

        for o in r.formula.outputs:
            print(formula_latex(o.tensor, o.index_vars, o.body))
    elif fmt in ("numpy", "torch") and r.formula is not None:
        from .pipeline import load
        from .render.code import reference_code

        print(reference_code(r.formula, load(args.launch, args.kernel), fmt))
    elif fmt != "json":
        out = sys.stdout if fmt == "text" else sys.stderr  # no formula: the account is not code
        print(lift_text(r, verbose=args.explain), file=out)
    return int(for_status(r.status, r.error.kind if r.error else None))


def cmd_bench(args: argparse.Namespace, opts: Options) -> int:
    import dataclasses

    from .bench.runner import run_bench
    from .render.bench_table import bench_rich, bench_text, finding_lines, unproved_lines

    opts = dataclasses.replace(opts, strategy=args.strategy)
    report = run_bench(args.paths, opts, progress=not args.no_progress and sys.stderr.isatty(),
                       timeout=args.timeout, primary_only=args.primary, jobs=args.jobs)
    to_stdout = args.json == "-"
    if to_stdout:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    elif sys.stdout.isatty():
        from rich.console import Console

        console = Console()
        console.print(bench_rich(report))
        for line in [*unproved_lines(report), *finding_lines(report)]:
            console.print(line, markup=False, highlight=False)
    else:
        print(bench_text(report))
    if args.json and not to_stdout:
        Path(args.json).write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
    s = report.summary
    if args.min_lifted is not None and s.items_lifted < args.min_lifted:
        print(f"bench: {s.items_lifted} of {s.items} benchmark items lifted (BOUNDED or better), "
              f"fewer than --min-lifted {args.min_lifted}", file=sys.stderr)
        return 1
    return 0


def cmd_check(args: argparse.Namespace, opts: Options) -> int:
    import dataclasses

    from .api import check_staged
    from .exitcodes import for_status
    from .reference.cli import check_formula_text
    from .render.check_text import check_text

    opts = dataclasses.replace(opts, prove=not args.no_prove,
                               dump_smt=_directory(args.dump_smt, "--dump-smt") if args.dump_smt else None)
    formula = check_formula_text(args)
    with _display(f"check {args.launch}") as shown:
        r = check_staged(args.launch, formula, args.kernel, opts, args.timeout, shown.update)
    if args.json:
        print(json.dumps(r.to_json(), indent=2))
    if r.error is not None:
        _emit(r.error)
    elif not args.json:
        print(check_text(r, verbose=args.explain))
    return int(for_status(r.status, r.error.kind if r.error else None))


def cmd_assumptions(args: argparse.Namespace, opts: Options) -> int:
    from .render.assumptions import assumed_constants_text, assumptions_text

    print(assumptions_text())
    print()
    print(assumed_constants_text())
    return 0


def cmd_schema(args: argparse.Namespace, opts: Options) -> int:
    from .frontend.schema import json_schema_text

    text = json_schema_text()
    if args.output:
        try:
            Path(args.output).write_text(text)
        except OSError as e:
            raise UsageError(f"--output {args.output}: {e.strerror or e}") from None
    else:
        sys.stdout.write(text)
    return 0


def cmd_gen_flaggems(args: argparse.Namespace, opts: Options) -> int:
    from .bench import flaggems_gen

    out = Path(args.out) if args.out else opts.generated_dir
    return flaggems_gen.main([str(out)])


def cmd_reference(args: argparse.Namespace, opts: Options) -> int:
    from .reference.cli import run_reference

    return run_reference(args)


def cmd_sweep(args: argparse.Namespace, opts: Options) -> int:
    from .sweep.cli import run

    return run(args, opts)


def cmd_trace(args: argparse.Namespace, opts: Options) -> int:
    from .interp.cli_trace import run

    return run(args, opts)


# -- the parser ---------------------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors (`tritonlift lift: usage error: ...`) and exit code 2."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: usage error: {message} (see '{self.prog} --help')\n")


def _seconds(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text[:40]!r}") from None
    if not 0 < v < 1e7:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text[:40]!r}")
    return v


def _common(s: argparse.ArgumentParser, json_help: str = "machine-readable output (JSON on stdout)",
            timeout: bool = True) -> None:
    s.add_argument("--json", action="store_true", help=json_help)
    if timeout:
        s.add_argument("--timeout", type=_seconds, metavar="S",
                       help="wall-clock limit in seconds: past it, the result is UNKNOWN naming the stage")
    s.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    from .exitcodes import HELP

    p = _Parser(prog="tritonlift", description="Lift Triton kernels to verified formulas.",
                epilog=HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"tritonlift {__version__}")
    p.add_argument("--debug", action="store_true", help="show Python tracebacks for errors")
    p.add_argument("--cache-dir", help="generated-kernel cache (default: ./.tritonlift_cache/flaggems-5.0.2)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    kernel_help = "path.py::name or package.module:name (default: the launch spec's)"

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help, epilog=HELP,
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    s = command("spec", "symbolically execute a kernel at one size and print each output element")
    s.add_argument("kernel", nargs="?", help=kernel_help)
    s.add_argument("--launch", required=True, help="launch spec (TOML)")
    s.add_argument("--size", help="sizes, e.g. N=5,M=2 (default: the spec's first sample)")
    s.add_argument("--config", help="autotune choice, e.g. BLOCK=1 (index into the listed values)")
    _common(s)
    s.set_defaults(func=cmd_spec)
    lf = command("lift", "lift a kernel to a formula (symbolic execution, synthesis, proof)")
    lf.add_argument("kernel", nargs="?", help=kernel_help)
    lf.add_argument("--launch", required=True, help="launch spec (TOML)")
    lf.add_argument("--strategy", choices=("top-down", "bottom-up", "both"), default="both")
    lf.add_argument("--format", choices=("text", "json", "latex", "numpy", "torch"), default="text",
                    help="text (Unicode), json (same as --json), latex, or reference code (numpy, torch)")
    lf.add_argument("--explain", action="store_true", help="show stage timings and the proof obligations")
    lf.add_argument("--no-prove", action="store_true", help="stop after synthesis (BOUNDED at best)")
    lf.add_argument("--no-simplify", action="store_true", help="show the formula as the kernel computes it")
    lf.add_argument("--dump-smt", metavar="DIR", help="write every solver query as SMT-LIB into DIR")
    _common(lf)
    lf.set_defaults(func=cmd_lift)
    ck = command("check", "check a formula you wrote against a kernel (REFUTED with a counterexample)")
    ck.add_argument("kernel", nargs="?", help=kernel_help)
    ck.add_argument("--launch", required=True, help="launch spec (TOML)")
    ck.add_argument("--formula",
                    help='e.g. "y[i] = sum(k, 0, N, x[i, k])" (several: separate with ;); docs/formula-language.md')
    from .reference.cli import add_check_arguments

    add_check_arguments(ck)
    ck.add_argument("--explain", action="store_true", help="more detail")
    ck.add_argument("--no-prove", action="store_true", help="compare at the checked sizes only (BOUNDED at best)")
    ck.add_argument("--dump-smt", metavar="DIR", help="write every solver query as SMT-LIB into DIR "
                    "(the equality decider's and the prover's)")
    _common(ck)
    ck.set_defaults(func=cmd_check)
    b = command("bench", "lift every launch spec of a corpus and print the results table")
    b.add_argument("paths", nargs="+", help="folders of launch specs (*.toml) and/or spec files")
    b.add_argument("--strategy", choices=("top-down", "bottom-up", "both"), default="both")
    b.add_argument("--json", nargs="?", const="-", metavar="FILE",
                   help="JSON results and summary: on stdout instead of the table, or also into FILE")
    b.add_argument("--min-lifted", type=int, metavar="N",
                   help="exit with 1 if fewer than N benchmark items reach BOUNDED or better")
    b.add_argument("--timeout", type=float, default=60.0, metavar="S",
                   help="wall-clock limit per spec in seconds (0: none, lift in this process)")
    b.add_argument("--primary", action="store_true", help="skip the variant specs (*.scalar.toml, *.loop.toml)")
    b.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="specs lifted at once, each in its own worker process (default: the machine's cores)")
    b.add_argument("--no-progress", action="store_true", help="no progress display")
    b.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    b.set_defaults(func=cmd_bench)
    asm = command("assumptions", "list every trusted assumption (axioms) and the proved lemma library")
    asm.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    asm.set_defaults(func=cmd_assumptions)
    sc = command("schema", "print the JSON Schema of launch specs (for editors; docs/launch-spec.md)")
    sc.add_argument("--output", "-o", metavar="FILE", help="write it to FILE instead of stdout")
    sc.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sc.set_defaults(func=cmd_schema)
    g = command("gen-flaggems", "generate FlagGems' rank-1 elementwise kernels (needs [interp,corpus])")
    g.add_argument("out", nargs="?", help="output directory (default: the generated-kernel cache)")
    g.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    g.set_defaults(func=cmd_gen_flaggems)
    tr = sub.add_parser("trace", help="run a host call under the Triton interpreter and write its launch spec (needs [interp])")
    from .interp.cli_trace import add_arguments

    add_arguments(tr)
    tr.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    tr.set_defaults(func=cmd_trace)
    from .reference.cli import add_reference_arguments

    rf = command("reference", "list the reference library of PyTorch operators, or print one operator's formula")
    add_reference_arguments(rf)
    rf.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    rf.set_defaults(func=cmd_reference)
    sw = sub.add_parser("sweep", help="trace, lift and check every operator of a library against the reference "
                                      "library (needs [interp])")
    from .sweep.cli import add_arguments as add_sweep_arguments

    add_sweep_arguments(sw)
    sw.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sw.set_defaults(func=cmd_sweep)
    return p


# -- reporting ----------------------------------------------------------------------------------------

def _emit(diag: Diagnostic) -> None:
    """The one diagnostic on stderr: coloured on a terminal only (and never with NO_COLOR set)."""
    text = str(diag)
    if sys.stderr.isatty() and "NO_COLOR" not in os.environ:
        head, _, rest = text.partition("\n")
        colour = "33" if diag.kind in ("unsupported", "timeout") else "31"
        prefix = f"{diag.loc}: " if diag.loc else ""
        head = head.replace(f"{prefix}{diag.kind}:", f"\x1b[1m{prefix}\x1b[0m\x1b[1;{colour}m{diag.kind}:\x1b[0m", 1)
        text = f"{head}\n{rest}" if rest else head
    print(text, file=sys.stderr)


def _wants_json(args: argparse.Namespace) -> bool:
    return getattr(args, "json", None) is True or getattr(args, "format", None) == "json"


def main(argv: list[str] | None = None) -> int:
    from .exitcodes import ExitCode, for_kind

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help and --version (0), usage errors (2): argparse has printed them
        return e.code if isinstance(e.code, int) else int(ExitCode.INPUT_ERROR)
    opts = Options(debug=bool(args.debug))
    if args.cache_dir:
        import dataclasses

        opts = dataclasses.replace(opts, generated_dir=Path(args.cache_dir))
    diag: Diagnostic | None = None
    try:
        code = args.func(args, opts)
    except TritonLiftError as e:
        if opts.debug:
            traceback.print_exc()
        diag = e.diagnostic()
        code = for_kind(diag.kind)
    except BrokenPipeError:  # output piped into `head`: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return int(ExitCode.OK)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except (Exception, RecursionError) as e:  # an internal error: one line unless --debug
        if opts.debug:
            traceback.print_exc()
        diag = Diagnostic("internal error", f"{type(e).__name__}: {e} (a bug in tritonlift; "
                                            f"run with --debug for the traceback)")
        code = ExitCode.INTERNAL
    if diag is not None:
        if _wants_json(args):
            print(json.dumps({"status": "ERROR", "error": diag.to_json()}, indent=2))
        _emit(diag)
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
