"""The reports the graph-export tests render: the shared fixture workspace, a workspace of
awkward names, and a large synthetic account (for the Markdown diagram's grouping).

Report paths are relative to the working directory, so each report is built from inside
the folder its paths should be relative to.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from analyzer.api import build_workspace
from analyzer.config import Config
from analyzer.reporters.dependency import dependency_report
from tests.conftest import ROOT

GRAPH = ROOT / "fixtures" / "graph"
WORKSPACE = GRAPH / "workspace"
EXPECTED = GRAPH / "expected"
MERMAID_MODULES = ROOT / "build" / "tools" / "mermaid" / "node_modules"
MERMAID_CHECK = Path(__file__).with_name("mermaid_check.mjs")

NO_DOT = "Graphviz `dot` not found: run `make system-tools` as root (installs Debian's graphviz)"
NO_MERMAID = (
    "Mermaid and jsdom not installed: run `make mermaid-tools` (needs npm and the npm registry)"
)

#: Names that break naive quoting in DOT, Mermaid, XML, Markdown or a CI log.
AWKWARD = [
    'x"y',
    "a\\b",
    "trailing\\",
    'back\\"quote',
    "\\N label escape",
    "R&D &amp; co",
    "<script>alert(1)</script>",
    "##vso[task.complete result=Failed]",
    "#quot; entity",
    "%% not a comment",
    '%%{init: {"theme": "dark"}}%%',
    "style:#1;",
    "end",
    "a --> b; c | d",
    "`tick` *star* _under_ [link](x)",
    "{braces} (parens) [brackets]",
    "日本語 é",
]


@contextlib.contextmanager
def working_directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def report_of(paths: list[str], inventory: list[str] | None = None) -> dict[str, Any]:
    config = dataclasses.replace(Config(), inventory=tuple(inventory or ()))
    return dependency_report(build_workspace(paths, config))


@cache
def _workspace_report() -> dict[str, Any]:
    with working_directory(ROOT):
        return report_of(["fixtures/graph/workspace"], ["fixtures/graph/workspace/inventory"])


def workspace_report() -> dict[str, Any]:
    """The dependency report of fixtures/graph/workspace with its inventory (a fresh copy)."""
    import copy

    return copy.deepcopy(_workspace_report())


def _ps_string(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def awkward_report(folder: Path) -> dict[str, Any]:
    """One runbook looking up a variable and starting a child for each awkward name, half
    of the variables declared (so some are missing)."""
    runbooks = folder / "runbooks"
    runbooks.mkdir(parents=True)
    lines = []
    for name in AWKWARD:
        lines.append(f"$v = Get-AutomationVariable -Name {_ps_string(name)}")
        lines.append(f"Start-AzAutomationRunbook -Name {_ps_string(name)} -ResourceGroupName rg")
    (runbooks / "Awkward.ps1").write_text("\n".join(lines) + "\n", encoding="utf-8")
    import json

    inventory = {
        "kind": "azure-automation-inventory",
        "version": 1,
        "variables": [{"name": name} for name in AWKWARD[::2]],
    }
    (folder / "inventory.json").write_text(json.dumps(inventory), encoding="utf-8")
    with working_directory(folder):
        return report_of(["runbooks"], ["inventory.json"])


def large_report(folder: Path, teams: int = 8, per_team: int = 12) -> dict[str, Any]:
    """A synthetic account far past the diagram's size limit: ``teams`` folders of runbooks
    sharing variables, each team with its credential and a chain of child calls that hands
    over to the next team (the last one to a runbook that no longer exists)."""
    for team in range(teams):
        team_dir = folder / "runbooks" / f"team-{team:02}"
        team_dir.mkdir(parents=True)
        for number in range(per_team):
            body = [
                f"$a = Get-AutomationVariable -Name 'Shared-{(team + number) % 10}'",
                f"$c = Get-AutomationPSCredential -Name 'Team {team} Admin'",
            ]
            if number + 1 < per_team:
                body.append(f"Start-AzAutomationRunbook -Name 'T{team}-Job{number + 1:02}' -Wait")
            elif team + 1 < teams:  # the last job of a team hands over to the next team
                body.append(f"Start-AzAutomationRunbook -Name 'T{team + 1}-Job00'")
            else:
                body.append("Start-AzAutomationRunbook -Name 'Retired-Cleanup'")
            if number == 0:
                body.append("$x = Get-AutomationConnection -Name $ConnectionName")
            (team_dir / f"T{team}-Job{number:02}.ps1").write_text(
                "\n".join(body) + "\n", encoding="utf-8"
            )
    import json

    inventory = {
        "kind": "azure-automation-inventory",
        "version": 1,
        "variables": [{"name": f"Shared-{n}"} for n in range(9)] + [{"name": "Retired"}],
        "credentials": [{"name": f"Team {t} Admin"} for t in range(teams - 1)],
    }
    (folder / "inventory.json").write_text(json.dumps(inventory), encoding="utf-8")
    with working_directory(folder):
        return report_of(["runbooks"], ["inventory.json"])


def dot_binary() -> str | None:
    return shutil.which("dot")


def mermaid_errors(texts: dict[str, str], folder: Path) -> dict[str, str]:
    """Mermaid's own parser on each text: name → error message (empty when all parse)."""
    files = []
    for name, text in texts.items():
        path = folder / f"{name}.mmd"
        path.write_text(text, encoding="utf-8")
        files.append(str(path))
    done = subprocess.run(
        ["node", str(MERMAID_CHECK), str(MERMAID_MODULES), *files],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    errors = {}
    for line in done.stdout.splitlines():
        if line.startswith("error "):
            path, _, message = line[len("error ") :].partition(": ")
            errors[Path(path).stem] = message
    assert len(done.stdout.splitlines()) == len(files), done.stdout + done.stderr
    return errors


def mermaid_available() -> bool:
    return shutil.which("node") is not None and (MERMAID_MODULES / "mermaid").is_dir()


def mermaid_blocks(markdown: str) -> list[str]:
    """The ```mermaid blocks of a Markdown text."""
    blocks, current = [], None
    for line in markdown.splitlines():
        if current is None and line == "```mermaid":
            current = []
        elif current is not None and line == "```":
            blocks.append("\n".join(current) + "\n")
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def synthetic_report(runbooks: int = 3000, assets: int = 1500) -> dict[str, Any]:
    """The bench's synthetic account (100 folders, random lookups and calls; no files)."""
    import tempfile

    from analyzer.workspace.workspace import Workspace
    from tests.bench.graph import synthetic_facts, synthetic_inventory

    with tempfile.TemporaryDirectory() as folder:
        inventory = synthetic_inventory(Path(folder), assets)
    return dependency_report(Workspace(synthetic_facts(runbooks, assets), inventory=inventory))
