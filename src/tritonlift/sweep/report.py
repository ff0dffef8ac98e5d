"""The sweep's report: per operator and per category, PROVED / REFUTED against PyTorch (with
the counterexample and its replay through torch) / FINDINGS / BOUNDED / UNKNOWN / UNSUPPORTED /
ERROR with the reason; `report.json` and a self-contained `report.html` (formulas typeset by
KaTeX from its CDN, findings with their source locations)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from .divergences import explain
from .table import SweepCall, category

ORDER = ("PROVED", "BOUNDED", "REFUTED", "FINDINGS", "UNKNOWN", "UNSUPPORTED", "ERROR", "NOT RUN")


def load_results(out: Path, selected: list[SweepCall]) -> list[dict[str, Any]]:
    from .worker import result_path

    rows = []
    for c in selected:
        p = result_path(out, c)
        if p.exists():
            rows.append(json.loads(p.read_text()))
        else:
            rows.append({"library": c.library, "name": c.name, "key": c.key, "op": c.op, "category": category(c),
                         "status": "NOT RUN", "reason": "", "call": c.call, "seconds": {}})
    return rows


def summarize(rows: list[dict[str, Any]], wall: float | None = None) -> dict[str, Any]:
    statuses = {s: 0 for s in ORDER}
    cats: dict[str, dict[str, int]] = {}
    libs: dict[str, dict[str, int]] = {}
    for r in rows:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
        cats.setdefault(r["category"], {}).setdefault(r["status"], 0)
        cats[r["category"]][r["status"]] += 1
        libs.setdefault(r["library"], {}).setdefault(r["status"], 0)
        libs[r["library"]][r["status"]] += 1
    run = [r for r in rows if r["status"] != "NOT RUN"]
    end_to_end = [r for r in run if r.get("check") is not None]
    return {"operators": len(rows), "run": len(run), "checked_end_to_end": len(end_to_end),
            "statuses": {k: v for k, v in statuses.items() if v}, "categories": cats, "libraries": libs,
            "seconds_total": round(sum(r.get("seconds", {}).get("total", 0.0) for r in run), 1),
            "wall_seconds_last_session": round(wall, 1) if wall is not None else None,
            "refuted_replays": [{"key": r["key"], "verdict": (r.get("replay") or {}).get("verdict"),
                                 "explanation": explain(r["key"])} for r in run if r["status"] == "REFUTED"]}


def write_report(out: Path, selected: list[SweepCall], wall: float | None = None) -> dict[str, Any]:
    rows = load_results(out, selected)
    summary = summarize(rows, wall)
    doc = {"summary": summary, "operators": rows}
    (out / "report.json").write_text(json.dumps(doc, indent=1, default=str))
    (out / "report.html").write_text(html_page(doc))
    return doc


def table_markdown(summary: dict[str, Any]) -> str:
    """The coverage table for the README: categories by status, totals."""
    cols = [s for s in ORDER if summary["statuses"].get(s)]
    lines = ["| category | " + " | ".join(cols) + " | total |", "|---" * (len(cols) + 2) + "|"]
    for cat, counts in sorted(summary["categories"].items()):
        lines.append(f"| {cat} | " + " | ".join(str(counts.get(s, 0) or "") for s in cols)
                     + f" | {sum(counts.values())} |")
    lines.append("| **all** | " + " | ".join(f"**{summary['statuses'].get(s, 0)}**" for s in cols)
                 + f" | **{summary['operators']}** |")
    return "\n".join(lines)


_CSS = """body{font-family:system-ui,sans-serif;margin:2em;max-width:1400px}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}th{background:#f4f4f4}
.PROVED{background:#c8f0c8}.BOUNDED{background:#e6f4c8}.REFUTED{background:#f8c0c0}.FINDINGS{background:#f8dca0}
.UNKNOWN{background:#eee}.UNSUPPORTED{background:#ddd}.ERROR{background:#f0a0f0}code{font-size:90%}
details{margin:2px 0}.small{font-size:85%;color:#444}"""
_KATEX = ('<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/katex@0.16.11/dist/katex.min.css">'
          '<script defer src="https://cdn.jsdelivr.net/npm/katex@0.16.11/dist/katex.min.js"></script>'
          '<script defer src="https://cdn.jsdelivr.net/npm/katex@0.16.11/dist/contrib/auto-render.min.js" '
          'onload="renderMathInElement(document.body,{delimiters:[{left:\'\\\\[\',right:\'\\\\]\',display:true}]})">'
          '</script>')


def html_page(doc: dict[str, Any]) -> str:
    s = doc["summary"]
    e = html.escape
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>tritonlift sweep</title>{_KATEX}"
             f"<style>{_CSS}</style></head><body><h1>tritonlift sweep</h1>",
             f"<p>{s['operators']} operators, {s['run']} run, {s['checked_end_to_end']} traced and checked against "
             f"PyTorch end to end; {s['seconds_total']} s of operator time.</p>",
             "<table><tr><th>status</th><th>operators</th></tr>"]
    parts += [f"<tr><td class='{k}'>{k}</td><td>{v}</td></tr>" for k, v in s["statuses"].items()]
    parts.append("</table><h2>By category</h2><table><tr><th>category</th>"
                 + "".join(f"<th>{k}</th>" for k in ORDER) + "</tr>")
    for cat, counts in sorted(s["categories"].items()):
        parts.append(f"<tr><td>{e(cat)}</td>" + "".join(f"<td class='{k}'>{counts.get(k, '')}</td>" if counts.get(k)
                                                        else "<td></td>" for k in ORDER) + "</tr>")
    parts.append("</table><h2>Operators</h2><table><tr><th>operator</th><th>category</th><th>status</th>"
                 "<th>reference (PyTorch)</th><th>kernel (lifted)</th><th>why / counterexample / findings</th></tr>")
    for r in sorted(doc["operators"], key=lambda r: (ORDER.index(r["status"]) if r["status"] in ORDER else 9, r["key"])):
        parts.append(_row(r))
    parts.append("</table></body></html>")
    return "\n".join(parts)


def _math(latex: list[str] | None) -> str:
    return "".join(f"\\[{html.escape(t)}\\]" for t in latex or [])


def _row(r: dict[str, Any]) -> str:
    e = html.escape
    ref = r.get("reference") or {}
    lifted = r.get("lifted") or {}
    notes = []
    if r.get("reason"):
        notes.append(f"<div>{e(r['reason'])}</div>")
    if r.get("counterexample"):
        cx = r["counterexample"]
        notes.append(f"<details><summary>counterexample {e(cx['tensor'])}{cx['index']} at {e(str(cx['sizes']))}: "
                     f"kernel {cx['kernel_value']}, PyTorch formula {cx['formula_value']}</summary>"
                     f"<code>{e(json.dumps(cx['inputs']))} reals {e(json.dumps(cx['reals']))}</code></details>")
    if r.get("replay"):
        rp = r["replay"]
        notes.append(f"<div class='small'>replayed through torch: {rp.get('torch_value')} — {e(str(rp.get('verdict')))}</div>")
    if r["status"] == "REFUTED":
        notes.append(f"<div><b>why:</b> {e(explain(r['key']))}</div>")
    if r.get("findings"):
        notes.append("<details><summary>{} finding(s)</summary><ul>{}</ul></details>".format(
            len(r["findings"]), "".join(f"<li><code>{e(f)}</code></li>" for f in r["findings"][:20])))
    secs = r.get("seconds", {})
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in secs.items() if isinstance(v, (int, float)))
    return (f"<tr><td><b>{e(r['key'])}</b><div class='small'><code>{e(r.get('call', ''))}</code><br>{e(r.get('op', ''))}"
            f" {e(json.dumps(r.get('params') or {}))}<br>{e(timing)}</div></td><td>{e(r['category'])}</td>"
            f"<td class='{e(r['status'])}'>{e(r['status'])}</td>"
            f"<td>{_math(ref.get('latex'))}<div class='small'>{e(ref.get('describe', ''))}</div></td>"
            f"<td>{_math(lifted.get('latex'))}<div class='small'>{e(lifted.get('status', ''))}</div></td>"
            f"<td>{''.join(notes)}</td></tr>")
