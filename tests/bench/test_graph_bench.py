"""The graph benchmark's synthetic workspace is what it claims (``make bench`` times it at
10,000 runbooks; here a small one keeps the test quick)."""

from __future__ import annotations

import math
from pathlib import Path

from analyzer.graph import queries
from analyzer.workspace.workspace import Workspace
from tests.bench.graph import measure, synthetic_facts, synthetic_inventory


def test_synthetic_workspace_has_every_kind_of_node(tmp_path: Path) -> None:
    files = synthetic_facts(runbooks=300, assets=200)
    workspace = Workspace(files, inventory=synthetic_inventory(tmp_path, assets=200))
    graph = workspace.graph
    runbooks = [n for n, d in graph.nodes(data=True) if d["type"] == "runbook"]
    assets = [n for n, d in graph.nodes(data=True) if d["type"] == "asset"]
    assert sum(1 for n in runbooks if graph.nodes[n]["paths"]) == 300
    assert any(graph.nodes[n]["missing"] for n in runbooks)  # retired children
    assert any(not graph.nodes[n]["declared"] for n in assets)  # one in ten undeclared
    assert len(queries.unused(graph)) >= 50  # the 50 unused variables at least
    relations = {d["relation"] for _s, _t, d in graph.edges(data=True)}
    assert relations == {"uses", "calls", "typed"}
    # the same seed makes the same facts
    assert [f.path for f in synthetic_facts(300, 200)] == [f.path for f in files]


def test_measure_reports_every_step() -> None:
    rows = measure(repeats=1, runbooks=200, assets=100)
    steps = [step for step, _seconds, _note in rows]
    assert steps[:4] == [
        "workspace (join facts, resolve calls)",
        "graph build",
        "dependency report (§4 document)",
        "queries (cycles, unused, one impact)",
    ]
    assert "export json" in steps and "export text" in steps
    for step, seconds, note in rows:
        assert math.isnan(seconds) == (note == "not built yet"), step
