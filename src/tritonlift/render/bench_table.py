"""Rendering a BenchReport: a rich Table for a terminal, aligned plain text otherwise, and the
totals lines. A function of the report only."""

from __future__ import annotations

from ..bench.runner import BenchReport, BenchRow
from ..result import Status

COLUMNS = ("id", "op", "kernel", "status", "formula", "seconds")
FORMULA_WIDTH = 72
STATUS_STYLE = {Status.PROVED: "bold green", Status.BOUNDED: "green", Status.UNKNOWN: "yellow",
                Status.REFUTED: "bold red", Status.UNSUPPORTED: "magenta", Status.ERROR: "red"}


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
    return _clip(f"({row.reason})" if row.reason else "", width)


def cells(row: BenchRow) -> tuple[str, ...]:
    return (row.id, row.op, kernel_label(row.kernel), str(row.status), formula_cell(row), f"{row.seconds:.2f}")


def summary_lines(report: BenchReport) -> list[str]:
    s = report.summary
    counts = ", ".join(f"{n} {k}" for k, n in s.by_status.items() if n)
    return [
        f"{s.total} launch specs: {counts or 'none'}",
        f"benchmark items lifted (BOUNDED or better): {s.items_lifted} of {s.items}",
        f"seconds per spec: median {s.median_seconds:.2f}, max {s.max_seconds:.2f}; "
        f"whole run {report.wall_seconds:.1f} s (strategy {report.strategy})",
    ]


def bench_text(report: BenchReport) -> str:
    table = [COLUMNS, *(cells(r) for r in report.rows)]
    widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS))]
    right = {len(COLUMNS) - 1}  # seconds
    lines = ["  ".join(c.rjust(w) if i in right else c.ljust(w)
                       for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip()
             for row in table]
    return "\n".join([*lines, "", *summary_lines(report)])


def bench_rich(report: BenchReport):
    """A rich Table (print it with a rich Console), caption = the totals."""
    from rich.markup import escape
    from rich.table import Table

    t = Table(caption="\n".join(summary_lines(report)), caption_justify="left")
    for c in COLUMNS:
        t.add_column(c, justify="right" if c == "seconds" else "left", no_wrap=c != "formula",
                     overflow="ellipsis")
    for r in report.rows:
        c = [escape(x) for x in cells(r)]  # formulas hold `[i]`, which is markup otherwise
        c[3] = f"[{STATUS_STYLE[r.status]}]{c[3]}[/]"
        if not r.pretty:
            c[4] = f"[dim]{c[4]}[/]"
        t.add_row(*c)
    return t
