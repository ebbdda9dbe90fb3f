"""Reports say "missing" only where RB102 would: an inventory that lists every asset of
the kind, and nothing that could be the name."""

from __future__ import annotations

import json
from pathlib import Path

from analyzer.api import build_workspace
from analyzer.config import Config
from analyzer.reporters.dependency import dependency_report, renderer

RUNBOOK = (
    "$c = Get-AutomationConnection -Name 'OpsConection'\n"
    "$v = Get-AutomationVariable -Name 'Region'\n"
)
INVENTORY = {
    "kind": "azure-automation-inventory",
    "version": 1,
    "connections": [{"name": "OpsConnection", "connectionType": "AzureServicePrincipal"}],
}


def report(tmp_path: Path) -> dict:
    (tmp_path / "Start.ps1").write_text(RUNBOOK, encoding="utf-8")
    (tmp_path / "inventory").mkdir()
    (tmp_path / "inventory" / "account.json").write_text(json.dumps(INVENTORY), "utf-8")
    config = Config(jobs=1, inventory=(str(tmp_path / "inventory"),))
    return dependency_report(build_workspace([str(tmp_path / "Start.ps1")], config))


def test_only_a_kind_the_inventory_lists_whole_is_missing(tmp_path: Path) -> None:
    nodes = {n["id"]: n for n in report(tmp_path)["graph"]["nodes"]}
    assert nodes["connection/OpsConection"]["missing"] is True
    # The inventory says nothing of variables: "Region" is not declared, but not missing.
    assert nodes["variable/Region"]["declared"] is False
    assert nodes["variable/Region"]["missing"] is False


def test_the_formats_agree(tmp_path: Path) -> None:
    document = report(tmp_path)
    text = renderer("text")(document)
    assert 'connection "OpsConection"  [missing]' in text
    assert 'variable "Region"  [missing]' not in text
    assert 'variable "Region"' in text
    markdown = renderer("markdown")(document)
    assert "| connection | OpsConection | Start |" in markdown  # the Missing table
    assert "| variable | Region | no |  | Start |" in markdown  # not declared, not missing
    assert "variable Region (missing)" not in markdown


def test_a_report_saved_before_the_attribute_falls_back(tmp_path: Path) -> None:
    from analyzer.graph.queries import asset_missing

    document = report(tmp_path)
    for node in document["graph"]["nodes"]:
        node.pop("missing", None)
    nodes = {n["id"]: n for n in document["graph"]["nodes"]}
    assert asset_missing(nodes["variable/Region"], document) is True  # the old reading
