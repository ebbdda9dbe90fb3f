"""Inventories end to end: --inventory, configuration, accounts, the inventory command,
the graph, bad input, and secrets that never reach any output."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import main

SECRET = "S3cr3t-value-that-must-never-print"

TEMPLATE = """{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "accountName": { "type": "string", "defaultValue": "ACCOUNT" } },
  "resources": [
    { "type": "Microsoft.Automation/automationAccounts/variables", "apiVersion": "2023-11-01",
      "name": "[concat(parameters('accountName'), '/Region')]",
      "properties": { "isEncrypted": true, "value": "\\"SECRET\\"" } },
    { "type": "Microsoft.Automation/automationAccounts/credentials", "apiVersion": "2023-11-01",
      "name": "[concat(parameters('accountName'), '/SqlAdmin')]",
      "properties": { "userName": "sql", "password": "SECRET" } },
    { "type": "Microsoft.Automation/automationAccounts/connections", "apiVersion": "2023-11-01",
      "name": "[concat(parameters('accountName'), '/Ops')]",
      "properties": { "connectionType": { "name": "AzureServicePrincipal" },
        "fieldDefinitionValues": { "ApplicationId": "SECRET", "TenantId": "t",
          "CertificateThumbprint": "c", "SubscriptionId": "s" } } }
  ]
}
"""


def invoke(args: list[str], cwd: Path) -> tuple[int, str]:
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.output


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for account in ("prod", "dev"):
        (tmp_path / "infra" / account).mkdir(parents=True)
        (tmp_path / "infra" / account / "main.json").write_text(
            TEMPLATE.replace("ACCOUNT", f"aa-{account}").replace("SECRET", SECRET),
            encoding="utf-8",
        )
        (tmp_path / "runbooks" / account).mkdir(parents=True)
    # only prod declares Extra
    prod = tmp_path / "infra" / "prod" / "main.json"
    prod.write_text(
        prod.read_text(encoding="utf-8").replace(
            '"resources": [',
            '"resources": [\n    { "type": "Microsoft.Automation/automationAccounts/variables",'
            ' "apiVersion": "2023-11-01", "name": "aa-prod/Extra",'
            ' "properties": { "isEncrypted": false, "value": "1" } },',
        ),
        encoding="utf-8",
    )
    runbook = (
        "$r = Get-AutomationVariable -Name 'Region'\n"
        "$x = Get-AutomationVariable -Name 'Extra'\n"
        "$c = Get-AutomationConnection -Name 'Ops'\n"
        "Write-Output $c.TenantId $c.Tenant\n"
    )
    (tmp_path / "runbooks" / "prod" / "Run.ps1").write_text(runbook, encoding="utf-8")
    (tmp_path / "runbooks" / "dev" / "Run-Dev.ps1").write_text(runbook, encoding="utf-8")
    (tmp_path / ".runbook-analyzer.toml").write_text(
        'default-account = "aa-prod"\n\n'
        '[[accounts]]\nname = "aa-prod"\nrunbooks = ["runbooks/prod/*"]\n'
        'inventory = ["infra/prod"]\n\n'
        '[[accounts]]\nname = "aa-dev"\nrunbooks = ["runbooks/dev/*"]\n'
        'inventory = ["infra/dev"]\n',
        encoding="utf-8",
    )
    return tmp_path


def test_accounts_check_each_runbook_against_its_own_inventory(repo: Path) -> None:
    code, output = invoke(["check", "runbooks", "--select", "RB102,RB106", "--no-source"], repo)
    assert code == 1
    findings = [line for line in output.splitlines() if " RB1" in line]
    assert findings == [
        'runbooks/dev/Run-Dev.ps1:2:36: RB102 missing-asset: variable "Extra" is not in the '
        'inventory for account "aa-dev" [error]',
        'runbooks/dev/Run-Dev.ps1:4:29: RB106 unknown-connection-field: field "Tenant" of '
        'connection "Ops" is not defined by type AzureServicePrincipal; it reads as $null; '
        'did you mean "TenantId"? [warning]',
        'runbooks/prod/Run.ps1:4:29: RB106 unknown-connection-field: field "Tenant" of '
        'connection "Ops" is not defined by type AzureServicePrincipal; it reads as $null; '
        'did you mean "TenantId"? [warning]',
    ]


def test_secrets_never_reach_any_output(repo: Path) -> None:
    outputs = []
    for args in (
        ["check", "runbooks"],
        ["check", "runbooks", "--format", "json"],
        ["graph", "runbooks"],
        ["inventory", "infra"],
        ["inventory", "infra", "--format", "json"],
        ["inventory", "infra", "--format", "inventory"],
    ):
        code, output = invoke(args, repo)
        assert code in (0, 1), output
        outputs.append(output)
    assert all(SECRET not in output for output in outputs)
    assert "RB303" in outputs[0]  # the literal secrets are reported, by location


def test_inventory_command_json_is_sorted_and_complete(repo: Path) -> None:
    code, output = invoke(["inventory", "infra/prod", "--format", "json"], repo)
    assert code == 0
    document = json.loads(output)
    assert document["version"] == 1
    assets = document["assets"]
    assert list(assets[0]) == [
        "kind",
        "name",
        "raw",
        "resolved",
        "reason",
        "account",
        "connection_type",
        "fields",
        "path",
        "line",
    ]
    keys = [(a["kind"], a["name"].casefold()) for a in assets]
    assert keys == sorted(keys)
    names = {(a["kind"], a["name"]) for a in assets}
    assert {("variable", "Region"), ("variable", "Extra"), ("credential", "SqlAdmin")} <= names
    ops = next(a for a in assets if a["name"] == "Ops")
    assert ops["connection_type"] == "AzureServicePrincipal"
    assert ops["account"] == "aa-prod"
    assert ops["path"] == "infra/prod/main.json"


def test_graph_marks_declared_assets(repo: Path) -> None:
    code, output = invoke(
        ["graph", "runbooks/prod", "--inventory", "infra/prod", "--isolated"], repo
    )
    assert code == 0
    report = json.loads(output)
    region = next(a for a in report["assets"] if a["name"] == "Region")
    assert region["declared"] is True
    assert region["declared_in"] == [{"path": "infra/prod/main.json", "line": 8}]
    ops = next(a for a in report["assets"] if a["name"] == "Ops")
    assert ops["connection_type"] == "AzureServicePrincipal"
    edges = {(e["source"], e["target"], e["relation"]) for e in report["graph"]["edges"]}
    assert ("connection/Ops", "connection_type/AzureServicePrincipal", "typed") in edges


def test_missing_inventory_path_is_exit_two(repo: Path) -> None:
    code, output = invoke(["check", "runbooks", "--inventory", "nope", "--isolated"], repo)
    assert code == 2
    assert "--inventory nope: no such file or directory" in output


def test_malformed_inventory_is_rb902_and_covers_nothing(tmp_path: Path) -> None:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "broken.json").write_text(
        '{"kind": "azure-automation-inventory",\n "variables": [{"name": "A"},,]}\n',
        encoding="utf-8",
    )
    (tmp_path / "Run.ps1").write_text("Get-AutomationVariable -Name 'B'\n", encoding="utf-8")
    code, output = invoke(
        ["check", "Run.ps1", "--inventory", "infra", "--no-source", "--isolated"], tmp_path
    )
    assert code == 1
    assert "infra/broken.json:2:1: RB902 unreadable-file: invalid JSON" in output
    assert "RB102" not in output
