"""`tritonlift sweep` arguments and entry point (cli.py registers the parser and calls `run`).
Importing this module imports neither torch nor triton."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

EPILOG = """examples:
  nice tritonlift sweep flag_gems liger -o sweep/ --jobs 2          # everything; resumes if interrupted
  tritonlift sweep flag_gems --only softmax,layer_norm -o sweep/     # a slice
  tritonlift sweep --list                                            # the table of example calls"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = EPILOG
    p.add_argument("libraries", nargs="*", help="flag_gems, liger (default: all)")
    p.add_argument("-o", "--out", default="sweep", help="output folder: specs/, ops/ (one JSON per operator), "
                                                      "report.json, report.html (default: ./sweep)")
    p.add_argument("--only", action="append", default=[], metavar="NAMES",
                   help="operators to run, comma-separated names or substrings of library.name")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="operators at once (default: the cores)")
    p.add_argument("--op-timeout", type=float, default=300.0, metavar="S", help="time limit per operator (default 300)")
    p.add_argument("--max-size", type=int, default=1025, help="largest size trace tries (default 1025)")
    p.add_argument("--redo", action="store_true", help="run operators that already have a result again")
    p.add_argument("--limit", type=int, help="at most this many operators (after --only)")
    p.add_argument("--list", action="store_true", help="print the table of example calls and exit")
    p.add_argument("--report", action="store_true", help="rewrite the report from the results on disk and exit")
    p.add_argument("--markdown", action="store_true", help="print the coverage table as Markdown (for the README)")


def run(args: argparse.Namespace, opts: Any) -> int:
    from ..errors import UsageError
    from .run import SweepOptions, run_sweep, select
    from .table import LIBRARIES, category

    libs = args.libraries or list(LIBRARIES)
    for lib in libs:
        if lib not in LIBRARIES:
            raise UsageError(f"unknown library {lib!r} (known: {', '.join(LIBRARIES)})")
    only = [o.strip() for item in args.only for o in item.split(",") if o.strip()]
    so = SweepOptions(Path(args.out), libs, only, args.jobs, args.op_timeout, args.max_size,
                      Path(opts.generated_dir), args.redo, args.limit)
    if args.list:
        for c in select(so):
            print(f"{c.key:40s} {category(c):12s} {c.op or '-':34s} {c.call}" + (f"   [{c.why}]" if c.why else ""))
        return 0
    if args.report:
        from .report import write_report

        doc = write_report(so.out, select(so))
    else:
        doc = run_sweep(so)
    s = doc["summary"]
    print(", ".join(f"{k} {v}" for k, v in s["statuses"].items()) + f"  ({s['operators']} operators, "
          f"{s['seconds_total']} s of operator time); report: {so.out / 'report.html'}")
    if args.markdown:
        from .report import table_markdown

        print(table_markdown(s))
    return 0
