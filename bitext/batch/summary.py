"""The batch's summary: ``summary.json``, ``summary.csv`` and ``index.html``.

``summary.json`` is ``{"pairs": [...], "unpaired": [...], "settings": {...}, "timings": {...}}``;
each pair record has ``name, sv, fi, status ("ok" | "error"), error, counts {error, warning,
info}, by_kind, issues, rows, passed, report, html``. Pairs are in name order, so two runs
over the same inputs give the same ``pairs`` whatever order the workers finished in.

>>> worst_first([{"name": "a", "status": "ok", "counts": {"error": 0, "warning": 2, "info": 0}},
...              {"name": "b", "status": "error", "counts": {"error": 0, "warning": 0, "info": 0}},
...              {"name": "c", "status": "ok", "counts": {"error": 1, "warning": 0, "info": 0}}])[0]["name"]
'b'
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Sequence

from ..report.output import write_atomic
from .pairing import Unpaired

CSV_COLUMNS = ["name", "sv", "fi", "status", "passed", "error", "errors", "warnings", "infos", "issues", "rows", "report", "html"]


def worst_first(records: Sequence[dict]) -> list[dict]:
    """Errored pairs, then by errors, warnings, infos (most first), then by name."""

    def key(r: dict):  # type: ignore[no-untyped-def]
        c = r.get("counts") or {}
        return (r.get("status") != "error", -c.get("error", 0), -c.get("warning", 0), -c.get("info", 0), r["name"])

    return sorted(records, key=key)


def by_kind(records: Sequence[dict]) -> list[dict]:
    """Per finding kind: how many findings and in how many pairs, most findings first."""
    totals: dict[str, list[int]] = {}
    for r in records:
        for kind, n in (r.get("by_kind") or {}).items():
            t = totals.setdefault(kind, [0, 0])
            t[0] += n
            t[1] += 1
    return [{"kind": k, "findings": v[0], "pairs": v[1]} for k, v in sorted(totals.items(), key=lambda kv: (-kv[1][0], kv[0]))]


def write_summary(outdir: "str | os.PathLike[str]", records: Sequence[dict], unpaired: Sequence[Unpaired], settings: dict, timings: dict) -> dict:
    """Write the three summary files into ``outdir``; returns the summary object."""
    out = Path(outdir)
    data = {
        "pairs": list(records),
        "unpaired": [{"path": str(u.path), "reason": u.reason} for u in unpaired],
        "settings": settings,
        "timings": timings,
    }
    write_atomic(out / "summary.json", json.dumps(data, ensure_ascii=False, indent=1))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in records:
        c = r.get("counts") or {}
        writer.writerow(
            {**{k: r.get(k) for k in CSV_COLUMNS if k in r}, "errors": c.get("error", 0), "warnings": c.get("warning", 0), "infos": c.get("info", 0)}
        )
    write_atomic(out / "summary.csv", buf.getvalue())
    write_atomic(out / "index.html", render_index(data))
    return data


_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>bitext batch: {{ pairs|length }} pairs</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.error td{background:#fde8e8}tr.failed td.name{border-left:4px solid #d97706}.kinds{color:#555;font-size:.9em}
</style></head><body>
<h1>bitext batch</h1>
<p>{{ pairs|length }} pairs: {{ ok }} checked, {{ errored }} could not be checked, {{ failed }} fail the gate (<code>--fail-on {{ settings.fail_on }}</code>){% if unpaired %}; {{ unpaired|length }} file(s) without a partner{% endif %}.</p>
<h2>Findings by kind</h2>
{% if kinds %}<table><tr><th>kind</th><th>findings</th><th>pairs</th></tr>
{% for k in kinds %}<tr><td>{{ k.kind }}</td><td class="n">{{ k.findings }}</td><td class="n">{{ k.pairs }}</td></tr>
{% endfor %}</table>{% else %}<p>No findings.</p>{% endif %}
<h2>Pairs, worst first</h2>
<table><tr><th>pair</th><th>status</th><th>errors</th><th>warnings</th><th>infos</th><th>issues</th><th>rows</th><th>kinds</th></tr>
{% for p in ordered %}<tr class="{{ p.status }}{% if not p.passed %} failed{% endif %}">
<td class="name">{% if p.html %}<a href="{{ p.html }}">{{ p.name }}</a>{% else %}{{ p.name }}{% endif %}</td>
<td>{% if p.status == "error" %}error: {{ p.error }}{% elif p.passed %}passed{% else %}failed{% endif %}</td>
<td class="n">{{ p.counts.error }}</td><td class="n">{{ p.counts.warning }}</td><td class="n">{{ p.counts.info }}</td>
<td class="n">{{ p.issues }}</td><td class="n">{{ p.rows }}</td>
<td class="kinds">{% for k, n in (p.by_kind or {}).items() %}{{ k }} {{ n }}{% if not loop.last %}, {% endif %}{% endfor %}</td></tr>
{% endfor %}</table>
{% if unpaired %}<h2>Files without a partner</h2><table><tr><th>file</th><th>why</th></tr>
{% for u in unpaired %}<tr><td>{{ u.path }}</td><td>{{ u.reason }}</td></tr>{% endfor %}</table>{% endif %}
</body></html>
"""


def render_index(data: dict) -> str:
    """The index page (autoescaped: names and messages come from the inputs)."""
    from jinja2 import Environment

    env = Environment(autoescape=True)
    pairs = data["pairs"]
    return env.from_string(_TEMPLATE).render(
        pairs=pairs,
        ordered=worst_first(pairs),
        kinds=by_kind(pairs),
        ok=sum(1 for p in pairs if p["status"] == "ok"),
        errored=sum(1 for p in pairs if p["status"] == "error"),
        failed=sum(1 for p in pairs if not p.get("passed")),
        unpaired=data["unpaired"],
        settings=data["settings"],
    )
