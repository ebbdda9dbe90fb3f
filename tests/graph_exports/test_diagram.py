"""What every drawing shares (diagram.py), and every format on the reports a query, a
workspace without inventory or an empty folder gives."""

from __future__ import annotations

import pytest

from analyzer.graph.queries import find_node, impact, report_graph, subgraph
from analyzer.reporters.dependency import renderer
from analyzer.reporters.dependency.diagram import diagram, grouped
from tests.graph_exports.helpers import (
    ROOT,
    report_of,
    working_directory,
    workspace_report,
)

FORMATS = ("dot", "graphml", "mermaid", "markdown")


def test_without_an_inventory_nothing_is_missing_but_unknown_children() -> None:
    with working_directory(ROOT):
        report = report_of(["fixtures/graph/workspace"])
    drawing = diagram(report)
    missing = sorted(n.label for n in drawing.nodes if n.missing)
    # A child nobody has is missing without an inventory too; an asset cannot be.
    assert missing == ["Legacy-Cleanup", "Retired-Job", "Weird-->Child; a|b"]
    assert not any(n.unused for n in drawing.nodes)
    text = renderer("markdown")(report)
    assert "| runbook | Retired-Job | Start-Nightly |" in text
    assert "| connection | Teams Webhook | — |  | tag\\_audit |" in text
    assert "### Unused" not in text


def test_placeholders_and_dashes() -> None:
    drawing = diagram(workspace_report())
    placeholders = {n.id: n.detail for n in drawing.nodes if n.style == "dynamic"}
    assert placeholders == {
        "dynamic/certificate/runbook/Rapport Café 日本": "('Signing ' + (Get-Date).Year)",
        "dynamic/connection/runbook/tag_audit": "sys.argv[1]",
        "dynamic/credential/runbook/Rapport Café 日本": '"$Office Admin"',
        "dynamic/runbook/runbook/Start-Nightly": "Start-AzAutomationRunbook",
        "dynamic/variable/runbook/Send-Report": '"Recipients $Audience"',
    }
    dashed = sorted((e.source, e.target) for e in drawing.edges if e.dashed)
    proven = [edge for edge in dashed if not edge[1].startswith("dynamic/")]
    assert proven == [
        ("runbook/Export-Inventory", 'variable/Inventory "Last" Export'),
        ("runbook/Patch-Wave", "variable/Patch Report wave1"),
        ("runbook/tag_audit", "variable/Audit Environment"),
    ]
    assert len(dashed) == len(proven) + len(placeholders)


def test_grouping_keeps_every_dependency_between_groups() -> None:
    full = diagram(workspace_report())
    assert grouped(full, len(full.nodes)) is full
    small = grouped(full, 20)
    assert all(n.style == "group" for n in small.nodes)
    group_of = {}
    for node in full.nodes:
        group_of[node.id] = next(g.id for g in small.nodes if g.label == node.group)
    crossing = [e for e in full.edges if group_of[e.source] != group_of[e.target]]
    assert sum(e.count for e in small.edges) == len(crossing)
    counts = {n.label: n.detail for n in small.nodes}
    assert counts["ops/"] == "1 dynamic name, 4 runbooks"
    assert counts["variables"] == "13 variables (2 missing, 1 unused)"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_query_subgraph_renders(fmt) -> None:
    report = workspace_report()
    graph = report_graph(report)
    node = find_node(graph, "variable", "Tag #1 | Cost 100%")
    assert node is not None
    cut = subgraph(report, [node, *impact(graph, node)])
    text = renderer(fmt)(cut)
    assert "Cycle Béta" in text and "Start-Nightly" in text
    assert "Patch-Wave" not in text  # not affected by the variable


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_folder_renders(fmt, tmp_path) -> None:
    with working_directory(tmp_path):
        report = report_of(["."])
    assert report["graph"]["nodes"] == []
    text = renderer(fmt)(report)
    assert text.endswith("\n")
