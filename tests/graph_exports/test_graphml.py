"""GraphML through networkx's reader: the same nodes, edges and attributes as the report."""

from __future__ import annotations

import io
import json
from typing import Any

from analyzer.reporters.dependency import graphml_report
from tests.graph_exports.helpers import AWKWARD, awkward_report, workspace_report


def _expected(data: dict[str, Any], skip: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in skip and v is not None}


def _read(text: str) -> Any:
    import networkx as nx

    graph = nx.read_graphml(io.BytesIO(text.encode("utf-8")))
    for _node, data in graph.nodes(data=True):
        for key in graphml_report.JSON_ATTRIBUTES:
            if key in data:
                data[key] = json.loads(data[key])
    for _s, _t, data in graph.edges(data=True):
        for key in graphml_report.JSON_ATTRIBUTES:
            if key in data:
                data[key] = json.loads(data[key])
    return graph


def _assert_round_trip(report: dict[str, Any]) -> None:
    graph = _read(graphml_report.render(report))
    assert graph.is_directed()
    nodes = report["graph"]["nodes"]
    assert list(graph.nodes) == [n["id"] for n in nodes]
    for node in nodes:
        assert graph.nodes[node["id"]] == _expected(node, ("id",)), node["id"]
    edges = report["graph"]["edges"]
    assert list(graph.edges) == [(e["source"], e["target"]) for e in edges]
    for edge in edges:
        got = graph.edges[edge["source"], edge["target"]]
        assert got == _expected(edge, ("source", "target")), edge


def test_workspace_round_trips() -> None:
    report = workspace_report()
    # The fixture has every kind of node and edge the graph knows.
    assert {n["type"] for n in report["graph"]["nodes"]} == {"runbook", "asset", "connection_type"}
    assert {e["relation"] for e in report["graph"]["edges"]} == {"uses", "calls", "typed"}
    _assert_round_trip(report)


def test_awkward_names_round_trip_and_are_log_safe(tmp_path) -> None:
    report = awkward_report(tmp_path)
    text = graphml_report.render(report)
    assert "##vso[" not in text and "##[" not in text
    _assert_round_trip(report)
    names = {n["name"] for n in report["graph"]["nodes"]}
    assert set(AWKWARD) <= names


def test_values_xml_cannot_hold_are_replaced() -> None:
    report = {
        "graph": {
            "directed": True,
            "multigraph": False,
            "graph": {},
            "nodes": [{"id": "variable/a\x01b", "name": "a\x01b\x85", "type": "asset"}],
            "edges": [],
        }
    }
    text = graphml_report.render(report)
    assert "\x01" not in text and "\x85" not in text
    graph = _read(text)
    assert graph.nodes["variable/a\ufffdb"]["name"] == "a\ufffdb\x85"
