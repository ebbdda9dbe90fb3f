"""``graph --format html``: one self-contained page a person opens from ``file://``.

The graph is inline SVG drawn at positions :mod:`.layout` computed, so the page shows the
picture without running any script and the same report gives the same bytes. The script
(``analyzer/data/graph_report.js``, inlined) adds what needs interaction: highlighting a
node's neighbours, the filter box, sortable tables, expanding grouped blocks. It reads its
data from a ``<script type="application/json">`` island and writes names only through
``textContent``, so no name reaches a parser as markup; in the markup itself every name is
escaped for its context (text, attribute) and the island has ``<``, ``>`` and ``&`` as JSON
escapes, so a runbook called ``</script><b>`` stays a name. A Content-Security-Policy
forbids every network fetch: the page works offline and cannot leak anything.
"""

from __future__ import annotations

import html
import json
import math
import posixpath
from importlib import resources
from typing import Any

from analyzer.graph.queries import cycles, node_index, node_key, report_graph
from analyzer.reporters.common import neutralise, plural
from analyzer.reporters.dependency import layout as geometry
from analyzer.reporters.dependency.diagram import diagram
from analyzer.reporters.dependency.layout import Layout

_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)
_SEVERITIES = ("error", "warning", "info")


def render(report: dict[str, Any]) -> str:
    page = _Page(report)
    return neutralise(page.html())


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _token(value: str | None) -> str:
    """A CSS class fragment from a kind (ours, but kept to ``[a-z0-9-]`` regardless)."""
    return "".join(c if c.isascii() and (c.isalnum() or c == "-") else "-" for c in value or "none")


def json_island(data: object) -> str:
    """JSON safe inside ``<script>``: nothing in it can close the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def _placeholder(node_id: str, label: str, detail: str) -> dict[str, Any]:
    """The node of a name nobody knows (the drawing model's "dynamic <kind>")."""
    return {"id": node_id, "type": "dynamic", "kind": "dynamic", "name": label, "detail": detail}


def _asset(name: str) -> str:
    return resources.files("analyzer.data").joinpath(name).read_text(encoding="utf-8")


class _Page:
    """The report digested once: nodes with their flags, edges with their styles, tables."""

    def __init__(self, report: dict[str, Any]) -> None:
        self.report = report
        self.findings: list[dict[str, Any]] = list(report.get("findings") or [])
        graph = report_graph(report)
        # What is missing, unused, dashed, which folder: the drawing model DOT, Mermaid and
        # Markdown share, so the page marks exactly what they mark.
        drawing = diagram(report, graph)
        self.marks = {node.id: node for node in drawing.nodes}
        known = {node["id"]: node for node in report["graph"]["nodes"]}
        self.nodes: list[dict[str, Any]] = []
        for mark in drawing.nodes:
            node = dict(known.get(mark.id) or _placeholder(mark.id, mark.label, mark.detail))
            node["group"] = mark.group
            self.nodes.append(node)
        self.by_id = {node["id"]: node for node in self.nodes}
        self.index = node_index(graph)
        self.cycles = cycles(graph)
        cycle_of = {node: number for number, cycle in enumerate(self.cycles) for node in cycle}
        self.edges: list[dict[str, Any]] = [
            {
                "s": edge.source,
                "t": edge.target,
                "r": edge.relation,
                "dyn": edge.dashed,
                "cyc": edge.relation == "calls"
                and edge.source in cycle_of
                and cycle_of.get(edge.target) == cycle_of[edge.source],
            }
            for edge in drawing.edges
        ]
        self.layout: Layout = geometry.layout(
            self.nodes, [(e["s"], e["t"], e["r"]) for e in self.edges]
        )
        self.in_cycle = set(cycle_of)
        self.blocks = {block.id: block for block in self.layout.blocks}
        self.findings_of = self._findings_by_node()

    # ------------------------------------------------------------- digesting
    def _node_id(self, kind: str, name: str | None) -> str | None:
        """The node a report row names, found as the graph finds it (folded names)."""
        return None if name is None else self.index.get(node_key(kind, name))

    def _findings_by_node(self) -> dict[str, list[dict[str, Any]]]:
        by_path: dict[str, str] = {}
        for node in self.nodes:
            for path in node.get("paths") or []:
                by_path[path] = node["id"]
        out: dict[str, list[dict[str, Any]]] = {}
        for finding in self.findings:
            node = by_path.get(finding.get("path") or "")
            if node is not None:
                out.setdefault(node, []).append(finding)
        return out

    def _flags(self, node: dict[str, Any]) -> list[str]:
        mark = self.marks[node["id"]]
        flags = [
            flag
            for flag, present in (
                ("missing", mark.missing),
                ("unused", mark.unused),
                ("external", mark.external),
                ("cycle", node["id"] in self.in_cycle),
            )
            if present
        ]
        severities = {f.get("severity") for f in self.findings_of.get(node["id"], [])}
        for severity in _SEVERITIES:
            if severity in severities:
                flags.append(f"has-{severity}")
                break
        return flags

    def _dynamic_unknown(self) -> dict[str, int]:
        """Lookups and calls per runbook whose name nothing proves (the placeholders')."""
        counts: dict[str, int] = {}
        unknown = [
            *(r for r in self.report["references"] if r["name"] is None and r["resolved"] is None),
            *(c for c in self.report["calls"] if c["child"] is None),
        ]
        for row in unknown:
            node = self._node_id("runbook", row.get("runbook"))
            if node:
                counts[node] = counts.get(node, 0) + 1
        return counts

    # ------------------------------------------------------------- the page
    def html(self) -> str:
        runbooks = [n for n in self.nodes if n.get("type") == "runbook"]
        assets = [n for n in self.nodes if n.get("type") != "runbook"]
        title = "Dependency report"
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="generator" content="runbook-analyzer">',
            f"<title>{title}</title>",
            f"<style>\n{_asset('graph_report.css')}</style>",
            "</head>",
            "<body>",
            '<header class="top">',
            f"<h1>{title}</h1>",
            self._summary(runbooks, assets),
            "</header>",
            self._toolbar(),
            '<main class="layout">',
            '<section class="graph-panel" aria-label="dependency graph">',
            self._svg(),
            "</section>",
            '<aside id="details" class="details" aria-live="polite">',
            '<p class="hint">Click a node to see what it uses and what uses it. '
            "Click a group's header to expand or collapse it.</p>",
            "</aside>",
            "</main>",
            self._runbook_table(runbooks),
            self._asset_table(assets),
            self._finding_table(),
            f'<script type="application/json" id="report-data">{json_island(self._data())}'
            "</script>",
            f"<script>\n{_asset('graph_report.js')}</script>",
            "</body>",
            "</html>",
            "",
        ]
        return "\n".join(parts)

    def _summary(self, runbooks: list[dict[str, Any]], assets: list[dict[str, Any]]) -> str:
        lookups = [n for n in assets if n.get("type") == "asset"]
        missing_assets = sum(1 for n in lookups if self.marks[n["id"]].missing)
        missing_runbooks = sum(1 for n in runbooks if self.marks[n["id"]].missing)
        unused = sum(1 for n in lookups if self.marks[n["id"]].unused)
        unknown = sum(self._dynamic_unknown().values())
        cards = [
            ("runbooks", len(runbooks) - missing_runbooks, ""),
            ("assets", len(lookups), ""),
            ("missing assets", missing_assets, "bad" if missing_assets else ""),
            ("missing runbooks", missing_runbooks, "bad" if missing_runbooks else ""),
            ("unused assets", unused, "warn" if unused else ""),
            ("unknown dynamic names", unknown, "warn" if unknown else ""),
            ("call cycles", len(self.cycles), "warn" if self.cycles else ""),
        ]
        if "findings" in self.report:
            cards.append(("findings", len(self.findings), "bad" if self.findings else ""))
        items = "".join(
            f'<li class="card {cls}"><span class="count">{count}</span>'
            f'<span class="what">{_esc(what)}</span></li>'
            for what, count, cls in cards
        )
        return f'<ul class="cards">{items}</ul>'

    def _toolbar(self) -> str:
        grouped = self.layout.grouped
        note = (
            f'<span class="note">{plural(len(self.nodes), "node")}: runbooks grouped by '
            "folder, assets by kind; expand a group to see its members</span>"
            if grouped
            else ""
        )
        return (
            '<nav class="toolbar">'
            '<label class="filter">Filter <input id="filter" type="search" '
            'placeholder="name contains…" autocomplete="off" spellcheck="false"></label>'
            '<span id="filter-count" class="note"></span>'
            '<button type="button" id="expand-all">Expand all</button>'
            '<button type="button" id="collapse-all">Collapse all</button>'
            '<button type="button" id="clear">Clear selection</button>'
            f"{note}{self._legend()}</nav>"
        )

    def _legend(self) -> str:
        items = [
            ("t-runbook k-powershell", "PowerShell"),
            ("t-runbook k-powershell-workflow", "workflow"),
            ("t-runbook k-dsc-configuration", "DSC"),
            ("t-runbook k-python3", "Python"),
            ("t-runbook k-graphical", "graphical"),
            ("t-asset k-connection", "connection"),
            ("t-asset k-credential", "credential"),
            ("t-asset k-certificate", "certificate"),
            ("t-asset k-variable", "variable"),
            ("t-asset missing", "missing"),
            ("t-asset unused", "unused"),
            ("t-dynamic k-dynamic", "name not known"),
        ]
        spans = "".join(
            f'<span class="key {cls}"><i></i>{_esc(label)}</span>' for cls, label in items
        )
        return (
            f'<span class="legend">{spans}<span class="key dashed"><b></b>dynamic name</span>'
            '<span class="key cycle-edge"><b></b>call cycle</span></span>'
        )

    # --------------------------------------------------------------- graph
    def _rep(self, node: str) -> str:
        block = self._block(self.layout.block_of[node])
        return f"block:{block.id}" if block.collapsed else node

    def _block(self, block_id: str) -> geometry.Block:
        return self.blocks[block_id]

    def _anchor(self, rep: str) -> tuple[float, float, float, int]:
        """Left x, centre y, width and column of what an edge attaches to."""
        if rep.startswith("block:"):
            block = self._block(rep[len("block:") :])
            column = self.layout.columns[block.column]
            return column.x, block.y + geometry.HEADER / 2, column.width, block.column
        block = self._block(self.layout.block_of[rep])
        column = self.layout.columns[block.column]
        x, y = self.layout.positions[rep]
        return x, y + geometry.NODE_HEIGHT / 2, column.width, block.column

    def _svg(self) -> str:
        width, height = self.layout.width, self.layout.height
        out = [
            f'<svg id="graph" xmlns="http://www.w3.org/2000/svg" width="{_num(width)}" '
            f'height="{_num(height)}" viewBox="0 0 {_num(width)} {_num(height)}" '
            'aria-label="dependency graph">',
            "<defs>"
            '<marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="8" '
            'markerHeight="8" markerUnits="userSpaceOnUse" orient="auto">'
            '<path d="M0,0 L8,4 L0,8 z" class="arrowhead"/>'
            "</marker></defs>",
            '<g id="column-titles">',
        ]
        for column in self.layout.columns:
            out.append(
                f'<text class="column-title" x="{_num(column.x)}" y="22">'
                f"{_esc(column.title)}</text>"
            )
        out.append("</g>")
        out.append('<g id="edges">')
        out.extend(self._edge_paths())
        out.append("</g>")
        out.append('<g id="blocks">')
        for block in self.layout.blocks:
            if block.label is not None:
                out.append(self._block_svg(block))
        out.append("</g>")
        out.append('<g id="nodes">')
        for node in self.nodes:
            out.append(self._node_svg(node))
        out.append("</g>")
        out.append("</svg>")
        return "\n".join(out)

    def _edge_paths(self) -> list[str]:
        merged: dict[tuple[str, str, str], dict[str, Any]] = {}
        for edge in self.edges:
            source, target = self._rep(edge["s"]), self._rep(edge["t"])
            if source == target:
                continue
            entry = merged.setdefault(
                (source, target, edge["r"]), {"count": 0, "dyn": True, "cyc": False}
            )
            entry["count"] += 1
            entry["dyn"] = entry["dyn"] and edge["dyn"]
            entry["cyc"] = entry["cyc"] or edge["cyc"]
        out = []
        for (source, target, relation), entry in sorted(merged.items()):
            classes = ["edge", f"r-{_token(relation)}"]
            if entry["dyn"]:
                classes.append("dyn")
            if entry["cyc"]:
                classes.append("cyc")
            count = entry["count"]
            stroke = "" if count == 1 else f' style="stroke-width:{_num(stroke_width(count))}"'
            out.append(
                f'<path class="{" ".join(classes)}" data-s="{_esc(source)}" '
                f'data-t="{_esc(target)}" d="{self._path(source, target)}"{stroke}>'
                f"<title>{_esc(plural(count, relation.rstrip('s') or 'edge'))}</title></path>"
            )
        return out

    def _path(self, source: str, target: str) -> str:
        sx, sy, sw, scol = self._anchor(source)
        tx, ty, tw, tcol = self._anchor(target)
        return edge_path(sx, sy, sw, scol, tx, ty, tw, tcol)

    def _block_svg(self, block: geometry.Block) -> str:
        column = self.layout.columns[block.column]
        classes = "block collapsed" if block.collapsed else "block"
        label = f"{block.label} ({len(block.members)})"
        return (
            f'<g class="{classes}" data-block="{_esc(block.id)}" '
            f'transform="translate({_num(column.x)},{_num(block.y)})">'
            f'<rect class="block-box" x="-6" y="0" width="{_num(column.width + 12)}" '
            f'height="{_num(block.height())}" rx="8"/>'
            f'<g class="block-header" role="button" tabindex="0">'
            f'<rect class="block-head" x="-6" y="0" width="{_num(column.width + 12)}" '
            f'height="{geometry.HEADER}" rx="8"/>'
            f'<text class="toggle" x="2" y="17">{"▸" if block.collapsed else "▾"}</text>'
            f'<text class="block-label" x="16" y="17">{_esc(_fit(label, column.width - 20))}'
            f'</text><text class="block-match" x="{_num(column.width)}" y="17"></text>'
            f"<title>{_esc(label)}</title></g></g>"
        )

    def _node_svg(self, node: dict[str, Any]) -> str:
        block = self._block(self.layout.block_of[node["id"]])
        column = self.layout.columns[block.column]
        x, y = self.layout.positions[node["id"]]
        kind = node.get("kind") or ("unknown" if node.get("type") == "runbook" else "none")
        classes = ["node", f"t-{_token(node.get('type'))}", f"k-{_token(kind)}"]
        classes.extend(self._flags(node))
        if block.collapsed:
            classes.append("hidden")
        found = self.findings_of.get(node["id"], [])
        badge = ""
        if found:
            present = {f.get("severity") for f in found}
            severity = next((s for s in _SEVERITIES if s in present), "info")
            cx = _num(column.width - 11)
            badge = (
                f'<g class="badge sev-{_token(severity)}"><circle cx="{cx}" cy="10" r="7.5"/>'
                f'<text x="{cx}" y="13.5">{len(found) if len(found) < 100 else "99+"}</text></g>'
            )
        label = _fit(node["name"], column.width - (36 if found else 16))
        return (
            f'<g class="{" ".join(classes)}" data-id="{_esc(node["id"])}" '
            f'transform="translate({_num(x)},{_num(y)})" tabindex="-1">'
            f"<title>{_esc(self._tooltip(node))}</title>"
            f'<rect width="{_num(column.width)}" height="{geometry.NODE_HEIGHT}" rx="5"/>'
            f'<rect class="stripe" width="4" height="{geometry.NODE_HEIGHT}" rx="2"/>'
            f'<text x="10" y="14">{_esc(label)}</text>{badge}</g>'
        )

    def _tooltip(self, node: dict[str, Any]) -> str:
        kind = node.get("kind") or "not found"
        parts = [node["name"], kind]
        if node.get("detail"):
            parts.append(node["detail"])
        parts.extend(node.get("paths") or [])
        parts.extend(f for f in self._flags(node) if not f.startswith("has-"))
        found = self.findings_of.get(node["id"], [])
        if found:
            parts.append(plural(len(found), "finding"))
        return " · ".join(parts)

    # --------------------------------------------------------------- tables
    def _neighbours(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        out: dict[str, list[str]] = {}
        into: dict[str, list[str]] = {}
        for edge in self.edges:
            out.setdefault(edge["s"], []).append(edge["t"])
            into.setdefault(edge["t"], []).append(edge["s"])
        return out, into

    def _runbook_table(self, runbooks: list[dict[str, Any]]) -> str:
        out_edges, in_edges = self._neighbours()
        unknown = self._dynamic_unknown()
        rows = []
        for node in runbooks:
            node_id = node["id"]
            targets = out_edges.get(node_id, [])
            assets = sum(1 for t in targets if self.by_id[t].get("type") == "asset")
            children = sum(1 for t in targets if self.by_id[t].get("type") == "runbook")
            callers = len(in_edges.get(node_id, []))
            paths = node.get("paths") or []
            folder = posixpath.dirname(paths[0]) if paths else ""
            status = " ".join(f for f in self._flags(node) if not f.startswith("has-"))
            kind = self.marks[node_id].detail  # "powershell", "missing runbook", …
            rows.append(
                self._row(
                    node_id,
                    node["name"],
                    [
                        (node["name"], None, "name"),
                        (kind, None, ""),
                        (folder or "—", None, "path"),
                        (str(assets), assets, "num"),
                        (str(children), children, "num"),
                        (str(callers), callers, "num"),
                        (str(unknown.get(node_id, 0)), unknown.get(node_id, 0), "num"),
                        (
                            self._finding_count(node_id),
                            len(self.findings_of.get(node_id, [])),
                            "num",
                        ),
                        (status, None, "status"),
                    ],
                )
            )
        headers = [
            ("Runbook", "text"),
            ("Kind", "text"),
            ("Folder", "text"),
            ("Assets", "num"),
            ("Children", "num"),
            ("Callers", "num"),
            ("Unknown names", "num"),
            ("Findings", "num"),
            ("Status", "text"),
        ]
        return self._table("runbooks", f"Runbooks ({len(runbooks)})", headers, rows)

    def _finding_count(self, node_id: str) -> str:
        found = self.findings_of.get(node_id, [])
        return str(len(found)) if "findings" in self.report else "—"

    def _asset_table(self, assets: list[dict[str, Any]]) -> str:
        _out_edges, in_edges = self._neighbours()
        rows = []
        for node in sorted(assets, key=lambda n: (n.get("kind") or "", n["name"].lower(), n["id"])):
            users = len(in_edges.get(node["id"], []))
            declared = ", ".join(
                f"{place['path']}:{place['line']}" if place.get("line") else place["path"]
                for place in node.get("declared_in") or []
            )
            flags = self._flags(node)
            status = "missing" if "missing" in flags else "unused" if "unused" in flags else "ok"
            if node.get("type") == "dynamic":
                # a name nobody knows: what the runbook wrote stands where a declaration would
                status, declared = "not known", node.get("detail") or ""
            rows.append(
                self._row(
                    node["id"],
                    node["name"],
                    [
                        (node.get("kind") or "", None, ""),
                        (node["name"], None, "name"),
                        (status, None, f"status s-{_token(status)}"),
                        (str(users), users, "num"),
                        (node.get("connection_type") or "", None, ""),
                        (declared or "—", None, "path"),
                    ],
                )
            )
        headers = [
            ("Kind", "text"),
            ("Asset", "text"),
            ("Status", "text"),
            ("Users", "num"),
            ("Connection type", "text"),
            ("Declared in", "text"),
        ]
        return self._table("assets", f"Assets ({len(assets)})", headers, rows)

    def _finding_table(self) -> str:
        if "findings" not in self.report:
            return (
                '<section class="table-section" id="findings-section"><h2>Findings</h2>'
                '<p class="note">This report was made without running the rules.</p></section>'
            )
        rows = []
        rank = {severity: index for index, severity in enumerate(_SEVERITIES)}
        for finding in self.findings:
            line = finding.get("line")
            location = finding.get("path") or ""
            if line:
                location += f":{line}:{finding.get('column') or 1}"
            elif finding.get("activity"):
                location += f" ({finding['activity']})"
            severity = finding.get("severity") or ""
            rows.append(
                self._row(
                    None,
                    " ".join(
                        str(finding.get(k) or "") for k in ("path", "code", "name", "message")
                    ),
                    [
                        (severity, rank.get(severity, 9), f"sev sev-{_token(severity)}"),
                        (finding.get("code") or "", None, ""),
                        (finding.get("name") or "", None, ""),
                        (location, None, "path"),
                        (finding.get("message") or "", None, "message"),
                    ],
                )
            )
        headers = [
            ("Severity", "num"),
            ("Code", "text"),
            ("Rule", "text"),
            ("Location", "text"),
            ("Message", "text"),
        ]
        return self._table("findings", f"Findings ({len(self.findings)})", headers, rows)

    @staticmethod
    def _row(node: str | None, filter_text: str, cells: list[tuple[str, Any, str]]) -> str:
        attributes = f' data-filter="{_esc(filter_text.lower())}"'
        if node is not None:
            attributes += f' data-node="{_esc(node)}"'
        tds = "".join(
            f"<td{f' class={chr(34)}{cls}{chr(34)}' if cls else ''}"
            f"{'' if key is None else f' data-sort={chr(34)}{_esc(key)}{chr(34)}'}>"
            f"{_esc(text)}</td>"
            for text, key, cls in cells
        )
        return f"<tr{attributes}>{tds}</tr>"

    @staticmethod
    def _table(name: str, title: str, headers: list[tuple[str, str]], rows: list[str]) -> str:
        ths = "".join(
            f'<th scope="col" data-type="{kind}"><button type="button">{_esc(label)}</button></th>'
            for label, kind in headers
        )
        body = "\n".join(rows) if rows else ""
        empty = "" if rows else f'<p class="note">No {_esc(name)}.</p>'
        return (
            f'<section class="table-section" id="{name}-section"><h2>{_esc(title)}</h2>{empty}'
            f'<table class="sortable" id="{name}-table"><thead><tr>{ths}</tr></thead>'
            f"<tbody>\n{body}\n</tbody></table></section>"
        )

    # ---------------------------------------------------------------- data
    def _data(self) -> dict[str, Any]:
        nodes = {}
        for node in self.nodes:
            nodes[node["id"]] = {
                "name": node["name"],
                "type": node.get("type"),
                "kind": node.get("kind"),
                "paths": node.get("paths") or [],
                "declared_in": node.get("declared_in") or [],
                "connection_type": node.get("connection_type"),
                "detail": node.get("detail"),
                "flags": self._flags(node),
                "findings": len(self.findings_of.get(node["id"], [])),
            }
        return {
            "geometry": {
                "row": geometry.ROW,
                "nodeHeight": geometry.NODE_HEIGHT,
                "header": geometry.HEADER,
                "blockGap": geometry.BLOCK_GAP,
                "blockPad": geometry.BLOCK_PAD,
                "top": geometry.TOP,
                "width": self.layout.width,
            },
            "grouped": self.layout.grouped,
            "columns": [{"x": c.x, "width": c.width} for c in self.layout.columns],
            "blocks": [
                {
                    "id": b.id,
                    "column": b.column,
                    "label": b.label,
                    "members": b.members,
                    "collapsed": b.collapsed,
                    "offsets": b.offsets,
                }
                for b in self.layout.blocks
            ],
            "nodes": nodes,
            "edges": [[e["s"], e["t"], e["r"], e["dyn"], e["cyc"]] for e in self.edges],
        }


def edge_path(
    sx: float, sy: float, sw: float, scol: int, tx: float, ty: float, tw: float, tcol: int
) -> str:
    """A cubic curve from the source's right side to the target's left side; within one
    column an arc on the left (the page's script draws the same curve)."""
    if tcol > scol:
        x1, x2 = sx + sw, tx
        mid = (x1 + x2) / 2
        return (
            f"M{_num(x1)},{_num(sy)} C{_num(mid)},{_num(sy)} "
            f"{_num(mid)},{_num(ty)} {_num(x2)},{_num(ty)}"
        )
    if tcol == scol:
        bend = min(90.0, 18 + abs(ty - sy) / 4)
        return (
            f"M{_num(sx)},{_num(sy)} C{_num(sx - bend)},{_num(sy)} "
            f"{_num(tx - bend)},{_num(ty)} {_num(tx)},{_num(ty)}"
        )
    x1, x2 = sx, tx + tw
    return (
        f"M{_num(x1)},{_num(sy)} C{_num(x1 - 60)},{_num(sy)} "
        f"{_num(x2 + 60)},{_num(ty)} {_num(x2)},{_num(ty)}"
    )


def stroke_width(count: int) -> float:
    """How thick an edge standing for ``count`` edges is drawn (the script agrees)."""
    return min(1.2 + math.log2(count), 5.0)


def _fit(text: str, width: float) -> str:
    """``text`` cut with an ellipsis to what fits ``width`` pixels (an estimate, so the
    same on every machine); the full text is in the element's tooltip."""
    limit = max(4, int(width / geometry.CHAR_WIDTH))
    return text if len(text) <= limit else text[: limit - 1] + "…"
