"""Rendering a BenchReport: a rich Table for a terminal, aligned plain text otherwise, and the
totals lines. A function of the report only."""

from __future__ import annotations

from pathlib import Path

from ..result import VARIANT_MARKERS, BenchReport, BenchRow, Status

COLUMNS = ("id", "op", "kernel", "status", "formula", "seconds")
FORMULA_WIDTH = 72
STATUS_STYLE = {Status.PROVED: "bold green", Status.BOUNDED: "green", Status.UNKNOWN: "yellow",
                Status.REFUTED: "bold red", Status.FINDINGS: "bold red", Status.UNSUPPORTED: "magenta",
                Status.ERROR: "red"}


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def kernel_label(ref: str) -> str:
    """The function name of each kernel reference (`pkg.mod:name`, `file.py::name`, or a
    generated `pointwise_dynamic:module:function:rank`)."""
    out = []
    for r in ref.split(", "):
        if r.startswith("pointwise_dynamic:") and r.count(":") == 3:
            out.append(f"{r.split(':')[2]} (generated)")
        else:
            out.append(r.rsplit(":", 1)[-1])
    return ", ".join(out)


def formula_cell(row: BenchRow, width: int = FORMULA_WIDTH) -> str:
    """The Unicode formula, or the reason in parentheses when there is none."""
    if row.pretty:
        return _clip(row.pretty, width)
    bug = next((f for f in row.findings if f.bug), None)
    if bug is not None:  # no formula, but a bug: the finding is the answer
        return _clip(f"({bug.kind}: {bug.message})", width)
    return _clip(f"({row.reason})" if row.reason else "", width)


def id_cell(row: BenchRow) -> str:
    """The item id, with the variant (`scalar`, `loop`) for a spec that is not the item's primary."""
    if row.primary:
        return row.id
    name = Path(row.launch).name
    return f"{row.id} {next((m.strip('.') for m in VARIANT_MARKERS if m in name), 'variant')}"


def cells(row: BenchRow, formula_width: int = FORMULA_WIDTH) -> tuple[str, ...]:
    return (id_cell(row), row.op, kernel_label(row.kernel), str(row.status), formula_cell(row, formula_width),
            f"{row.seconds:.2f}")


def summary_lines(report: BenchReport) -> list[str]:
    s = report.summary
    counts = ", ".join(f"{n} {k}" for k, n in s.by_status.items() if n)
    return [
        f"{s.total} launch specs: {counts or 'none'}",
        f"benchmark items lifted (BOUNDED or better): {s.items_lifted} of {s.items}",
        f"benchmark items PROVED for all sizes: {s.items_proved} of {s.items}",
        f"benchmark items with bug findings: {s.items_with_findings} of {s.items}",
        f"seconds per spec: median {s.median_seconds:.2f}, max {s.max_seconds:.2f}; "
        f"whole run {report.wall_seconds:.1f} s (strategy {report.strategy})",
    ]


def unproved_lines(report: BenchReport, width: int = 200) -> list[str]:
    """For every spec that is not PROVED, why: the first obligation that failed (or the construct
    the prover does not model) with the solver's answer."""
    rows = [r for r in report.rows if r.status is not Status.PROVED]
    if not rows:
        return []
    def why(r: BenchRow) -> str:
        text = r.reason or str(r.status)
        return text.split("not proved for all sizes: ", 1)[-1]

    return ["not proved:", *(f"  {id_cell(r)} {r.op}: {_clip(why(r), width)}" for r in rows)]


def finding_lines(report: BenchReport, width: int = 200) -> list[str]:
    """Every bug finding of every spec: kind, location, program and sizes."""
    rows = [(r, f) for r in report.rows for f in r.findings if f.bug]
    if not rows:
        return []
    return ["findings:", *(f"  {id_cell(r)} {r.op}: {_clip(str(f), width)}" for r, f in rows)]


def bench_text(report: BenchReport) -> str:
    table = [COLUMNS, *(cells(r) for r in report.rows)]
    widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS))]
    right = {len(COLUMNS) - 1}  # seconds
    lines = ["  ".join(c.rjust(w) if i in right else c.ljust(w)
                       for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip()
             for row in table]
    why = unproved_lines(report)
    bugs = finding_lines(report)
    return "\n".join([*lines, "", *(why + [""] if why else []), *(bugs + [""] if bugs else []),
                      *summary_lines(report)])


def bench_rich(report: BenchReport):
    """A rich Table (print it with a rich Console), caption = the totals. One line per spec: only
    the kernel and formula columns are collapsible, so on a narrow terminal they give way and are
    cut with `…`."""
    from rich.table import Table
    from rich.text import Text

    t = Table(caption="\n".join(summary_lines(report)), caption_justify="left")
    for c in COLUMNS:
        t.add_column(c, justify="right" if c == "seconds" else "left", no_wrap=c not in ("kernel", "formula"),
                     max_width=24 if c == "kernel" else None)
    for r in report.rows:
        c = [Text(x) for x in cells(r, formula_width=400)]  # Text, not markup: formulas hold `[i]`
        c[3].stylize(STATUS_STYLE[r.status])
        c[2].no_wrap, c[2].overflow = True, "ellipsis"
        c[4] = Text(c[4].plain, style="" if r.pretty else "dim", no_wrap=True, overflow="ellipsis")
        t.add_row(*c)
    return t
