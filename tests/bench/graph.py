"""Dependency graph at scale (``make bench`` prints it): 10,000 runbooks and 5,000 assets.

The facts are synthetic (made in memory, not parsed from files) so that the numbers are the
graph's own: joining the facts into a workspace, building the graph, the dependency report
(DESIGN §4), the queries, and every export whose module exists. Target (issue 9): building
and exporting under 3 s on this machine. Run alone with ``python -m tests.bench.graph``.
"""

from __future__ import annotations

import importlib.util
import json
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analyzer.inventory.loader import load_inventory
from analyzer.model.facts import AssetRef, FileFacts, NameValue, Runbook, RunbookCall
from analyzer.model.span import Span

RUNBOOKS = 10_000
ASSETS = 5_000
TARGET_SECONDS = 3.0
KINDS = ("connection", "credential", "variable", "certificate")
CALLEES = {
    "connection": "Get-AutomationConnection",
    "credential": "Get-AutomationPSCredential",
    "variable": "Get-AutomationVariable",
    "certificate": "Get-AutomationCertificate",
}


def asset_names(count: int = ASSETS) -> list[tuple[str, str]]:
    return [(KINDS[i % 4], f"{KINDS[i % 4].title()} {i:05d}") for i in range(count)]


def synthetic_facts(
    runbooks: int = RUNBOOKS, assets: int = ASSETS, seed: int = 9
) -> list[FileFacts]:
    """Runbooks in 100 folders, each looking up 3 assets and starting up to 2 children
    (a few missing ones, a few dynamic names), as a frontend would report them."""
    rng = random.Random(seed)
    names = asset_names(assets)
    files = []
    for i in range(runbooks):
        name = f"Runbook-{i:05d}"
        refs = []
        for line, (kind, asset) in enumerate(rng.sample(names, 3), start=1):
            span = Span(line, 1, line, 40)
            refs.append(AssetRef(kind, "get", CALLEES[kind], NameValue(asset, span=span), span))
        if i % 10 == 0:
            span = Span(4, 1, 4, 40)
            refs.append(
                AssetRef("variable", "get", CALLEES["variable"], NameValue(None, "$name"), span)
            )
        calls = []
        for line in range(5, 5 + rng.randrange(3)):
            child = (
                f"Retired-{i:05d}"
                if rng.random() < 0.02
                else f"Runbook-{rng.randrange(runbooks):05d}"
            )
            dynamic = rng.random() < 0.02
            value = NameValue(None, "$child") if dynamic else NameValue(child)
            calls.append(
                RunbookCall("Start-AzAutomationRunbook", "job", value, Span(line, 1, line, 60))
            )
        files.append(
            FileFacts(
                path=f"runbooks/team{i % 100:02d}/{name}.ps1",
                runbook=Runbook(name, "powershell", "powershell"),
                refs=refs,
                calls=calls,
            )
        )
    return files


def synthetic_inventory(folder: Path, assets: int = ASSETS) -> Any:
    """Nine in ten assets declared (the rest are missing), plus 50 nobody uses."""
    names = asset_names(assets)
    document: dict[str, Any] = {"kind": "azure-automation-inventory", "version": 1}
    plural = {k: f"{k}s" for k in KINDS}
    for kind in KINDS:
        document[plural[kind]] = []
    for i, (kind, name) in enumerate(names):
        if i % 10 == 9:
            continue
        entry: dict[str, Any] = {"name": name}
        if kind == "connection":
            entry["connectionType"] = "AzureServicePrincipal"
        document[plural[kind]].append(entry)
    document["variables"].extend({"name": f"Unused {i:02d}"} for i in range(50))
    path = folder / "automation-inventory.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return load_inventory([str(path)])


def _best(run: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    best, value = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        value = run()
        best = min(best, time.perf_counter() - start)
    return best, value


def measure(
    repeats: int = 3, runbooks: int = RUNBOOKS, assets: int = ASSETS
) -> list[tuple[str, float, str]]:
    """(step, best seconds, note) for every step, the total against the target last."""
    from analyzer.graph import queries
    from analyzer.reporters.dependency import FORMATS, dependency_report, renderer
    from analyzer.workspace.workspace import Workspace

    files = synthetic_facts(runbooks, assets)
    with tempfile.TemporaryDirectory() as folder:
        inventory = synthetic_inventory(Path(folder), assets)
    rows: list[tuple[str, float, str]] = []
    join, workspace = _best(lambda: Workspace(list(files), inventory=inventory), repeats)
    rows.append(("workspace (join facts, resolve calls)", join, f"{len(files):,} runbooks"))

    def build() -> Any:
        workspace.__dict__.pop("graph", None)
        return workspace.graph

    built, graph = _best(build, repeats)
    rows.append(
        (
            "graph build",
            built,
            f"{graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges",
        )
    )
    reported, report = _best(lambda: dependency_report(workspace), repeats)
    rows.append(("dependency report (§4 document)", reported, ""))
    asked, found = _best(
        lambda: (
            queries.cycles(graph),
            queries.unused(graph),
            queries.impact(graph, "variable/Variable 00002"),
        ),
        repeats,
    )
    rows.append(
        (
            "queries (cycles, unused, one impact)",
            asked,
            f"{len(found[0])} cycles, {len(found[1])} unused",
        )
    )
    building = join + built + reported
    for name in FORMATS:
        if importlib.util.find_spec(f"analyzer.reporters.dependency.{name}_report") is None:
            rows.append((f"export {name}", float("nan"), "not built yet"))
            continue
        render = renderer(name)
        seconds, text = _best(lambda render=render: render(report), repeats)
        total = building + seconds
        verdict = "within" if total < TARGET_SECONDS else "OVER"
        rows.append(
            (
                f"export {name}",
                seconds,
                f"{len(text.encode('utf-8')):,} bytes; with the build {total:.2f} s, "
                f"{verdict} the {TARGET_SECONDS:.0f} s target",
            )
        )
    return rows


def report() -> str:
    rows = measure()
    width = max(len(step) for step, _, _ in rows)
    lines = [
        f"dependency graph, {RUNBOOKS:,} runbooks and {ASSETS:,} assets "
        "(synthetic facts, best of 3):"
    ]
    for step, seconds, note in rows:
        shown = "      -" if seconds != seconds else f"{seconds:7.3f} s"
        lines.append(f"  {step:<{width}}  {shown}  {note}".rstrip())
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
