"""The demo repository end to end: text and JSON findings and the dependency report are
golden files (fixtures/goldens/demo/), reviewed as diffs when they change."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

GOLDENS = FIXTURES / "goldens" / "demo"


def _run(args: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analyzer", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("golden", "args", "exit_code"),
    [
        ("check.txt", ["check", "fixtures/demo", "--inventory", "fixtures/demo/infra"], 1),
        (
            "check.json",
            ["check", "fixtures/demo", "--inventory", "fixtures/demo/infra", "--format", "json"],
            1,
        ),
        ("dependencies.json", ["graph", "fixtures/demo", "--inventory", "fixtures/demo/infra"], 0),
        ("inventory.json", ["inventory", "fixtures/demo/infra", "--format", "json"], 0),
    ],
)
def test_demo_golden(golden: str, args: list[str], exit_code: int, update_goldens: bool) -> None:
    result = _run(args)
    assert result.returncode == exit_code, result.stderr
    path: Path = GOLDENS / golden
    if update_goldens:
        path.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == path.read_text(encoding="utf-8")


def test_demo_finds_every_planted_mistake() -> None:
    """The checklist in fixtures/demo/README.md, finding by finding."""
    document = json.loads((GOLDENS / "check.json").read_text(encoding="utf-8"))
    found = {(d["code"], d["path"].rsplit("/", 1)[-1], d["line"]) for d in document["diagnostics"]}
    expected = {
        ("RB101", "Update-StorageFirewall.ps1", 16),
        ("RB101", "Update-StorageFirewall.ps1", 17),
        ("RB103", "Update-StorageFirewall.ps1", 21),
        ("RB107", "Invoke-PatchWave.ps1", 16),
        ("RB107", "Stop-LabVms.ps1", 13),
        ("RB107", "list_vms_runas.py", 14),
        ("RB107", "list_vms_runas.py", 29),
        ("RB108", "Stop-LabVms.ps1", 14),  # once per file; lines 17 and 20 are related places
        ("RB201", "Confirm-PatchWave.ps1", 36),
        ("RB202", "Confirm-PatchWave.ps1", 22),
        ("RB401", "Stop-LabVms.ps1", 7),
        ("RB104", "post_cost_summary.py", 20),  # once per file; line 21 is a related place
        ("RB903", "list_vms_runas.py", 1),
        # with the inventory (fixtures/demo/infra)
        ("RB102", "Export-VmInventory.ps1", 14),
        ("RB102", "Invoke-PatchWave.ps1", 16),
        ("RB102", "Stop-LabVms.ps1", 13),
        ("RB102", "list_vms_runas.py", 14),
        ("RB102", "list_vms_runas.py", 29),
        ("RB105", "Start-LabEnvironment.ps1", 12),
        ("RB106", "Confirm-PatchWave.ps1", 30),
        ("RB203", "automation-account.json", 108),
        ("RB203", "secrets.tf", 27),
        ("RB302", "automation-account.json", 64),
        ("RB303", "secrets.tf", 16),
        ("RB303", "secrets.tf", 24),
        ("RB304", "secrets.tf", 19),
    }
    assert found == expected


#: A README block that is the output of a command run in fixtures/demo/.
_README_EXAMPLE = re.compile(
    r"<!-- output-of: (?P<args>[^>]*?) -->\n```\w*\n(?P<output>.*?)```", re.S
)


def _readme_examples() -> list[tuple[str, str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return [(m["args"], m["output"]) for m in _README_EXAMPLE.finditer(readme)]


def test_readme_has_checked_examples() -> None:
    """The text and the JSON example are both checked (a lost marker would hide drift)."""
    commands = [args for args, _ in _readme_examples()]
    assert len(commands) >= 2
    assert any("--format json" in c for c in commands)
    assert any("--format" not in c for c in commands)


@pytest.mark.parametrize(("args", "shown"), _readme_examples(), ids=lambda v: v[:60])
def test_readme_example_is_real_output(args: str, shown: str) -> None:
    result = _run(shlex.split(args), cwd=FIXTURES / "demo")
    assert result.returncode in (0, 1), result.stderr
    assert shown == result.stdout, (
        f"README example of `runbook-analyzer {args}` (run in fixtures/demo/) is stale; "
        f"paste this output:\n{result.stdout}"
    )
