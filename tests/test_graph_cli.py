"""``graph`` end to end on the shared fixture workspace (fixtures/graph/workspace): the text
tree and the query answers as golden files (fixtures/graph/text/), every query in every
format that exists, ``--diff`` goldens in text, Markdown and JSON (fixtures/graph/diff/),
and the usage errors a person meets."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from analyzer.api import analyze, build_workspace
from analyzer.config import Config
from analyzer.graph import queries
from analyzer.reporters.dependency import FORMATS, dependency_report, renderer
from analyzer.reporters.json_report import diagnostic_dict
from tests.conftest import FIXTURES, ROOT
from tests.test_cli import invoke_streams

WORKSPACE = "fixtures/graph/workspace"
SCAN = ["graph", WORKSPACE, "--inventory", f"{WORKSPACE}/inventory"]
TEXT_GOLDENS = FIXTURES / "graph" / "text"
DIFF = FIXTURES / "graph" / "diff"

#: The formats whose module is installed (the others are built by other changes).
AVAILABLE = [
    name
    for name in FORMATS
    if importlib.util.find_spec(f"analyzer.reporters.dependency.{name}_report") is not None
]

#: Each query with the node ids its answer must hold, written out by hand from the
#: fixture's README (Start-Nightly starts Cycle Alpha, which uses the pager connection).
QUERIES = {
    "impact": (
        ["--impact", "connection:ops pager --> ON-CALL"],
        [
            "connection/Ops Pager --> On-call",
            "runbook/Cycle Alpha",
            "runbook/Cycle Béta",
            "runbook/Start-Nightly",
        ],
    ),
    "impact-runbook": (
        ["--impact", "Runbook:rapport café 日本"],
        ["runbook/Rapport Café 日本", "runbook/Send-Report", "runbook/Start-Nightly"],
    ),
    "uses": (
        ["--uses", "send-report"],
        [
            "certificate/Café Signing (old)",
            "certificate/Report Signing",
            "credential/O'Brien SMTP",
            "credential/東京 Service Account",
            "runbook/Rapport Café 日本",
            "runbook/Send-Report",
            "variable/Report <b>Recipients</b>",
        ],
    ),
    "unused": (
        ["--unused"],
        ["certificate/Old Cert [2019]", 'variable/Unused; Legacy "Flag" `x`'],
    ),
    "cycles": (["--cycles"], ["runbook/Cycle Alpha", "runbook/Cycle Béta"]),
}


def _graph(*args: str) -> tuple[int, str, str]:
    return invoke_streams([*SCAN, *args], ROOT)


def _golden(path: Path, text: str, update: bool) -> None:
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report() -> dict:
    """The report and the findings the CLI builds, made here through the library."""
    import os

    old = Path.cwd()
    os.chdir(ROOT)
    try:
        config = Config().with_overrides(inventory=(f"{WORKSPACE}/inventory",))
        document = dependency_report(build_workspace([WORKSPACE], config))
        findings = [diagnostic_dict(d) for d in analyze([WORKSPACE], config).diagnostics]
    finally:
        os.chdir(old)
    return {"document": document, "findings": findings}


# ------------------------------------------------------------------ text format
def test_text_tree_golden(update_goldens: bool) -> None:
    code, out, err = _graph("--format", "text")
    assert (code, err) == (0, "")
    _golden(TEXT_GOLDENS / "workspace.txt", out, update_goldens)


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_text_query_goldens(query: str, update_goldens: bool) -> None:
    code, out, err = _graph("--format", "text", *QUERIES[query][0])
    assert (code, err) == (0, "")
    _golden(TEXT_GOLDENS / f"{query}.txt", out, update_goldens)


def test_text_is_deterministic() -> None:
    assert _graph("--format", "text")[1] == _graph("--format", "text", "--jobs", "2")[1]


# --------------------------------------------------------- queries, all formats
@pytest.mark.parametrize("query", sorted(QUERIES))
def test_query_keeps_the_answer(query: str) -> None:
    args, expected = QUERIES[query]
    code, out, err = _graph("--format", "json", *args)
    assert (code, err) == (0, "")
    cut = json.loads(out)
    assert [n["id"] for n in cut["graph"]["nodes"]] == expected
    for edge in cut["graph"]["edges"]:
        assert edge["source"] in expected and edge["target"] in expected
    kept = {n["name"].casefold() for n in cut["graph"]["nodes"]}
    assert all(r["name"].casefold() in kept for r in cut["runbooks"])
    assert all(a["name"].casefold() in kept for a in cut["assets"])
    assert all(r["runbook"].casefold() in kept for r in cut["references"])
    assert all(c["runbook"].casefold() in kept for c in cut["calls"])


@pytest.mark.parametrize("output_format", AVAILABLE)
@pytest.mark.parametrize("query", sorted(QUERIES))
def test_query_in_every_format(query: str, output_format: str, report: dict) -> None:
    """The CLI renders the query's subgraph (with the shown findings where the format
    shows them) exactly as the format's renderer renders it."""
    args, expected = QUERIES[query]
    code, out, err = _graph("--format", output_format, *args)
    assert (code, err) == (0, ""), err
    document = dict(report["document"])
    if output_format in ("html", "markdown"):
        document["findings"] = report["findings"]
    cut = queries.subgraph(document, expected)
    assert out == renderer(output_format)(cut)
    if output_format in ("html", "markdown"):
        assert cut["findings"], "the fixture has findings on every query's files"
        sources = {r["path"] for r in cut["runbooks"]}
        declarations = {
            (place["path"], place["line"])
            for node in cut["graph"]["nodes"]
            for place in node.get("declared_in", ())
        }
        for finding in cut["findings"]:
            assert finding["path"] in sources or (finding["path"], finding["line"]) in declarations


def test_unused_query_keeps_the_findings_on_those_declarations(report: dict) -> None:
    document = {**report["document"], "findings": report["findings"]}
    cut = queries.subgraph(document, QUERIES["unused"][1])
    assert [(f["code"], f["path"].rsplit("/", 1)[-1], f["line"]) for f in cut["findings"]] == [
        ("RB203", "automation-inventory.json", 32),
        ("RB203", "automation-inventory.json", 36),
    ]


@pytest.mark.parametrize("output_format", AVAILABLE)
def test_whole_report_in_every_format(output_format: str, report: dict) -> None:
    code, out, err = _graph("--format", output_format)
    assert (code, err) == (0, ""), err
    document = dict(report["document"])
    if output_format in ("html", "markdown"):
        document["findings"] = report["findings"]
    assert out == renderer(output_format)(document)


def test_format_not_installed_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import analyzer.reporters.dependency as dependency

    def missing(name: str):
        raise ModuleNotFoundError(
            f"No module named 'analyzer.reporters.dependency.{name}_report'",
            name=f"analyzer.reporters.dependency.{name}_report",
        )

    monkeypatch.setattr(dependency, "renderer", missing)
    code, out, err = _graph("--format", "dot")
    assert (code, out) == (2, "")
    assert err.startswith("runbook-analyzer: error: graph format 'dot' is not available")
    assert "json" in err and "Traceback" not in err


# ------------------------------------------------------------------ query errors
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--impact", "connection:AzureRunAsConection"],
            '--impact: no connection "AzureRunAsConection" in the dependency graph; '
            'did you mean "AzureRunAsConnection"?',
        ),
        (
            ["--impact", "variable:Azure Run As"],
            '--impact: no variable "Azure Run As" in the dependency graph; there is a '
            "connection of that name (connection:Azure Run As)",
        ),
        (
            ["--uses", "Send-Reprot"],
            '--uses: no runbook "Send-Reprot" in the dependency graph; did you mean "Send-Report"?',
        ),
        (
            ["--uses", "zzz"],
            '--uses: no runbook "zzz" in the dependency graph; '
            "`runbook-analyzer graph --format text` lists the runbooks",
        ),
        (
            ["--impact", "queue:Jobs"],
            "--impact 'queue:Jobs': write KIND:NAME with KIND one of runbook, connection, "
            "variable, credential, certificate (e.g. connection:AzureRunAsConnection)",
        ),
        (["--unused", "--cycles"], "--unused and --cycles cannot be used together"),
        (
            ["--diff", "fixtures/graph/diff/old.json", "--format", "html"],
            "--diff prints text, markdown, json, not 'html'; choose one with --format",
        ),
    ],
)
def test_query_usage_errors(args: list[str], message: str) -> None:
    code, out, err = _graph(*args)
    assert (code, out) == (2, "")
    assert err == f"runbook-analyzer: error: {message}\n"


# ------------------------------------------------------------------------ diff
@pytest.mark.parametrize(
    ("output_format", "golden"),
    [("text", "expected.txt"), ("markdown", "expected.md"), ("json", "expected.json")],
)
def test_diff_goldens(output_format: str, golden: str, update_goldens: bool) -> None:
    code, out, err = _graph("--diff", str(DIFF / "old.json"), "--format", output_format)
    assert (code, err) == (0, "")
    _golden(DIFF / golden, out, update_goldens)


def test_diff_defaults_to_text() -> None:
    assert _graph("--diff", "fixtures/graph/diff/old.json")[1] == (DIFF / "expected.txt").read_text(
        encoding="utf-8"
    )


def test_diff_reports_every_kind_of_change() -> None:
    diff = json.loads(_graph("--diff", "fixtures/graph/diff/old.json", "--format", "json")[1])
    assert [r["name"] for r in diff["runbooks"]["added"]] == ["Send-Report"]
    assert [r["name"] for r in diff["runbooks"]["removed"]] == ["Old-Cleanup"]
    assert diff["assets"]["added"] == [{"kind": "certificate", "name": "Old Cert [2019]"}]
    assert diff["assets"]["removed"] == [{"kind": "credential", "name": "Legacy Admin"}]
    assert {
        "runbook": "tag_audit",
        "relation": "uses",
        "kind": "connection",
        "name": "Azure Run As",
    } in diff["dependencies"]["removed"]
    assert [(m["kind"], m["name"]) for m in diff["newly_missing"]] == [
        ("connection", "Teams Webhook")
    ]
    assert [(d["runbook"], d["expression"]) for d in diff["newly_dynamic"]] == [
        ("Send-Report", '"Recipients $Audience"'),
        ("tag_audit", "sys.argv[1]"),
    ]


def test_diff_with_itself_is_empty(tmp_path: Path) -> None:
    saved = tmp_path / "now.json"
    saved.write_text(_graph("--format", "json")[1], encoding="utf-8")
    for output_format, expected in [
        ("text", "no dependency changes\n"),
        ("markdown", "## Dependency changes\n\nNo dependency changes.\n"),
    ]:
        assert _graph("--diff", str(saved), "--format", output_format)[1] == expected


def test_diff_ignores_case_changes(tmp_path: Path) -> None:
    from analyzer.reporters.dependency.diff import diff_reports, is_empty

    now = json.loads(_graph("--format", "json")[1])
    recased = json.loads(json.dumps(now).replace("Send-Report", "SEND-REPORT"))
    assert is_empty(diff_reports(recased, now))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"version": ', "{path}:1:13: not valid JSON (Expecting value); save the old report with"),
        ("[1, 2]", "{path}: not a dependency report (the document is not an object); save"),
        ('{"version": 1}', '{path}: not a dependency report (no "runbooks" list); save'),
        (
            '{"version": 1, "runbooks": [{"path": "a.ps1"}]}',
            "{path}: not a dependency report (runbooks[0] lacks name); save",
        ),
        ('{"version": 9}', "{path}: not a dependency report (version 9 is newer than"),
        (b"\xff\xfe{", "{path}: not UTF-8 text; save the old report with `graph --format json"),
    ],
)
def test_diff_bad_old_report(tmp_path: Path, content: str | bytes, message: str) -> None:
    path = tmp_path / "old.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    code, out, err = _graph("--diff", str(path))
    assert (code, out) == (2, "")
    assert err.startswith(f"runbook-analyzer: error: --diff {message.format(path=path)}"), err


def test_diff_missing_old_report(tmp_path: Path) -> None:
    code, _out, err = _graph("--diff", str(tmp_path / "absent.json"))
    assert code == 2
    assert err == (
        f"runbook-analyzer: error: --diff {tmp_path / 'absent.json'}: "
        "cannot read it: No such file or directory\n"
    )


def test_text_without_inventory_marks_no_asset_missing() -> None:
    code, out, err = invoke_streams(["graph", WORKSPACE, "--format", "text"], ROOT)
    assert (code, err) == (0, "")
    first = out.splitlines()[0]
    assert first.endswith("(no inventory: assets are not checked for existence)")
    assert '├── connection "Teams Webhook"\n' in out  # not declared, but nothing to check
    assert '→ "Retired-Job" (job)  [missing]' in out  # a child nobody has is still missing
    assert "\nunused (" not in out  # nothing is declared, so nothing is unused


def test_text_places_a_graphical_lookup_by_activity() -> None:
    from analyzer.reporters.dependency.text_report import render

    node = {"id": "runbook/G", "type": "runbook", "name": "G", "kind": "graphical"}
    reference = {
        "path": "G.graphrunbook",
        "runbook": "G",
        "kind": "variable",
        "operation": "get",
        "callee": "Get-AutomationVariable",
        "name": None,
        "dynamic": True,
        "expression": "$Name",
        "resolved": None,
        "line": None,
        "column": None,
        "end_line": None,
        "end_column": None,
        "activity": "Read setting",
    }
    report = {
        "version": 1,
        "runbooks": [{"name": "G", "path": "G.graphrunbook", "kind": "graphical"}],
        "assets": [],
        "references": [reference],
        "calls": [],
        "graph": {
            "directed": True,
            "multigraph": False,
            "graph": {},
            "nodes": [{**node, "paths": ["G.graphrunbook"], "missing": False}],
            "edges": [],
        },
    }
    assert render(report) == (
        "1 runbook, 0 assets, 0 dependencies\n"
        "\n"
        "G  (graphical, G.graphrunbook)\n"
        '└── variable $Name  [dynamic]  activity "Read setting"\n'
        "\n"
        "dynamic (1):\n"
        '  variable $Name in G  G.graphrunbook (activity "Read setting")\n'
    )
