"""``graph --format text``: the dependency report as a tree a person reads in a terminal.

One block per scanned runbook, its assets first and its children after (``→``), each with
what a reader must notice: ``[missing]`` (not in the inventory, or a child nobody has),
``[dynamic]`` (a name known only at run time), ``[cycle]``. The problems follow in one
list: missing names, dynamic lookups and calls, unused assets, call cycles. Everything is
sorted by name, case-insensitively, so the same report gives the same text.
"""

from __future__ import annotations

from typing import Any

from analyzer.graph import queries
from analyzer.inventory.model import fold

_LOOKUPS = ("connection", "credential", "variable", "certificate")


def render(report: dict[str, Any]) -> str:
    nodes = {node["id"]: node for node in report["graph"]["nodes"]}
    edges: dict[str, list[dict[str, Any]]] = {}
    for edge in report["graph"]["edges"]:
        if edge["relation"] in ("uses", "calls"):
            edges.setdefault(edge["source"], []).append(edge)
    checked = queries.inventory_checked(report)
    graph = queries.report_graph(report)
    cycles = queries.cycles(graph)
    in_cycle = {
        (cycle[i], cycle[(i + 1) % len(cycle)]) for cycle in cycles for i in range(len(cycle))
    }
    index = {queries.node_key("runbook", n["name"]): i for i, n in nodes.items() if _runbook(n)}
    via = _constants(report)
    dynamic_refs: dict[str, list[dict[str, Any]]] = {}
    for ref in report["references"]:
        if ref["runbook"] is not None and _effective(ref) is None:
            dynamic_refs.setdefault(fold(ref["runbook"]), []).append(ref)
    dynamic_calls: dict[str, list[dict[str, Any]]] = {}
    for call in report["calls"]:
        if call["runbook"] is not None and call["child"] is None:
            dynamic_calls.setdefault(fold(call["runbook"]), []).append(call)

    scanned = sorted((n for n in nodes.values() if _runbook(n) and n.get("paths")), key=_by_name)
    lines = [_summary(report, nodes, checked), ""]
    for runbook in scanned:
        lines.append(f"{runbook['name']}  ({runbook['kind']}, {', '.join(runbook['paths'])})")
        items: list[str] = []
        uses = [e for e in edges.get(runbook["id"], ()) if e["relation"] == "uses"]
        for edge in sorted(uses, key=lambda e: _by_name(nodes[e["target"]])):
            asset = nodes[edge["target"]]
            text = f'{asset["kind"]} "{asset["name"]}"'
            ops = [op for op in edge.get("operations", ()) if op != "get"]
            if ops:
                text += f" ({', '.join(ops)})"
            expressions = via.get((fold(runbook["name"]), asset["kind"], fold(asset["name"])))
            if expressions:
                text += f" (from {', '.join(expressions)})"
            if queries.asset_missing(asset, report):
                text += "  [missing]"
            items.append(text)
        for ref in sorted(
            dynamic_refs.get(fold(runbook["name"]), ()),
            key=lambda r: (r["kind"], r["line"] or 0, r["activity"] or ""),
        ):
            items.append(f"{ref['kind']} {ref['expression'] or '?'}  [dynamic]  {_line(ref)}")
        calls = [e for e in edges.get(runbook["id"], ()) if e["relation"] == "calls"]
        for edge in sorted(calls, key=lambda e: _by_name(nodes[e["target"]])):
            child = nodes[edge["target"]]
            text = f'→ "{child["name"]}" ({", ".join(edge.get("forms", ()))})'
            if child.get("missing"):
                text += "  [missing]"
            elif not child.get("paths"):
                text += "  [not scanned]"
            if (edge["source"], edge["target"]) in in_cycle:
                text += "  [cycle]"
            items.append(text)
        for call in dynamic_calls.get(fold(runbook["name"]), ()):
            items.append(f"→ ? ({call['callee']})  [dynamic]  {_line(call)}")
        lines.extend(_branches(items))
        lines.append("")
    lines.extend(_problems(report, nodes, graph, checked, cycles, index))
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def _runbook(node: dict[str, Any]) -> bool:
    return node.get("type") == "runbook"


def _by_name(node: dict[str, Any]) -> tuple[str, str, str]:
    kind = "runbook" if _runbook(node) else node.get("kind", "")
    return (kind, fold(node["name"]), node["name"])


def _effective(ref: dict[str, Any]) -> str | None:
    return ref["name"] if ref["name"] is not None else ref["resolved"]


def _constants(report: dict[str, Any]) -> dict[tuple[str, str, str], list[str]]:
    """(runbook, kind, name) → the expressions a constant name was proven from."""
    out: dict[tuple[str, str, str], list[str]] = {}
    for ref in report["references"]:
        if ref["runbook"] is None or ref["name"] is not None or ref["resolved"] is None:
            continue
        key = (fold(ref["runbook"]), ref["kind"], fold(ref["resolved"]))
        expressions = out.setdefault(key, [])
        if ref["expression"] and ref["expression"] not in expressions:
            expressions.append(ref["expression"])
    return out


def _line(entry: dict[str, Any]) -> str:
    """Where in its runbook (whose path heads the block)."""
    if entry.get("line"):
        return f"line {entry['line']}"
    return f'activity "{entry["activity"]}"' if entry.get("activity") else ""


def _place(entry: dict[str, Any]) -> str:
    if entry.get("line"):
        return f"{entry['path']}:{entry['line']}"
    if entry.get("activity"):
        return f'{entry["path"]} (activity "{entry["activity"]}")'
    return entry["path"]


def _branches(items: list[str]) -> list[str]:
    if not items:
        return ["└── (no assets, no children)"]
    return [("└── " if i == len(items) - 1 else "├── ") + item for i, item in enumerate(items)]


def _summary(report: dict[str, Any], nodes: dict[str, dict[str, Any]], checked: bool) -> str:
    runbooks = len(report["runbooks"])
    assets = len(report["assets"])
    edges = sum(1 for e in report["graph"]["edges"] if e["relation"] in ("uses", "calls"))
    line = (
        f"{runbooks} {'runbook' if runbooks == 1 else 'runbooks'}, "
        f"{assets} {'asset' if assets == 1 else 'assets'}, "
        f"{edges} {'dependency' if edges == 1 else 'dependencies'}"
    )
    if not checked and assets:
        line += " (no inventory: assets are not checked for existence)"
    return line


def _problems(
    report: dict[str, Any],
    nodes: dict[str, dict[str, Any]],
    graph: Any,
    checked: bool,
    cycles: list[list[str]],
    index: dict[tuple[str, str], str],
) -> list[str]:
    sections: list[tuple[str, list[str]]] = []
    missing = []
    for node in sorted(nodes.values(), key=_by_name):
        absent = node.get("missing") if _runbook(node) else queries.asset_missing(node, report)
        if not absent or (not _runbook(node) and node.get("kind") not in _LOOKUPS):
            continue
        users = sorted(
            (nodes[source]["name"] for source in graph.predecessors(node["id"])), key=fold
        )
        verb = "called by" if _runbook(node) else "used by"
        kind = "runbook" if _runbook(node) else node["kind"]
        missing.append(f'{kind} "{node["name"]}" ({verb} {", ".join(users)})')
    sections.append(("missing", missing))
    dynamic = [
        f"{ref['kind']} {ref['expression'] or '?'} in {ref['runbook']}  {_place(ref)}"
        for ref in report["references"]
        if ref["runbook"] is not None and _effective(ref) is None
    ]
    dynamic += [
        f"child runbook ({call['callee']}) in {call['runbook']}  {_place(call)}"
        for call in report["calls"]
        if call["runbook"] is not None and call["child"] is None
    ]
    sections.append(("dynamic", dynamic))
    sections.append(
        (
            "unused",
            [
                f'{nodes[n]["kind"]} "{nodes[n]["name"]}"'
                for n in sorted(queries.unused(graph), key=lambda n: _by_name(nodes[n]))
            ],
        )
    )
    sections.append(
        (
            "cycles",
            [" → ".join([*(nodes[n]["name"] for n in c), nodes[c[0]]["name"]]) for c in cycles],
        )
    )
    out = []
    for title, entries in sections:
        if not entries:
            continue
        out.append(f"{title} ({len(entries)}):")
        out.extend(f"  {entry}" for entry in entries)
        out.append("")
    return out
