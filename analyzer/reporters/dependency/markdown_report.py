"""``graph --format markdown``: the dependency report a reviewer reads in a pull request
(a comment, a job summary, a wiki page).

Summary counts, then the problems (missing runbooks and assets, names that are not
literals, unused assets, cycles of child calls and, when the CLI ran the rules and put them
in the document as ``findings``, the findings), one table per runbook and per asset, and a
Mermaid diagram (:mod:`.mermaid_report`). Past :data:`DIAGRAM_LIMIT` nodes the diagram
shows one node per folder of runbooks and per asset kind, with counts, so it stays
readable; the tables above keep every name.

Everything taken from scanned files is escaped for a table cell (:func:`cell`): ``|``,
backticks, emphasis and link marks, ``<`` and ``&`` (names such as ``<b>`` stay text, not
HTML), and line breaks.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from typing import Any

from analyzer.graph.queries import (
    cycles,
    inventory_checked,
    node_index,
    node_key,
    report_graph,
    unused,
)
from analyzer.model.diagnostic import SEVERITY_RANK
from analyzer.reporters.common import neutralise, plural
from analyzer.reporters.dependency import diagram as drawing
from analyzer.reporters.dependency.mermaid_report import render_diagram

#: Past this many nodes the diagram is grouped by folder and kind, into at most
#: DIAGRAM_GROUPS groups joined by the DIAGRAM_EDGES heaviest group edges: Mermaid as GitHub
#: runs it refuses more than 500 edges or 50,000 characters, and a reader much less.
DIAGRAM_LIMIT = 60
DIAGRAM_GROUPS = 20
DIAGRAM_EDGES = 60
#: The findings table lists at most this many (worst first).
FINDINGS_SHOWN = 50
#: Longer tables are folded (``<details>``), and cut after TABLE_ROWS rows, so the report
#: stays something a pull-request comment or job summary can hold.
FOLD_ROWS = 30
TABLE_ROWS = 300

_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~#!])")
_KINDS = ("connection", "credential", "variable", "certificate")


@functools.lru_cache(maxsize=65536)
def _escaped(text: str) -> str:
    text = " ".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return _MARKDOWN.sub(r"\\\1", text.replace("&", "&amp;"))


def cell(text: str | None) -> str:
    """Any text as it reads, inside a GitHub Markdown table cell (or a list item)."""
    return "" if text is None else _escaped(str(text))


def code(text: str | None) -> str:
    """Source text in code font: ``<code>`` holds Markdown, so it is escaped like a cell."""
    return f"<code>{cell(text)}</code>" if text else ""


def _kind(data: dict[str, Any]) -> str:
    if data.get("type") == "runbook":
        return "runbook"
    return (data.get("kind") or data.get("type") or "").replace("_", " ")


def _where(path: str | None, line: int | None, activity: str | None = None) -> str:
    place = path or "?"
    if line:
        place += f":{line}"
    elif activity:
        place += f" (activity {activity})"
    return cell(place)


def _list(names: list[str], limit: int = 12) -> str:
    shown = ", ".join(cell(name) for name in names[:limit])
    if len(names) > limit:
        shown += f", … +{len(names) - limit} more"
    return shown


def _table(header: list[str], rows: list[list[str]], align: str = "", what: str = "") -> list[str]:
    """A table; one of more than :data:`FOLD_ROWS` rows folded in ``<details>`` (titled
    with the count of ``what``), cut after :data:`TABLE_ROWS` rows with a line saying so."""
    align = align or "l" * len(header)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows[:TABLE_ROWS])
    if len(rows) > TABLE_ROWS:
        lines += [
            "",
            f"… and {len(rows) - TABLE_ROWS} more {what}: "
            "`graph --format json` or `--format html` lists them all.",
        ]
    if what and len(rows) > FOLD_ROWS:
        lines = [f"<details><summary>{len(rows)} {what}</summary>", "", *lines, "", "</details>"]
    return lines


def render(report: dict[str, Any]) -> str:
    graph = report_graph(report)
    attrs = dict(graph.nodes(data=True))  # one dict: networkx views are slow per item
    index = node_index(graph)
    full = drawing.diagram(report, graph)
    by_id = {node.id: node for node in full.nodes}
    names = {node: data["name"] for node, data in graph.nodes(data=True)}

    def nice(node: str) -> str:
        return names.get(node, node)

    runbook_nodes = sorted(
        (n for n, d in graph.nodes(data=True) if d.get("type") == "runbook"),
        key=lambda n: (names[n].lower(), n),
    )
    asset_nodes = sorted(
        (n for n, d in graph.nodes(data=True) if d.get("type") != "runbook"),
        key=lambda n: (attrs[n].get("kind") or "", names[n].lower(), n),
    )
    missing_runbooks = [n for n in runbook_nodes if by_id[n].missing]
    missing_assets = [n for n in asset_nodes if by_id[n].missing]
    unused_assets = unused(graph)
    found_cycles = cycles(graph)
    dynamic_refs = [r for r in report["references"] if r["dynamic"]]
    dynamic_calls = [c for c in report["calls"] if c["dynamic"]]
    findings = report.get("findings")

    scanned = [n for n in runbook_nodes if attrs[n].get("paths")]
    lines = ["# Dependency report", ""]
    headline = [
        plural(len(scanned), "runbook") + " scanned",
        plural(sum(1 for n in asset_nodes if attrs[n].get("type") == "asset"), "asset"),
        f"{graph.number_of_edges()} dependenc{'y' if graph.number_of_edges() == 1 else 'ies'}",
    ]
    problems = [
        (len(missing_runbooks) + len(missing_assets), "missing"),
        (len(dynamic_refs) + len(dynamic_calls), "dynamic names"),
        (len(unused_assets), "unused"),
    ]
    headline += [f"{count} {word}" for count, word in problems if count]
    if found_cycles:
        headline.append(plural(len(found_cycles), "cycle"))
    if findings is not None:
        headline.append(plural(len(findings), "finding"))
    lines += ["**" + " · ".join(headline) + "**", ""]

    lines += _summary(graph, runbook_nodes, asset_nodes, by_id, report)
    lines += ["## Problems", ""]
    if not any(
        (missing_runbooks, missing_assets, dynamic_refs, dynamic_calls, unused_assets)
    ) and not (found_cycles or findings):
        lines += ["None found.", ""]
    users = _users(graph)
    if missing_runbooks or missing_assets:
        lines += ["### Missing", ""]
        rows = [
            [
                cell(_kind(attrs[n])),
                cell(nice(n)),
                _list([nice(u) for u in users[n]]),
            ]
            for n in missing_runbooks + missing_assets
        ]
        lines += [*_table(["kind", "name", "needed by"], rows, what="missing names"), ""]
    if dynamic_refs or dynamic_calls:
        lines += ["### Names that are not literals", ""]
        rows = []
        for ref in dynamic_refs:
            resolved = ref["resolved"]
            rows.append(
                [
                    cell(ref["kind"]),
                    cell(ref["runbook"]),
                    code(ref["expression"]),
                    cell(resolved) if resolved else "*unknown*",
                    _where(ref["path"], ref["line"], ref["activity"]),
                ]
            )
        for call in dynamic_calls:
            rows.append(
                [
                    "runbook",
                    cell(call["runbook"]),
                    code(call["callee"]),
                    cell(call["child"]) if call["child"] else "*unknown*",
                    _where(call["path"], call["line"], call["activity"]),
                ]
            )
        lines += _table(
            ["kind", "runbook", "expression", "resolves to", "where"], rows, what="names"
        )
        lines += [""]
    if unused_assets:
        lines += [
            "### Unused",
            "",
            "Declared in the inventory, looked up by no scanned runbook:",
            "",
        ]
        rows = [
            [
                cell(attrs[n]["kind"]),
                cell(nice(n)),
                ", ".join(_where(p["path"], p["line"]) for p in attrs[n].get("declared_in", [])),
            ]
            for n in unused_assets
        ]
        lines += [*_table(["kind", "name", "declared in"], rows, what="unused assets"), ""]
    if found_cycles:
        lines += ["### Cycles of child calls", ""]
        for cycle in found_cycles:
            lines.append("- " + " → ".join(cell(nice(n)) for n in [*cycle, cycle[0]]))
        lines += [""]
    if findings:
        lines += _findings(findings)

    lines += _runbook_table(graph, runbook_nodes, by_id, index, report, nice)
    lines += _asset_table(graph, asset_nodes, by_id, users, nice, inventory_checked(report))

    shown = drawing.grouped(full, DIAGRAM_LIMIT, DIAGRAM_GROUPS, DIAGRAM_EDGES)
    lines += ["## Diagram", ""]
    if shown is not full:
        note = (
            f"{plural(len(full.nodes), 'node')} are too many to read: one node per runbook "
            "folder and asset kind, with counts"
        )
        if shown.hidden_edges:
            note += f"; the {plural(shown.hidden_edges, 'lightest link')} between groups left out"
        lines += [note + " (`graph --format mermaid` or `dot` draws them all).", ""]
    lines += ["```mermaid", render_diagram(shown).rstrip("\n"), "```", ""]
    return neutralise("\n".join(lines))


def _summary(
    graph: Any, runbook_nodes: list[str], asset_nodes: list[str], by_id: dict, report: dict
) -> list[str]:
    attrs = dict(graph.nodes(data=True))  # one dict: networkx views are slow per item
    rows = []
    scanned = [n for n in runbook_nodes if attrs[n].get("paths")]
    external = [n for n in runbook_nodes if by_id[n].external]
    missing = [n for n in runbook_nodes if by_id[n].missing]
    rows.append(["runbooks", str(len(scanned)), str(len(missing)) if missing else "", ""])
    if external:
        rows.append(["runbooks only in the inventory", str(len(external)), "", ""])
    for kind in (*_KINDS, "connection_type", "module"):
        nodes = [n for n in asset_nodes if attrs[n].get("kind") == kind]
        if not nodes and kind not in _KINDS:
            continue
        kind_missing = sum(1 for n in nodes if by_id[n].missing)
        kind_unused = sum(1 for n in nodes if by_id[n].unused)
        rows.append(
            [
                kind.replace("_", " ") + "s",
                str(len(nodes)),
                str(kind_missing) if kind_missing else "",
                str(kind_unused) if kind_unused else "",
            ]
        )
    lookups = len(report["references"])
    dynamic = sum(1 for r in report["references"] if r["dynamic"])
    calls = len(report["calls"])
    dynamic_calls = sum(1 for c in report["calls"] if c["dynamic"])
    lines = ["## Summary", ""]
    lines += _table(["", "count", "missing", "unused"], rows, "lrrr")
    lines += [
        "",
        f"{plural(lookups, 'asset lookup')} ({dynamic} not literal), "
        f"{plural(calls, 'child call')} ({dynamic_calls} not literal).",
        "",
    ]
    return lines


def _users(graph: Any) -> dict[str, list[str]]:
    """Node → the runbooks (or connections, for a type) that depend on it, by name."""
    attrs = dict(graph.nodes(data=True))  # one dict: networkx views are slow per item
    out: dict[str, list[str]] = defaultdict(list)
    for source, target in graph.edges():
        out[target].append(source)
    for sources in out.values():
        sources.sort(key=lambda n: (attrs[n]["name"].lower(), n))
    return out


def _runbook_table(
    graph: Any, runbook_nodes: list[str], by_id: dict, index: dict, report: dict, nice: Any
) -> list[str]:
    attrs = dict(graph.nodes(data=True))  # one dict: networkx views are slow per item
    dynamic: dict[str, list[str]] = defaultdict(list)
    for ref in report["references"]:
        if ref["name"] is None and ref["resolved"] is None and ref["runbook"]:
            node = index.get(node_key("runbook", ref["runbook"]))
            if node:
                dynamic[node].append(f"{ref['kind']} {ref['expression']}")
    for call in report["calls"]:
        if call["child"] is None and call["runbook"]:
            node = index.get(node_key("runbook", call["runbook"]))
            if node:
                dynamic[node].append(f"runbook via {call['callee']}")
    rows = []
    for node in runbook_nodes:
        data = attrs[node]
        assets, children = [], []
        targets = sorted(
            graph.successors(node),
            key=lambda n: (_kind(attrs[n]), nice(n).lower(), n),
        )
        for target in targets:
            kind = attrs[target].get("kind") or ""
            if attrs[target].get("type") == "runbook":
                children.append(nice(target) + (" (missing)" if by_id[target].missing else ""))
            else:
                mark = " (missing)" if by_id[target].missing else ""
                assets.append(f"{kind} {nice(target)}{mark}")
        assets += [f"{entry} (dynamic)" for entry in sorted(dynamic[node])]
        paths = data.get("paths") or []
        rows.append(
            [
                cell(nice(node)),
                cell(by_id[node].detail),
                _list(paths, 3),
                _list(assets) or "—",
                _list(children) or "—",
            ]
        )
    header = ["runbook", "kind", "path", "assets used", "children called"]
    return ["## Runbooks", "", *_table(header, rows, what="runbooks"), ""]


def _asset_table(
    graph: Any, asset_nodes: list[str], by_id: dict, users: dict, nice: Any, checked: bool
) -> list[str]:
    attrs = dict(graph.nodes(data=True))  # one dict: networkx views are slow per item
    rows = []
    for node in asset_nodes:
        data = attrs[node]
        state = "missing" if by_id[node].missing else "unused" if by_id[node].unused else ""
        declared = ", ".join(_where(p["path"], p["line"]) for p in data.get("declared_in", []))
        if not declared:
            # Built-in types are declared nowhere; without an inventory nothing is known.
            declared = "yes" if data.get("declared") else "no" if checked else "—"
        rows.append(
            [
                cell(_kind(data)),
                cell(nice(node)),
                declared,
                state,
                _list([nice(u) for u in users.get(node, [])]) or "—",
            ]
        )
    header = ["kind", "name", "declared", "state", "used by"]
    return ["## Assets", "", *_table(header, rows, what="assets"), ""]


def _findings(findings: list[dict[str, Any]]) -> list[str]:
    """The findings, worst first (the order a reviewer reads them in), at most
    :data:`FINDINGS_SHOWN` rows: the list is a summary, ``check`` prints them all."""
    ordered = sorted(findings, key=lambda f: -SEVERITY_RANK.get(f.get("severity") or "", 0))
    rows = [
        [
            cell(f.get("code")),
            cell(f.get("severity")),
            _where(f.get("path"), f.get("line"), f.get("activity")),
            cell(f.get("message")),
        ]
        for f in ordered[:FINDINGS_SHOWN]
    ]
    lines = [
        f"### Findings ({len(findings)})",
        "",
        *_table(["rule", "severity", "where", "message"], rows),
        "",
    ]
    if len(findings) > FINDINGS_SHOWN:
        rest = len(findings) - FINDINGS_SHOWN
        lines += [f"… and {rest} more: `runbook-analyzer check` lists them all.", ""]
    return lines
