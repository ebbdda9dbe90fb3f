"""Exports the analyzer can decode but does not fully know (issue 7, item 11).

A real export said ``"SchemaVersion": "2.10999"`` over a 1.10 payload and got RB902
"unreadable file" although every lookup in it had been decoded. These tests hold the line
between the two codes end to end: a file that decodes keeps all its facts and findings and
gets an RB907 note (severity info, so the default gate passes); only a file that cannot
be decoded is RB902 at error level, with no facts.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from analyzer.api import analyze
from analyzer.config import Config
from analyzer.engine.registry import load_rules
from tests.conftest import samples_missing
from tests.graphical.builder import (
    Command,
    Constant,
    InvokeRunbook,
    Runbook,
    build_graph,
    container,
    export,
    payload,
)
from tests.graphical.make_fixtures import FOLDER, MODEL_74, identity_spec
from tests.test_cli import invoke

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples" / "graphrunbook"
#: What the identity runbook of make_fixtures needs, and nothing else: a complete inventory.
INVENTORY = {
    "kind": "azure-automation-inventory",
    "version": 1,
    "variables": [{"name": "StorageAccountName", "encrypted": False}],
    "credentials": [{"name": "SqlAdmin"}],
    "connections": [],
    "certificates": [],
    "runbooks": [{"name": "Rotate-StorageKeys", "runbookType": "PowerShell"}],
}


def _run(args: list[str], cwd: Path) -> tuple[int, str]:
    return invoke(args, cwd)


def _analyze(folder: Path, *, inventory: bool = False, select: tuple[str, ...] = ()):
    old = Path.cwd()
    os.chdir(folder)
    try:
        config = Config(jobs=1, inventory=("inventory.json",) if inventory else (), select=select)
        return analyze(["."], config)
    finally:
        os.chdir(old)


def _findings(result) -> list[tuple[str, str, str | None, str]]:
    return [
        (d.code, d.severity, d.logical.activity if d.logical else None, d.message)
        for d in result.diagnostics
    ]


def test_rb907_is_a_registered_info_rule() -> None:
    rules = {rule.code: rule for rule in load_rules()}
    assert rules["RB907"].name == "unknown-format"
    assert rules["RB907"].severity == "info"
    assert rules["RB902"].severity == "error"


def test_hand_edited_schema_keeps_its_facts_and_is_only_a_note(tmp_path: Path) -> None:
    spec = identity_spec("Start-NightlyMaintenance")
    (tmp_path / "Start-NightlyMaintenance.graphrunbook").write_bytes(export(spec, "2.10999"))
    # A stale inventory: the variable was renamed and the child was never imported.
    stale = dict(INVENTORY, variables=[{"name": "StorageAcctName"}], runbooks=[])
    (tmp_path / "inventory.json").write_text(json.dumps(stale), encoding="utf-8")
    result = _analyze(tmp_path, inventory=True)
    found = _findings(result)
    codes = [code for code, *_ in found]
    assert "RB902" not in codes
    notes = [f for f in found if f[0] == "RB907"]
    assert len(notes) == 1
    _, severity, activity, message = notes[0]
    assert (severity, activity) == ("info", None)
    assert '"2.10999"' in message and "1.10" in message
    note = next(d for d in result.diagnostics if d.code == "RB907")
    assert note.help is not None and "export the runbook again" in note.help
    # The lookups and the call are facts, so the rules on them still work.
    assert ("RB102", "error", "Get storage account name") in [f[:3] for f in found]
    assert ("RB101", "warning", "Get SQL credential") in [f[:3] for f in found]
    assert ("RB201", "error", "Rotate the keys") in [f[:3] for f in found]


def test_newer_schema_with_literal_names_passes_the_default_gate(tmp_path: Path) -> None:
    spec = Runbook(
        activities=[
            Command(
                "Get storage account name",
                "Get-AutomationVariable",
                "",
                {"Name": Constant("StorageAccountName")},
            ),
            InvokeRunbook("Rotate the keys", "Rotate-StorageKeys"),
        ],
        seed="literal",
    )
    (tmp_path / "Nightly.graphrunbook").write_bytes(
        container(payload(build_graph(spec, "1.11", MODEL_74)), "1.11")
    )
    (tmp_path / "Rotate-StorageKeys.ps1").write_text("Write-Output 'rotated'\n", encoding="utf-8")
    (tmp_path / "inventory.json").write_text(json.dumps(INVENTORY), encoding="utf-8")
    code, output = _run(["check", ".", "--inventory", "inventory.json"], tmp_path)
    assert code == 0, output
    (note,) = [line for line in output.splitlines() if " RB907 " in line]
    assert note.startswith("Nightly.graphrunbook:1:1: RB907 unknown-format: ")
    assert 'schema version "1.11" is newer' in note and "model 7.4.0.0" in note
    assert note.endswith("[info]")
    assert "RB902" not in output
    code, _ = _run(["check", ".", "--inventory", "inventory.json", "--fail-on", "info"], tmp_path)
    assert code == 1


def test_graph_report_lists_the_lookups_of_a_newer_export(tmp_path: Path) -> None:
    (tmp_path / "Nightly.graphrunbook").write_bytes(export(identity_spec("Nightly"), "2.10999"))
    code, output = _run(["graph", ".", "--format", "json"], tmp_path)
    assert code == 0, output
    report = json.loads(output)
    names = sorted((r["kind"], r["name"] or r["expression"]) for r in report["references"])
    assert names == [("credential", "$SqlCredentialName"), ("variable", "StorageAccountName")]
    assert [c["child"] for c in report["calls"]] == ["Rotate-StorageKeys"]


def test_unknown_value_class_is_a_note_not_a_dynamic_name(tmp_path: Path) -> None:
    target = tmp_path / "unknown-classes.graphrunbook"
    target.write_bytes((FOLDER / "unknown-classes.graphrunbook").read_bytes())
    found = _findings(_analyze(tmp_path, select=("RB101", "RB902", "RB907")))
    assert [(code, severity, activity) for code, severity, activity, _ in found] == [
        ("RB907", "info", "Fancy step"),
        ("RB907", "info", "Get mystery variable"),
    ]


def test_truncated_newer_export_stays_unreadable(tmp_path: Path) -> None:
    target = tmp_path / "corrupt.graphrunbook"
    target.write_bytes((FOLDER / "corrupt-newer-schema-truncated.graphrunbook").read_bytes())
    result = _analyze(tmp_path)
    assert [(code, severity) for code, severity, _, _ in _findings(result)] == [("RB902", "error")]
    message = result.diagnostics[0].message
    assert '"1.11"' in message and "newer than known" in message
    (file,) = result.files
    assert file.refs == [] and file.calls == [] and file.runbook is None


def _samples() -> list[Path]:
    return sorted(SAMPLES.glob("*.graphrunbook")) if SAMPLES.is_dir() else []


@pytest.mark.parametrize("sample", _samples() or [None], ids=lambda p: p.name[:60] if p else "none")
def test_real_exports_get_neither_rb902_nor_rb907(sample: Path | None, tmp_path: Path) -> None:
    """Every public export in the samples has a known schema version and known classes."""
    if sample is None:
        pytest.skip(samples_missing("graphrunbook"))
    (tmp_path / "sample.graphrunbook").write_bytes(sample.read_bytes())
    found = _findings(_analyze(tmp_path, select=("RB902", "RB907")))
    assert found == []
