"""``graph --format html``: structure, escaping, determinism, scale, and a real browser.

No golden file: the page is checked by what it must contain (every node drawn, every row
in its table, the data island equal to the report) and, where Debian's ``chromium`` is
installed (``make system-tools``), by loading it from ``file://`` and letting the page's
``#selftest`` hook filter, click and sort, then reading the results from the DOM.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from analyzer.api import analyze, build_workspace
from analyzer.config import Config
from analyzer.reporters.dependency import dependency_report
from analyzer.reporters.dependency import layout as geometry
from analyzer.reporters.dependency.diagram import diagram
from analyzer.reporters.dependency.html_report import json_island, render
from analyzer.reporters.json_report import diagnostic_dict
from tests.conftest import ROOT

WORKSPACE = "fixtures/graph/workspace"
INVENTORY = "fixtures/graph/workspace/inventory"


@pytest.fixture(scope="module")
def workspace_report() -> dict[str, Any]:
    return _report(WORKSPACE, INVENTORY)


def _report(path: str, inventory: str | None, findings: bool = False) -> dict[str, Any]:
    cwd = Path.cwd()
    os.chdir(ROOT)  # paths in the report are relative to the working directory
    try:
        config = Config().with_overrides(inventory=(inventory,) if inventory else ())
        report = dependency_report(build_workspace([path], config))
        if findings:
            result = analyze([path], config)
            report["findings"] = [diagnostic_dict(d) for d in result.diagnostics]
    finally:
        os.chdir(cwd)
    return report


class _Page(HTMLParser):
    """What the tests look at: SVG nodes and blocks, table rows, scripts, links."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: dict[str, str] = {}  # data-id → class
        self.blocks: dict[str, str] = {}
        self.edges: list[dict[str, str]] = []
        self.rows: dict[str, list[dict[str, str]]] = {}
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.urls: list[str] = []
        self.texts: list[str] = []
        self._table: str | None = None
        self._script: dict[str, str] | None = None
        self._buffer: list[str] = []
        self._cell = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("src", "href", "xlink:href", "action"):
            if key in a:
                self.urls.append(a[key])
        if tag == "g" and "data-id" in a:
            self.nodes[a["data-id"]] = a.get("class", "")
        if tag == "g" and "data-block" in a:
            self.blocks[a["data-block"]] = a.get("class", "")
        if tag == "path" and "data-s" in a:
            self.edges.append(a)
        if tag == "table":
            self._table = a.get("id")
            self.rows[self._table or ""] = []
        if tag == "tr" and self._table and "data-filter" in a:
            self.rows[self._table].append(a)
            a["cells"] = []  # type: ignore[assignment]
        if tag == "td" and self._table and self.rows[self._table]:
            self.rows[self._table][-1]["cells"].append("")  # type: ignore[attr-defined]
            self._cell = True
        if tag == "script":
            self._script = a
            self._buffer = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._cell = False
        if tag == "table":
            self._table = None
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._buffer)))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._buffer.append(data)
            return
        self.texts.append(data)
        if self._cell and self._table:
            self.rows[self._table][-1]["cells"][-1] += data  # type: ignore[index]

    def data(self) -> dict[str, Any]:
        (island,) = [
            body for attrs, body in self.scripts if attrs.get("type") == "application/json"
        ]
        return json.loads(island)


# ------------------------------------------------------------------ structure
def _drawn(report: dict[str, Any]) -> tuple[set[str], set[tuple[str, str]]]:
    """The nodes and edges of the drawing model the other graph formats draw: the graph's,
    plus one "dynamic <kind>" placeholder per runbook and kind whose name nobody knows."""
    drawing = diagram(report)
    return {n.id for n in drawing.nodes}, {(e.source, e.target) for e in drawing.edges}


def test_every_node_is_drawn_and_listed(workspace_report: dict[str, Any]) -> None:
    page = _Page(render(workspace_report))
    nodes, edges = _drawn(workspace_report)
    graph_nodes = {n["id"]: n for n in workspace_report["graph"]["nodes"]}
    assert set(page.nodes) == nodes
    placeholders = nodes - set(graph_nodes)
    assert "dynamic/runbook/runbook/Start-Nightly" in placeholders  # `-Name $nextJob`
    assert all("t-dynamic" in page.nodes[n].split() for n in placeholders)
    runbooks = {i for i, n in graph_nodes.items() if n["type"] == "runbook"}
    assert {r["data-node"] for r in page.rows["runbooks-table"]} == runbooks
    assert {r["data-node"] for r in page.rows["assets-table"]} == nodes - runbooks
    # the fixture's flags reach the drawing: missing lookups, a missing child, the cycle
    assert "missing" in page.nodes["connection/Teams Webhook"].split()
    assert "missing" in page.nodes["runbook/Retired-Job"].split()
    assert "unused" in page.nodes["certificate/Old Cert [2019]"].split()
    assert {"cycle"} <= set(page.nodes["runbook/Cycle Alpha"].split())
    assert "missing" not in page.nodes["runbook/Legacy-Cleanup"].split()  # the inventory has it
    # small enough to be drawn whole: nothing starts hidden, no group is collapsed
    assert not any("hidden" in c.split() for c in page.nodes.values())
    assert not any("collapsed" in c.split() for c in page.blocks.values())
    data = page.data()
    assert data["grouped"] is False
    assert set(data["nodes"]) == nodes
    assert {(s, t) for s, t, *_ in data["edges"]} == edges


def test_no_asset_is_missing_without_an_inventory() -> None:
    """Nothing was checked, so nothing is called missing (a child runbook nobody has in
    the scanned tree still is, as in every format)."""
    text = render(_report(WORKSPACE, None))
    page = _Page(text)
    missing = {n for n, c in page.nodes.items() if "missing" in c.split()}
    assert missing == {
        "runbook/Retired-Job",
        "runbook/Weird-->Child; a|b",
        "runbook/Legacy-Cleanup",
    }
    assert '<span class="count">0</span><span class="what">missing assets</span>' in text


def test_runbook_table_counts(workspace_report: dict[str, Any]) -> None:
    page = _Page(render(workspace_report))
    rows = {r["data-node"]: r["cells"] for r in page.rows["runbooks-table"]}
    edges = workspace_report["graph"]["edges"]
    for node, cells in rows.items():
        _name, _kind, _folder, assets, children, callers, unknown, _findings, _status = cells
        assert int(assets) == sum(
            1 for e in edges if e["source"] == node and e["relation"] == "uses"
        )
        assert int(children) == sum(
            1 for e in edges if e["source"] == node and e["relation"] == "calls"
        )
        assert int(callers) == sum(1 for e in edges if e["target"] == node)
        name = node.split("/", 1)[1]
        assert int(unknown) == sum(
            1
            for r in workspace_report["references"]
            if r["runbook"] == name and r["name"] is None and r["resolved"] is None
        ) + sum(1 for c in workspace_report["calls"] if c["runbook"] == name and c["child"] is None)
    # Start-Nightly calls `-Name $nextJob`, a child nobody can name
    assert int(rows["runbook/Start-Nightly"][6]) >= 1
    assert rows["runbook/Retired-Job"][1] == "missing runbook"


def test_edges_keep_their_kind(workspace_report: dict[str, Any]) -> None:
    page = _Page(render(workspace_report))
    drawn = {(e["data-s"], e["data-t"]): e["class"].split() for e in page.edges}
    for edge in workspace_report["graph"]["edges"]:
        assert f"r-{edge['relation']}" in drawn[(edge["source"], edge["target"])]
    # Start-Nightly reaches Send-Report only through its literal call (not dashed), and
    # the Python runbook's ENV_VARIABLE constant is the only way to "Audit Environment"
    assert "dyn" in drawn[("runbook/tag_audit", "variable/Audit Environment")]
    assert ("runbook/Cycle Alpha", "runbook/Cycle Béta") in drawn
    assert "cyc" in drawn[("runbook/Cycle Alpha", "runbook/Cycle Béta")]
    _inside(page)


def test_layered_by_call_depth(workspace_report: dict[str, Any]) -> None:
    nodes = workspace_report["graph"]["nodes"]
    edges = [(e["source"], e["target"], e["relation"]) for e in workspace_report["graph"]["edges"]]
    result = geometry.layout(nodes, edges)
    column = {m: b.column for b in result.blocks for m in b.members}
    for source, target, relation in edges:
        if relation == "calls" and {source, target} != {
            "runbook/Cycle Alpha",
            "runbook/Cycle Béta",
        }:
            assert column[source] < column[target], (source, target)
    assert column["runbook/Cycle Alpha"] == column["runbook/Cycle Béta"]
    runbook_columns = {column[n["id"]] for n in nodes if n["type"] == "runbook"}
    asset_columns = {column[n["id"]] for n in nodes if n["type"] == "asset"}
    assert max(runbook_columns) < min(asset_columns)
    # rows sit level with what they connect to, but never closer than a row apart
    by_column: dict[float, list[float]] = {}
    for x, y in result.positions.values():
        by_column.setdefault(x, []).append(y)
    for ys in by_column.values():
        ys.sort()
        assert all(b - a >= geometry.ROW - 0.1 for a, b in itertools.pairwise(ys)), ys


def test_rows_sit_level_with_what_they_use() -> None:
    report = _awkward_report()  # six runbooks, each using its own variable
    edges = [(e["source"], e["target"], e["relation"]) for e in report["graph"]["edges"]]
    result = geometry.layout(report["graph"]["nodes"], edges)
    for name in _AWKWARD:
        assert result.positions[f"runbook/{name}"][1] == result.positions[f"variable/{name}"][1]


def test_isotonic() -> None:
    assert geometry._isotonic([1.0, 2.0, 3.0]) == [1.0, 2.0, 3.0]
    assert geometry._isotonic([3.0, 1.0, 2.0]) == [2.0, 2.0, 2.0]
    assert geometry._isotonic([0.0, 4.0, 2.0, 5.0]) == [0.0, 3.0, 3.0, 5.0]


def test_self_contained(workspace_report: dict[str, Any]) -> None:
    text = render(workspace_report)
    page = _Page(text)
    assert page.urls == []
    assert "default-src 'none'" in text  # the CSP forbids every fetch
    for needle in ("https://", "//cdn", "@import", "url(http"):
        assert needle not in text
    # the only http URI is the SVG namespace name (markup and script), which is never fetched
    assert text.count("http://") == text.count("http://www.w3.org/2000/svg") == 2


def test_findings_table(tmp_path: Path) -> None:
    with_findings = _report("fixtures/demo", "fixtures/demo/infra", findings=True)
    findings = with_findings["findings"]
    assert findings
    page = _Page(render(with_findings))
    rows = page.rows["findings-table"]
    assert len(rows) == len(findings)
    first = findings[0]
    assert first["code"].lower() in rows[0]["data-filter"]
    without = dict(with_findings)
    del without["findings"]
    page = _Page(render(without))
    assert "findings-table" not in page.rows
    assert "made without running the rules" in "".join(page.texts)


# ------------------------------------------------------------------ escaping
_AWKWARD = [
    "</script><b>bold</b>",
    "<!-- comment",
    "\"quoted\" & 'single'",
    "]]><svg onload=alert(1)>",
    "line\u2028separator",
    "${template} `tick`",
]


def _awkward_report() -> dict[str, Any]:
    nodes = []
    edges = []
    for index, name in enumerate(_AWKWARD):
        nodes.append(
            {
                "id": f"runbook/{name}",
                "type": "runbook",
                "kind": "powershell",
                "name": name,
                "paths": [f"runbooks/{name}.ps1"],
                "missing": False,
            }
        )
        nodes.append(
            {"id": f"variable/{name}", "type": "asset", "kind": "variable", "name": name}
            | {"declared": index % 2 == 0, "declared_in": []}
        )
        edges.append(
            {"relation": "uses", "source": f"runbook/{name}", "target": f"variable/{name}"}
        )
    findings = [
        {
            "code": "RB101",
            "name": "dynamic-asset-name",
            "severity": "warning",
            "message": "a </script> message <img src=x>",
            "path": f"runbooks/{_AWKWARD[0]}.ps1",
            "line": 1,
            "column": 1,
        }
    ]
    return {
        "version": 1,
        "runbooks": [],
        "assets": [],
        "references": [],
        "calls": [],
        "findings": findings,
        "graph": {
            "directed": True,
            "multigraph": False,
            "graph": {},
            "nodes": nodes,
            "edges": edges,
        },
    }


def test_names_are_escaped_in_every_context() -> None:
    report = _awkward_report()
    text = render(report)
    assert "<b>bold" not in text and "<img" not in text and "<svg onload" not in text
    assert text.count("</script>") == 2  # the end of the data island and of the script
    assert "<!-- comment" not in text
    page = _Page(text)
    # attributes and text read back as the names, exactly
    assert set(page.nodes) == {n["id"] for n in report["graph"]["nodes"]}
    assert {r["data-node"] for r in page.rows["runbooks-table"]} == {
        f"runbook/{name}" for name in _AWKWARD
    }
    assert _AWKWARD[0] in page.texts
    assert "a </script> message <img src=x>" in page.texts
    # the island is JSON with no raw <, > or & anywhere, and decodes to the names
    data = page.data()
    assert {n["name"] for n in data["nodes"].values()} == set(_AWKWARD)
    (island,) = [b for a, b in page.scripts if a.get("type") == "application/json"]
    assert not set("<>&\u2028") & set(island)


def test_a_kind_the_layout_does_not_know_is_still_drawn() -> None:
    report = _awkward_report()
    report["graph"]["nodes"].append(
        {"id": "schedule/Nightly", "type": "schedule", "kind": "schedule", "name": "Nightly"}
    )
    page = _Page(render(report))
    assert "schedule/Nightly" in page.nodes
    assert "schedules (1)" in page.texts


def test_json_island_escapes() -> None:
    text = json_island({"k": "</script><!--&\u2029"})
    assert json.loads(text) == {"k": "</script><!--&\u2029"}
    assert not set("<>&\u2029") & set(text)


# ------------------------------------------------------------------ determinism
def test_same_report_same_bytes(workspace_report: dict[str, Any]) -> None:
    first = render(workspace_report)
    assert render(json.loads(json.dumps(workspace_report))) == first
    shuffled = json.loads(json.dumps(workspace_report))
    rng = random.Random(3)
    rng.shuffle(shuffled["graph"]["nodes"])
    rng.shuffle(shuffled["graph"]["edges"])
    assert render(shuffled) == first


def test_same_bytes_whatever_the_hash_seed(
    workspace_report: dict[str, Any], tmp_path: Path
) -> None:
    """Sets and dicts iterate differently under another PYTHONHASHSEED; the page must not."""
    import sys

    saved = tmp_path / "report.json"
    saved.write_text(json.dumps(workspace_report), encoding="utf-8")
    script = (
        "import json, sys; from analyzer.reporters.dependency.html_report import render; "
        "sys.stdout.write(render(json.load(open(sys.argv[1], encoding='utf-8'))))"
    )
    pages = set()
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", script, str(saved)],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONIOENCODING": "utf-8"},
            cwd=ROOT,
        )
        pages.add(done.stdout)
    assert pages == {render(workspace_report).encode("utf-8")}


# ------------------------------------------------------------------ scale
def synthetic_report(runbooks: int = 500, assets: int = 300, folders: int = 20) -> dict[str, Any]:
    """A big account: runbooks in team folders, each using four assets; every fifth calls
    another runbook (fixed seed, so the page is the same every run)."""
    rng = random.Random(7)
    kinds = ["connection"] * 40 + ["credential"] * 40 + ["certificate"] * 20
    nodes: list[dict[str, Any]] = []
    asset_ids = []
    for index in range(assets):
        kind = kinds[index] if index < len(kinds) else "variable"
        name = f"Asset{index:03d}"
        asset_ids.append(f"{kind}/{name}")
        nodes.append(
            {"id": asset_ids[-1], "type": "asset", "kind": kind, "name": name}
            | {
                "declared": index % 17 != 0,
                "declared_in": [{"path": "infra/a.json", "line": index}],
            }
        )
    for index in range(runbooks):
        name = f"Invoke-Task{index:03d}"
        path = f"runbooks/team{index % folders:02d}/{name}.ps1"
        nodes.append(
            {"id": f"runbook/{name}", "type": "runbook", "kind": "powershell", "name": name}
            | {"paths": [path], "missing": False}
        )
    edges = []
    for index in range(runbooks):
        source = f"runbook/Invoke-Task{index:03d}"
        for target in rng.sample(asset_ids, 4):
            edges.append({"relation": "uses", "source": source, "target": target})
        child = rng.randrange(runbooks)
        if index % 5 == 0 and child != index:
            edges.append(
                {"relation": "calls", "source": source, "target": f"runbook/Invoke-Task{child:03d}"}
            )
    graph = {"directed": True, "multigraph": False, "graph": {}, "nodes": nodes, "edges": edges}
    return {
        "version": 1,
        "runbooks": [],
        "assets": [],
        "references": [],
        "calls": [],
        "graph": graph,
    }


def _inside(page: _Page) -> None:
    """Every edge stays inside the drawing (arcs within a column bend left of it)."""
    width = float(page.data()["geometry"]["width"])
    for edge in page.edges:
        numbers = [float(n) for n in re.findall(r"-?[0-9.]+", edge["d"])]
        xs = numbers[0::2]
        assert all(0 <= x <= width for x in xs), (edge["data-s"], edge["data-t"], edge["d"])


def test_large_account_is_grouped_and_small() -> None:
    report = synthetic_report()
    started = time.perf_counter()
    text = render(report)
    elapsed = time.perf_counter() - started
    size = len(text.encode("utf-8"))
    assert size < 1_500_000, size  # measured: about 0.9 MB for 500 runbooks and 300 assets
    assert elapsed < 10, elapsed  # measured: about 0.3 s here
    page = _Page(text)
    data = page.data()
    assert data["grouped"] is True
    assert len(page.nodes) == 800  # every node is in the page, for the filter and expanding
    hidden = [n for n, c in page.nodes.items() if "hidden" in c.split()]
    assert len(hidden) == 800  # ... but the overview shows the groups only
    folders = [b for b in data["blocks"] if b["id"].startswith("folder-")]
    assert len(folders) == 20
    assert all(len(b["members"]) <= geometry.MAX_BLOCK for b in data["blocks"])
    # 200 variables are cut into alphabetical chunks, none longer than MAX_BLOCK
    variables = [b for b in data["blocks"] if b["id"].startswith("variable-")]
    assert len(variables) == 5
    assert variables[0]["label"] == "variables Asset100 \u2013 Asset139"
    # no hairball: edges between groups, not between 800 nodes (2,100 edges in the graph)
    assert len(page.edges) <= 20 * 10 + 20 * 20
    assert all(e["data-s"].startswith("block:") for e in page.edges)
    _inside(page)


def test_grouping_threshold() -> None:
    small = synthetic_report(runbooks=60, assets=40, folders=3)
    assert _Page(render(small)).data()["grouped"] is False
    big = synthetic_report(runbooks=geometry.FULL_LIMIT, assets=10, folders=3)
    assert _Page(render(big)).data()["grouped"] is True


# ------------------------------------------------------------------ a real browser
def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _browse(page: Path, fragment: str, tmp_path: Path, *extra: str) -> str:
    binary = _chromium()
    if binary is None:
        pytest.skip("needs Debian's chromium for the browser test: run `make system-tools`")
    command = [
        binary,
        "--headless",
        "--no-sandbox",  # containers run the tests as root, where the sandbox cannot start
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        *extra,
        page.as_uri() + fragment,
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.skip("chromium did not finish within 120 s on this machine")
    if done.returncode != 0 and not done.stdout:
        pytest.skip(f"chromium cannot run here (exit {done.returncode}): {done.stderr[-300:]}")
    return done.stdout


def _selftest(page: Path, tmp_path: Path, **params: str) -> dict[str, Any]:
    from urllib.parse import quote

    fragment = "#selftest" + "".join(f"&{k}={quote(v, safe='')}" for k, v in params.items())
    dom = _browse(page, fragment, tmp_path, "--dump-dom")
    marker = '<pre id="selftest-result">'
    assert marker in dom, dom[-2000:]
    import html

    body = dom.split(marker, 1)[1].split("</pre>", 1)[0]
    return json.loads(html.unescape(body))


def test_in_chromium(workspace_report: dict[str, Any], tmp_path: Path) -> None:
    page = tmp_path / "graph.html"
    page.write_text(render(workspace_report), encoding="utf-8")
    clicked = "runbook/Start-Nightly"
    result = _selftest(page, tmp_path, filter="cycle", click=clicked)
    ids, edges = _drawn(workspace_report)
    assert set(result["nodes"]) == ids
    assert set(result["visibleNodes"]) == ids
    assert result["layoutAgrees"] and result["edgesAgree"]  # script and Python draw alike
    # typing in the filter box hides the rows that do not match
    assert result["rows"]["runbooks-table"] == ["runbook/Cycle Alpha", "runbook/Cycle Béta"]
    assert result["rows"]["assets-table"] == []
    assert result["hiddenRows"] == len(ids) - 2
    assert set(result["filteredNodes"]) == ids - {"runbook/Cycle Alpha", "runbook/Cycle Béta"}
    # clicking a node highlights exactly its neighbours
    expected = {t for s, t in edges if s == clicked} | {s for s, t in edges if t == clicked}
    assert result["selected"] == [clicked]
    assert set(result["neighbours"]) == expected
    assert result["highlightedEdges"] == len(expected)
    assert result["details"] == "Start-Nightly"
    names = [n["name"] for n in workspace_report["graph"]["nodes"] if n["type"] == "runbook"]
    assert [n.lower() for n in result["sortedDescending"]] == sorted(
        (n.lower() for n in names), reverse=True
    )
    # a #node= link opens the page with that node selected
    from urllib.parse import quote

    linked = _Page(
        _browse(page, "#node=" + quote("runbook/Cycle Béta", safe=""), tmp_path, "--dump-dom")
    )
    assert [n for n, c in linked.nodes.items() if "sel" in c.split()] == ["runbook/Cycle Béta"]
    shot = tmp_path / "graph.png"
    _browse(page, "", tmp_path, f"--screenshot={shot}", "--window-size=1400,1000")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000


def test_large_in_chromium(tmp_path: Path) -> None:
    report = synthetic_report()
    page = tmp_path / "big.html"
    page.write_text(render(report), encoding="utf-8")
    started = time.perf_counter()
    result = _selftest(page, tmp_path, filter="Task01", click="runbook/Invoke-Task010")
    elapsed = time.perf_counter() - started
    assert elapsed < 60, elapsed  # measured: about 3 s for browser start, load and actions
    assert result["readyMs"] < 30_000  # measured: 0.5 to 1 s from navigation to script ready
    assert len(result["nodes"]) == 800
    assert result["visibleNodes"] == []
    assert result["layoutAgrees"] and result["edgesAgree"]
    assert len(result["rows"]["runbooks-table"]) == 10  # Invoke-Task010 … 019
    assert result["selected"] == ["runbook/Invoke-Task010"]  # its folder was expanded
    assert result["neighbours"]  # ... and its assets' groups light up
    assert all(n.startswith(("block:", "runbook/")) for n in result["neighbours"])
    assert result["expanded"]["visible"] > 0
