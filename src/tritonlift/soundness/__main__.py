"""`python -m tritonlift.soundness`: the mutation suite (see tests/soundness/RESULTS.md).

    python -m tritonlift.soundness [--jobs 2] [--limit N] [--json FILE] [--seed 0] [--per-base 6]
                                   [--only ID ...] [--bases TEXT] [--run-dir DIR] [--list]
    python -m tritonlift.soundness adversarial [--json FILE] [NAME ...]

Prints `soundness: N mutants, wrong-proved A, wrong-bounded B, refuted C/D differing`, the
breakdown and every wrong claim. Exit code 0 when A = B = 0, 1 otherwise.
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
from pathlib import Path

from . import bases as bases_mod


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # a terminated run still stops its worker processes (the pool's `finally`)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if argv[:1] == ["adversarial"]:
        from .adversarial import main as adversarial_main

        return adversarial_main(argv[1:])
    p = argparse.ArgumentParser(prog="python -m tritonlift.soundness", description=__doc__.split("\n\n")[0])
    p.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    p.add_argument("--limit", type=int, default=None, help="judge a seeded subset of N mutants")
    p.add_argument("--json", type=Path, default=None, help="write every record and the summary here")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--per-base", type=int, default=bases_mod.DEFAULT_PER_BASE, help="mutants per kernel (default 6)")
    p.add_argument("--only", nargs="*", default=None, help="mutant identifiers to judge")
    p.add_argument("--bases", default="", help="only kernels whose identifier contains this text")
    p.add_argument("--run-dir", type=Path, default=None, help="where mutants and caches go (default: a new temp dir)")
    p.add_argument("--cache-dir", type=Path, default=None, help="generated FlagGems kernels")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per lift and per check (judge: 2.5x)")
    p.add_argument("--no-check", action="store_true", help="skip `check` of the intended formula")
    p.add_argument("--no-simplify", action="store_true")
    p.add_argument("--list", action="store_true", help="list the mutants and exit")
    p.add_argument("--quiet", action="store_true")
    a = p.parse_args(argv)
    from ..options import Options
    from . import suite

    run_dir = a.run_dir or Path(tempfile.mkdtemp(prefix="tritonlift-soundness-"))
    generated = a.cache_dir or Options().generated_dir
    if not generated.exists():
        generated = bases_mod.ROOT / ".tritonlift_cache" / "flaggems-5.0.2"
    if a.list:
        specs = [q for q in bases_mod.base_specs() if a.bases in f"{q.parent.name}/{q.stem}"]
        _, mutants = bases_mod.generate(run_dir, generated, a.seed, a.per_base, specs,
                                        set(a.only) if a.only else None)
        for m in suite.select(mutants, a.limit, a.seed):
            print(f"{m.ident}\t{m.description}\tline {m.line}")
        return 0
    cfg = suite.Config(run_dir=run_dir, generated_dir=generated, jobs=a.jobs, seed=a.seed, per_base=a.per_base,
                       limit=a.limit, only=set(a.only) if a.only else None, base_filter=a.bases,
                       timeout_lift=a.timeout, timeout_check=a.timeout, timeout_judge=2.5 * a.timeout,
                       check=not a.no_check, simplify=not a.no_simplify, progress=not a.quiet)
    report = suite.run(cfg)
    if a.json:
        suite.write_json(report, a.json)
    print(suite.text_report(report))
    s = report.summary()
    return 0 if s["wrong_proved"] == 0 and s["wrong_bounded"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
