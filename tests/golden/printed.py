"""The formulas `lift` prints for every PROVED result of the public corpus (corpus/), tests/kernels
and tests/kernels/idioms, as printed (Unicode, `where` clauses included), cached in printed.txt
for tests/golden/test_check_printed.py (running every lift inside the test would double its time).

Regenerate after a change to lifting, simplification or rendering, and review the diff:

    PYTHONPATH=src python tests/golden/printed.py            # every spec (an hour or more)
    PYTHONPATH=src python tests/golden/printed.py corpus/23_softmax.toml ...   # only these
    PYTHONPATH=src python tests/golden/printed.py --out part1.txt corpus/        # in parts, then
    PYTHONPATH=src python tests/golden/printed.py --merge part1.txt part2.txt    # into printed.txt

The cache is rewritten after every spec, so an interrupted run keeps what it lifted. A spec that
is not PROVED (or no longer exists) is dropped from the cache: under a heavy load a solver query
can time out, so rerun the specs that dropped out before committing.

File format: one block per PROVED item, `## <spec path>` then the printed formula lines.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(__file__).with_name("printed.txt")
FOLDERS = ("corpus", "tests/kernels", "tests/kernels/idioms")
_FORMULA_LINE = re.compile(r"^  [A-Za-z_]\w*\[[^\]]*\] = |^    where ")


def all_specs() -> list[Path]:
    from tritonlift.bench.runner import launch_specs

    return [p for f in FOLDERS for p in launch_specs(ROOT / f)]


def printed_formula(text: str) -> str:
    """The formula block of `lift`'s text output (the lines after the headline that state an
    output or a `where` clause), as printed."""
    lines = []
    for line in text.splitlines()[1:]:
        if not _FORMULA_LINE.match(line):
            break
        lines.append(line.strip())
    return "\n".join(lines)


def read_cache(path: Path = CACHE) -> dict[str, str]:
    out: dict[str, str] = {}
    if not path.exists():
        return out
    key = None
    for line in path.read_text().splitlines():
        if line.startswith("## "):
            key = line[3:].strip()
            out[key] = ""
        elif key is not None and line.strip() and not line.startswith("#"):
            out[key] = (out[key] + "\n" + line).strip("\n")
    return out


def write_cache(items: dict[str, str], path: Path = CACHE) -> None:
    head = ["# `lift`'s printed formula of every PROVED item (tests/golden/printed.py regenerates it)."]
    body = []
    for key in sorted(items):
        body += ["", f"## {key}", items[key]]
    path.write_text("\n".join(head + body) + "\n")


def main(argv: list[str]) -> int:
    from tritonlift.bench.runner import launch_specs
    from tritonlift.options import Options
    from tritonlift.pipeline import lift
    from tritonlift.render.lift_text import lift_text
    from tritonlift.result import Status

    out = CACHE
    if argv[:1] == ["--merge"]:
        items = read_cache()
        for part in argv[1:]:
            items.update(read_cache(Path(part)))
        write_cache(items)
        return 0
    if argv[:1] == ["--out"]:
        out, argv = Path(argv[1]), argv[2:]
    specs = launch_specs([Path(a).resolve() for a in argv]) if argv else all_specs()
    items = read_cache(out) if argv else {}
    for p in specs:
        key = str(p.relative_to(ROOT))
        r = lift(p, Options())
        print(f"{key}: {r.status}", flush=True)
        if r.status is Status.PROVED and r.formula is not None:
            items[key] = printed_formula(lift_text(r))
        else:
            items.pop(key, None)
        write_cache(items, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
