"""The graph queries (analyzer.graph.queries) on a small workspace: direct and transitive
dependents and dependencies, cycles (a job continuation is none), unused assets, and the
subgraph every format renders for a query."""

from __future__ import annotations

import json

import pytest

from analyzer.engine.rule import RuleContext
from analyzer.frontends import analyze_text
from analyzer.graph import queries
from analyzer.inventory.loader import load_inventory
from analyzer.reporters.dependency import dependency_report
from analyzer.workspace.workspace import Workspace

RUNBOOKS = {
    # Top calls Middle inline; Middle and Leaf call each other (a cycle of two)
    "Top.ps1": "$c = Get-AutomationConnection -Name 'Conn One'\n.\\Middle.ps1\n",
    "Middle.ps1": (
        "$v = Get-AutomationVariable -Name 'Var One'\n"
        "Start-AzAutomationRunbook -Name 'Leaf' -ResourceGroupName rg "
        "-AutomationAccountName aa\n"
        "$d = Get-AutomationVariable -Name $dynamicName\n"
    ),
    "Leaf.ps1": (
        "$k = Get-AutomationPSCredential -Name 'Cred One'\n"
        "Start-AzAutomationRunbook -Name 'Middle' -ResourceGroupName rg "
        "-AutomationAccountName aa\n"
    ),
    # starts a new job of itself: a continuation, not a cycle
    "Batch.ps1": (
        "$v = Get-AutomationVariable -Name 'VAR ONE'\n"
        "Start-AzAutomationRunbook -Name 'Batch' -ResourceGroupName rg -AutomationAccountName aa\n"
    ),
    # calls itself inline: a cycle of one
    "Loop.ps1": ".\\Loop.ps1\n",
    "Lonely.ps1": "Write-Output 'nothing needed'\nStart-AzAutomationRunbook -Name 'Gone'\n",
}

INVENTORY = {
    "kind": "azure-automation-inventory",
    "version": 1,
    "account": "aa",
    "connections": [{"name": "Conn One", "connectionType": "AzureServicePrincipal"}],
    "credentials": [{"name": "Cred One"}, {"name": "Spare Cred"}],
    "variables": [{"name": "Var One"}, {"name": "Unused Var"}],
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    folder = tmp_path_factory.mktemp("inventory")
    inventory_file = folder / "automation-inventory.json"
    inventory_file.write_text(json.dumps(INVENTORY), encoding="utf-8")
    files = [analyze_text(path, text, "powershell") for path, text in sorted(RUNBOOKS.items())]
    return Workspace(files, inventory=load_inventory([str(inventory_file)]))


def test_rule_context_hands_out_the_workspace_graph(workspace: Workspace) -> None:
    context = RuleContext(workspace)
    assert context.graph is workspace.graph
    assert context.graph is RuleContext(workspace).graph  # built once per workspace


def test_direct_dependents_and_dependencies(workspace: Workspace) -> None:
    graph = workspace.graph
    assert queries.dependents(graph, "variable/Var One") == ["runbook/Batch", "runbook/Middle"]
    assert queries.dependencies(graph, "runbook/Middle") == ["runbook/Leaf", "variable/Var One"]
    assert queries.dependencies(graph, "connection/Conn One") == [
        "connection_type/AzureServicePrincipal"
    ]


def test_impact_follows_child_calls_upwards(workspace: Workspace) -> None:
    graph = workspace.graph
    # Leaf uses the credential; Middle calls Leaf; Top calls Middle
    assert queries.impact(graph, "credential/Cred One") == [
        "runbook/Leaf",
        "runbook/Middle",
        "runbook/Top",
    ]
    assert queries.impact(graph, "connection/Conn One") == ["runbook/Top"]
    assert queries.impact(graph, "runbook/Top") == []


def test_uses_follows_child_calls_downwards(workspace: Workspace) -> None:
    assert queries.uses(workspace.graph, "runbook/Top") == [
        "connection/Conn One",
        "connection_type/AzureServicePrincipal",
        "credential/Cred One",
        "runbook/Leaf",
        "runbook/Middle",
        "variable/Var One",
    ]


def test_cycles_skip_a_job_continuation(workspace: Workspace) -> None:
    assert queries.cycles(workspace.graph) == [
        ["runbook/Leaf", "runbook/Middle"],
        ["runbook/Loop"],
    ]


def test_unused_assets_are_declared_and_looked_up_by_no_one(workspace: Workspace) -> None:
    assert queries.unused(workspace.graph) == ["credential/Spare Cred", "variable/Unused Var"]


def test_names_are_found_case_insensitively(workspace: Workspace) -> None:
    graph = workspace.graph
    assert queries.find_node(graph, "variable", "var one") == "variable/Var One"
    assert queries.find_node(graph, "runbook", "MIDDLE") == "runbook/Middle"
    assert queries.find_node(graph, "connection", "Var One") is None
    assert "Gone" in queries.names_of_kind(graph, "runbook")


def test_subgraph_filters_every_part_consistently(workspace: Workspace) -> None:
    report = dependency_report(workspace)
    keep = ["runbook/Middle", "variable/Var One"]
    cut = queries.subgraph(report, keep)
    assert list(cut) == list(report)
    assert [r["name"] for r in cut["runbooks"]] == ["Middle"]
    assert [(a["kind"], a["name"]) for a in cut["assets"]] == [("variable", "Var One")]
    # Middle's literal lookup stays, its dynamic one too (it could be anything kept);
    # the call to Leaf goes with Leaf
    assert [(r["runbook"], r["name"], r["expression"]) for r in cut["references"]] == [
        ("Middle", "Var One", None),
        ("Middle", None, "$dynamicName"),
    ]
    assert cut["calls"] == []
    assert [n["id"] for n in cut["graph"]["nodes"]] == keep
    assert [(e["source"], e["target"]) for e in cut["graph"]["edges"]] == [
        ("runbook/Middle", "variable/Var One")
    ]
    # the whole report is left as it was
    assert len(report["runbooks"]) == len(RUNBOOKS)


def test_subgraph_keeps_the_findings_of_kept_files(workspace: Workspace) -> None:
    report = dependency_report(workspace)
    report["findings"] = [{"path": "Middle.ps1", "code": "X"}, {"path": "Top.ps1", "code": "Y"}]
    cut = queries.subgraph(report, ["runbook/Middle"])
    assert cut["findings"] == [{"path": "Middle.ps1", "code": "X"}]


def test_report_graph_round_trips(workspace: Workspace) -> None:
    report = dependency_report(workspace)
    rebuilt = queries.report_graph(report)
    assert sorted(rebuilt.edges) == sorted(workspace.graph.edges)
    assert queries.cycles(rebuilt) == queries.cycles(workspace.graph)
    assert queries.unused(rebuilt) == queries.unused(workspace.graph)


def test_inventory_checked(workspace: Workspace) -> None:
    assert queries.inventory_checked(dependency_report(workspace))
    bare = Workspace([analyze_text("Top.ps1", RUNBOOKS["Top.ps1"], "powershell")])
    assert not queries.inventory_checked(dependency_report(bare))
