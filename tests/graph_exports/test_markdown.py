"""The pull-request report: problems derived from the document, tables that survive any
name, findings when the CLI put them in, and a diagram that stays readable."""

from __future__ import annotations

import re

import pytest

from analyzer.reporters.dependency import markdown_report
from analyzer.reporters.dependency.diagram import diagram, grouped
from analyzer.reporters.dependency.markdown_report import DIAGRAM_LIMIT, FINDINGS_SHOWN, cell
from tests.graph_exports.helpers import (
    AWKWARD,
    awkward_report,
    large_report,
    mermaid_blocks,
    workspace_report,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a|b", "a\\|b"),
        ("`x`", "\\`x\\`"),
        ("<b>bold</b>", "\\<b\\>bold\\</b\\>"),
        ("two\nlines\r\nhere", "two lines here"),
        ("*a* _b_ [c](d)", "\\*a\\* \\_b\\_ \\[c\\](d)"),
        ("R&amp;D", "R&amp;amp;D"),
        ("back\\slash", "back\\\\slash"),
        ("Café 日本 100%", "Café 日本 100%"),
    ],
)
def test_cell_escapes(text, expected) -> None:
    assert cell(text) == expected


def _section(text: str, title: str) -> str:
    start = text.index(f"\n{title}\n")
    end = text.find("\n#", start + len(title) + 2)
    return text[start : end if end != -1 else len(text)]


def test_problems_come_from_the_document() -> None:
    text = markdown_report.render(workspace_report())
    missing = _section(text, "### Missing")
    for row in (
        "| runbook | Retired-Job | Start-Nightly |",
        "| runbook | Weird--\\>Child; a\\|b | Start-Nightly |",
        "| connection | Teams Webhook | tag\\_audit |",
        "| credential | Patch Admin (break-glass) | Patch-Wave |",
        "| variable | Audit Environment | tag\\_audit |",
        "| certificate | WebCertificate | Graphical Assets |",
    ):
        assert row in missing
    assert "Legacy-Cleanup" not in missing  # the inventory declares it
    dynamic = _section(text, "### Names that are not literals")
    assert "<code>sys.argv\\[1\\]</code> | *unknown* |" in dynamic
    assert '<code>$lastExportName</code> | Inventory "Last" Export |' in dynamic
    unused = _section(text, "### Unused")
    assert '| variable | Unused; Legacy "Flag" \\`x\\` |' in unused
    assert "AzureServicePrincipal" not in unused
    assert "- Cycle Alpha → Cycle Béta → Cycle Alpha" in _section(text, "### Cycles of child calls")
    assert "### Findings" not in text


def test_tables_list_every_runbook_and_asset() -> None:
    report = workspace_report()
    text = markdown_report.render(report)
    runbooks = _section(text, "## Runbooks")
    for node in report["graph"]["nodes"]:
        table = runbooks if node["type"] == "runbook" else _section(text, "## Assets")
        assert f"| {cell(node['name'])} |" in table, node["id"]
    start = next(line for line in runbooks.splitlines() if line.startswith("| Start-Nightly |"))
    assert (
        "Retired-Job (missing)" in start
        and "runbook via Start-AzAutomationRunbook (dynamic)" in start
    )
    asset = next(
        line
        for line in text.splitlines()
        if line.startswith("| variable | Tag \\#1 \\| Cost 100% |")
    )
    assert asset.endswith("| Cycle Béta, tag\\_audit |")


def test_every_row_has_its_columns(tmp_path) -> None:
    text = markdown_report.render(awkward_report(tmp_path))
    for block in text.split("\n\n"):
        rows = [line for line in block.splitlines() if line.startswith("| ")]
        if not rows:
            continue
        widths = {line.replace("\\|", "").count("|") for line in rows}
        assert len(widths) == 1, block
    for name in AWKWARD:
        assert cell(name) in text
    assert "##vso[" not in text


def test_findings_are_listed_when_present() -> None:
    report = workspace_report()
    report["findings"] = [
        {
            "code": "RB102",
            "severity": "error",
            "message": 'variable "Audit Environment" is not in the inventory',
            "path": "fixtures/graph/workspace/runbooks/python/tag_audit.py",
            "line": 15,
            "activity": None,
        },
        {
            "code": "RB101",
            "severity": "warning",
            "message": "name is `$x` | not a literal",
            "path": "fixtures/graph/workspace/runbooks/graphical/Graphical Assets.graphrunbook",
            "line": None,
            "activity": "Get Run As Connection",
        },
    ]
    text = markdown_report.render(report)
    findings = _section(text, "### Findings (2)")
    assert (
        "| RB102 | error | fixtures/graph/workspace/runbooks/python/tag\\_audit.py:15 | "
        'variable "Audit Environment" is not in the inventory |'
    ) in findings
    assert "(activity Get Run As Connection) | name is \\`$x\\` \\| not a literal |" in findings
    assert "· 2 findings**" in text
    # Worst first, whatever order the CLI gave them in.
    assert findings.index("| RB102 |") < findings.index("| RB101 |")
    report["findings"] = report["findings"][::-1]
    assert _section(markdown_report.render(report), "### Findings (2)") == findings


def test_many_findings_are_cut_short() -> None:
    report = workspace_report()
    finding = {"code": "RB101", "severity": "warning", "message": "m", "path": "p", "line": 1}
    report["findings"] = [dict(finding, line=n) for n in range(1, FINDINGS_SHOWN + 8)]
    findings = _section(markdown_report.render(report), f"### Findings ({FINDINGS_SHOWN + 7})")
    assert findings.count("| RB101 |") == FINDINGS_SHOWN
    assert "… and 7 more: `runbook-analyzer check` lists them all." in findings


def test_small_diagrams_show_every_node() -> None:
    text = markdown_report.render(workspace_report())
    (block,) = mermaid_blocks(text)
    assert "too many to read" not in text
    assert "Retired-Job" in block and "group/" not in block


def test_large_diagrams_are_grouped(tmp_path) -> None:
    report = large_report(tmp_path)
    assert len(report["graph"]["nodes"]) > DIAGRAM_LIMIT
    text = markdown_report.render(report)
    (block,) = mermaid_blocks(text)
    assert "too many to read" in text
    nodes = [line for line in block.splitlines() if line.startswith("  %% group/")]
    assert len(nodes) == 11  # 8 team folders, credentials, variables, missing runbooks
    assert 'n3["team-00/<br><small>1 dynamic name, 12 runbooks</small>"]' in block
    assert 'n3 -->|"1 call"| n4' in block  # team-00 hands over to team-01
    assert 'n3 -->|"12 lookups"| n1' in block
    assert "T0-Job05" not in block  # the tables keep the names, the diagram does not
    assert "| T0-Job05 |" in text

    # Past the limit even for folders: the largest keep a node, the rest share one.
    small = grouped(diagram(report), 6)
    assert [n.label for n in small.nodes] == [
        "credentials",
        "missing runbooks",
        "other folders",
        "team-00/",
        "team-01/",
        "variables",
    ]
    other = next(n for n in small.nodes if n.label == "other folders")
    assert other.detail == "6 dynamic names, 72 runbooks"


def test_long_tables_are_folded_and_cut() -> None:
    from analyzer.reporters.dependency.markdown_report import FOLD_ROWS, TABLE_ROWS, _table

    rows = [[str(n)] for n in range(TABLE_ROWS + 4)]
    lines = _table(["n"], rows, what="runbooks")
    assert lines[0] == f"<details><summary>{TABLE_ROWS + 4} runbooks</summary>"
    assert lines[-1] == "</details>"
    assert sum(1 for line in lines if line.startswith("| ")) == TABLE_ROWS + 2
    assert (
        "… and 4 more runbooks: `graph --format json` or `--format html` lists them all." in lines
    )
    short = _table(["n"], rows[:FOLD_ROWS], what="runbooks")
    assert short[0] == "| n |" and len(short) == FOLD_ROWS + 2


def test_a_big_account_stays_within_what_mermaid_renders() -> None:
    from analyzer.reporters.dependency.markdown_report import DIAGRAM_EDGES, DIAGRAM_GROUPS
    from tests.graph_exports.helpers import synthetic_report

    text = markdown_report.render(synthetic_report())
    (block,) = mermaid_blocks(text)
    # Mermaid's defaults, which GitHub keeps: 50,000 characters, 500 edges.
    assert len(block) < 50_000
    edges = [line for line in block.splitlines() if re.match(r"  n\d+ (-->|-\.->|--o)", line)]
    assert len(edges) == DIAGRAM_EDGES
    assert block.count("  %% group/") == DIAGRAM_GROUPS
    assert "  %% group/other folders" in block
    assert "lightest links between groups left out" in text
