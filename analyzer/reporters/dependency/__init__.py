"""Dependency reports: the ``graph --format json`` document (DESIGN §4, a stable
contract: add keys, never rename) and the exports every other format renders from it.

Every export is a module ``<format>_report`` with ``render(report: dict) -> str`` over the
document :func:`dependency_report` returns (or a query's subgraph of it, which has the same
shape), so the formats cannot disagree about what the graph holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analyzer.workspace.workspace import Workspace

REPORT_VERSION = 1
FORMATS = ("json", "dot", "graphml", "mermaid", "markdown", "html", "text")


def renderer(name: str):  # noqa: ANN201 - returns a module-level function
    """The render function of dependency format ``name`` (imported on demand)."""
    import importlib

    if name not in FORMATS:
        raise ValueError(f"unknown graph format {name!r}")
    return importlib.import_module(f"analyzer.reporters.dependency.{name}_report").render


def _span_fields(span: Any) -> dict[str, int | None]:
    if span is None:
        return {"line": None, "column": None, "end_line": None, "end_column": None}
    return {
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
    }


def dependency_report(workspace: Workspace) -> dict[str, Any]:
    """The ``graph --format json`` document, exactly as DESIGN §4 specifies it."""
    import networkx as nx

    runbooks = [
        {"name": f.runbook.name, "path": f.path, "kind": f.runbook.kind}
        for f in workspace.files
        if f.runbook is not None
    ]
    references = []
    for file, ref in workspace.references():
        name = ref.name
        assert name is not None
        span = _span_fields(ref.span)
        references.append(
            {
                "path": file.path,
                "runbook": file.runbook.name if file.runbook else None,
                "kind": ref.kind,
                "operation": ref.operation,
                "callee": ref.callee,
                "name": name.literal,
                "dynamic": name.dynamic,
                "expression": name.expression,
                "resolved": name.resolved,
                **span,
                "activity": ref.logical.activity if ref.logical else None,
            }
        )
    calls = []
    for resolved in workspace.all_calls():
        call = resolved.call
        file = resolved.file
        calls.append(
            {
                "path": file.path,
                "runbook": file.runbook.name if file.runbook else None,
                "callee": call.callee,
                "child": call.child.effective,
                "dynamic": call.child.dynamic,
                "line": call.span.line if call.span else None,
                "column": call.span.column if call.span else None,
                "activity": call.logical.activity if call.logical else None,
            }
        )
    graph = workspace.graph
    assets = [
        {
            "kind": data["kind"],
            "name": data["name"],
            "declared": data.get("declared", False),
            "declared_in": data.get("declared_in", []),
            "connection_type": data.get("connection_type"),
        }
        for _, data in graph.nodes(data=True)
        if data.get("type") == "asset"
    ]

    return {
        "version": REPORT_VERSION,
        "runbooks": sorted(runbooks, key=lambda r: (r["path"], r["name"])),
        "assets": sorted(assets, key=lambda a: (a["kind"], a["name"].lower(), a["name"])),
        "references": sorted(
            references,
            key=lambda r: (
                r["path"],
                r["line"] or 0,
                r["column"] or 0,
                r["activity"] or "",
                r["kind"],
            ),
        ),
        "calls": sorted(
            calls, key=lambda c: (c["path"], c["line"] or 0, c["column"] or 0, c["activity"] or "")
        ),
        "graph": nx.node_link_data(graph, edges="edges"),
    }
