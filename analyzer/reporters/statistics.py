"""``check --statistics``: how often each rule fired, most frequent first (ties by code).

A text table ``count  CODE  name  severity`` for every format except ``json``, which gets
a JSON list ``[{"code", "name", "count", "severity"}]``: the other formats are for
annotations and reports, and a table of counts is neither, so they print the table. A rule
whose findings have different severities (an override for some files, RB106 in Python
and PowerShell) lists them most severe first, joined with ``/``.
"""

from __future__ import annotations

import json
from collections import Counter

from analyzer.model.diagnostic import SEVERITY_RANK, Diagnostic


def rows(diagnostics: list[Diagnostic]) -> list[dict[str, str | int]]:
    counts = Counter(d.code for d in diagnostics)
    names = {d.code: d.name for d in diagnostics}
    severities: dict[str, set[str]] = {}
    for d in diagnostics:
        severities.setdefault(d.code, set()).add(d.severity)
    order = sorted(counts, key=lambda code: (-counts[code], code))
    return [
        {
            "code": code,
            "name": names[code],
            "count": counts[code],
            "severity": "/".join(sorted(severities[code], key=lambda s: -SEVERITY_RANK[s])),
        }
        for code in order
    ]


def render_statistics(diagnostics: list[Diagnostic], report_format: str) -> str:
    table = rows(diagnostics)
    if report_format == "json":
        return json.dumps(table, indent=2) + "\n"
    if not table:
        return "No findings.\n"
    count_width = max(len(str(row["count"])) for row in table)
    code_width = max(len(str(row["code"])) for row in table)
    name_width = max(len(str(row["name"])) for row in table)
    return "".join(
        f"{row['count']:>{count_width}}  {row['code']:<{code_width}}  "
        f"{row['name']:<{name_width}}  {row['severity']}\n"
        for row in table
    )
