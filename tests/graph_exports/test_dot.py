"""DOT through Graphviz: every node id survives the quoting, every label reads as the name,
and the marks (missing, unused, dashed, placeholders) land where the report says."""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

from analyzer.reporters.common import neutralise
from analyzer.reporters.dependency import dot_report
from analyzer.reporters.dependency.diagram import diagram
from tests.graph_exports.helpers import NO_DOT, awkward_report, dot_binary, workspace_report

SVG = "{http://www.w3.org/2000/svg}"


def _dot(text: str, output: str) -> bytes:
    done = subprocess.run(
        [dot_binary() or "dot", f"-T{output}"],
        input=text.encode("utf-8"),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert not done.stderr, done.stderr.decode()  # no warnings either
    return done.stdout


def _names(text: str) -> list[str]:
    """The node ids as Graphviz read them (its JSON output names them exactly)."""
    return [o["name"] for o in json.loads(_dot(text, "json"))["objects"]]


def _labels(text: str) -> list[list[str]]:
    """The lines of each node's label as Graphviz drew them, in node order (Graphviz
    numbers its SVG groups ``node1``… in the order the file declares the nodes)."""
    svg = ET.fromstring(_dot(text, "svg"))
    groups = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "node"]
    groups.sort(key=lambda g: int((g.get("id") or "node0")[len("node") :]))
    return [[t.text or "" for t in group.iter(f"{SVG}text")] for group in groups]


@pytest.mark.skipif(dot_binary() is None, reason=NO_DOT)
@pytest.mark.parametrize("which", ["workspace", "awkward"])
def test_graphviz_reads_every_node_as_written(which, tmp_path) -> None:
    report = workspace_report() if which == "workspace" else awkward_report(tmp_path)
    text = dot_report.render(report)
    nodes = diagram(report).nodes
    # Inside a quoted DOT id only \" is an escape: the id Graphviz reads is the node id
    # with its backslashes doubled, never cut or merged with another (and log-safe).
    assert _names(text) == [neutralise(n.id.replace("\\", "\\\\")) for n in nodes]
    assert _labels(text) == [[neutralise(n.label), n.detail] for n in nodes]


def _line(text: str, start: str) -> str:
    found = [line for line in text.splitlines() if line.strip().startswith(start)]
    assert len(found) == 1, (start, found)
    return found[0]


def test_marks_follow_the_report() -> None:
    text = dot_report.render(workspace_report())
    missing = _line(text, '"variable/Audit Environment" [')
    assert 'style="filled,dashed"' in missing and 'color="#dc2626"' in missing
    assert "variable, missing" in missing
    missing_child = _line(text, '"runbook/Weird-->Child; a|b" [')
    assert "dashed" in missing_child and "missing runbook" in missing_child
    unused = _line(text, '"certificate/Old Cert [2019]" [')
    assert "dotted" in unused and "certificate, unused" in unused
    declared = _line(text, '"variable/Automation RG" [')
    assert "dashed" not in declared and "dotted" not in declared
    assert "shape=hexagon" in _line(text, '"connection/Azure Run As" [')
    assert "shape=component" in _line(text, '"connection_type/Contoso.Pager <Ops>" [')
    assert "shape=box3d" in _line(text, '"runbook/WebBaseline" [')
    assert 'fillcolor="#f3f4f6"' in _line(text, '"runbook/Legacy-Cleanup" [')
    # A constant the analyzer proved: the edge goes to the asset, dashed.
    assert "style=dashed" in _line(
        text, '"runbook/Export-Inventory" -> "variable/Inventory \\"Last\\" Export"'
    )
    # A literal call and a parameter default to the same child: the literal wins.
    assert "dashed" not in _line(text, '"runbook/Start-Nightly" -> "runbook/Send-Report"')
    assert "arrowhead=empty" in _line(
        text, '"connection/Ops Pager --> On-call" -> "connection_type/Contoso.Pager <Ops>"'
    )


def test_names_nobody_knows_get_one_placeholder_per_runbook_and_kind() -> None:
    report = workspace_report()
    text = dot_report.render(report)
    unknown = sorted(
        (r["runbook"], r["kind"], r["expression"])
        for r in report["references"]
        if r["name"] is None and r["resolved"] is None
    )
    assert len(unknown) == 4
    for runbook, kind, expression in unknown:
        node = f"dynamic/{kind}/runbook/{runbook}"
        line = _line(text, dot_report.quote_id(node) + " [")
        assert dot_report.quote_label(expression)[1:-1] in line
        edge = _line(
            text, f"{dot_report.quote_id('runbook/' + runbook)} -> {dot_report.quote_id(node)}"
        )
        assert "style=dashed" in edge
    assert "dynamic runbook" in _line(text, '"dynamic/runbook/runbook/Start-Nightly" [')


def test_dot_is_log_safe(tmp_path) -> None:
    text = dot_report.render(awkward_report(tmp_path))
    assert "##vso[" not in text
    assert re.search("#\u200b#vso\\[task.complete", text)
