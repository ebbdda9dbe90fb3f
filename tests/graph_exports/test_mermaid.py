"""Mermaid through Mermaid's own parser (offline, jsdom for its DOM), and the labels read
back as the names."""

from __future__ import annotations

import re

import pytest

from analyzer.reporters.dependency import markdown_report, mermaid_report
from analyzer.reporters.dependency.diagram import diagram
from tests.graph_exports.helpers import (
    NO_MERMAID,
    awkward_report,
    large_report,
    mermaid_available,
    mermaid_blocks,
    mermaid_errors,
    synthetic_report,
    workspace_report,
)

needs_mermaid = pytest.mark.skipif(not mermaid_available(), reason=NO_MERMAID)


@needs_mermaid
def test_mermaid_parses_every_diagram_we_emit(tmp_path) -> None:
    awkward = awkward_report(tmp_path / "awkward")
    large = large_report(tmp_path / "large")
    texts = {
        "workspace": mermaid_report.render(workspace_report()),
        "awkward": mermaid_report.render(awkward),
        "large": mermaid_report.render(large),
        "workspace-markdown": mermaid_blocks(markdown_report.render(workspace_report()))[0],
        "large-markdown": mermaid_blocks(markdown_report.render(large))[0],
        "awkward-markdown": mermaid_blocks(markdown_report.render(awkward))[0],
        "synthetic-markdown": mermaid_blocks(markdown_report.render(synthetic_report()))[0],
    }
    assert mermaid_errors(texts, tmp_path) == {}


@needs_mermaid
def test_the_check_rejects_what_mermaid_rejects(tmp_path) -> None:
    good = mermaid_report.render(workspace_report())
    # What an emitter that did not quote would write for the fixture's missing child.
    broken = good + "  n999(Weird-->Child; a|b)\n"
    errors = mermaid_errors({"broken": broken, "good": good}, tmp_path)
    assert list(errors) == ["broken"] and "Parse error" in errors["broken"]


_NODE = re.compile(r'^  (n\d+)(?:\(|\[\[|\{\{|\[/|\(\[|\{|\[\(|>|\[)"(.*)"[)\]}/\\]+$')
_ENTITY = re.compile(r"#(\w+);")
_NAMED = {"quot": '"', "amp": "&", "lt": "<", "gt": ">"}


def _decode(text: str) -> str:
    """What Mermaid shows for a label: its ``#code;`` entities turned back."""

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        return _NAMED[code] if code in _NAMED else chr(int(code))

    return _ENTITY.sub(one, text)


def test_labels_read_back_as_the_names(tmp_path) -> None:
    for report in (workspace_report(), awkward_report(tmp_path)):
        text = mermaid_report.render(report)
        labels = [m.group(2) for line in text.splitlines() if (m := _NODE.match(line))]
        nodes = diagram(report).nodes
        assert len(labels) == len(nodes)
        for label, node in zip(labels, nodes, strict=True):
            name, _, detail = label.partition("<br>")
            # Nothing raw that Mermaid or HTML would read as syntax.
            assert not set(_ENTITY.sub("", name)) & set('"#%&<>`:'), name
            assert _decode(name) == node.label
            assert _decode(detail) == f"<small>{node.detail}</small>"


def test_no_name_makes_a_directive(tmp_path) -> None:
    text = mermaid_report.render(awkward_report(tmp_path))
    assert "%%{" not in text and "##vso[" not in text
    assert '  %% variable/#37;#37;{init: {"theme": "dark"}}#37;#37;' in text


def test_missing_unused_and_dashed_are_drawn() -> None:
    text = mermaid_report.render(workspace_report())
    ids = {}
    for line in text.splitlines():
        if m := _NODE.match(line):
            ids[_decode(m.group(2)).split("<br>")[0]] = m.group(1)
    classes = {
        line.split()[-1]: set(line.split()[1].split(","))
        for line in text.splitlines()
        if line.startswith("  class ")
    }
    assert {ids["Retired-Job"], ids["Audit Environment"], ids["Teams Webhook"]} <= classes[
        "missing"
    ]
    assert ids["Automation RG"] not in classes["missing"]
    assert ids["Old Cert [2019]"] in classes["unused"]
    assert ids["Legacy-Cleanup"] in classes["external"]
    assert f"  {ids['Export-Inventory']} -.->" in text  # the proven constant
    assert f'  {ids["Cycle Alpha"]} -->|"job"| {ids["Cycle Béta"]}' in text
    assert "classDef missing" in text and "stroke-dasharray" in text
