"""Every format of this package on fixtures/graph/workspace, and the Markdown report of a
large synthetic account, as golden files in fixtures/graph/expected/
(``pytest --update-goldens`` rewrites them; read the diff before committing)."""

from __future__ import annotations

import pytest

from analyzer.reporters.dependency import renderer
from tests.graph_exports.helpers import EXPECTED, large_report, workspace_report

GOLDENS = {
    "dot": "workspace.dot",
    "graphml": "workspace.graphml",
    "mermaid": "workspace.mmd",
    "markdown": "workspace.md",
}


def _compare(text: str, name: str, update: bool) -> None:
    path = EXPECTED / name
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.read_text(encoding="utf-8") == text, f"{path} differs; see --update-goldens"


@pytest.mark.parametrize("fmt", sorted(GOLDENS))
def test_workspace_golden(fmt, update_goldens) -> None:
    render = renderer(fmt)
    text = render(workspace_report())
    assert render(workspace_report()) == text  # the same bytes every time
    _compare(text, GOLDENS[fmt], update_goldens)


def test_large_markdown_golden(tmp_path, update_goldens) -> None:
    _compare(renderer("markdown")(large_report(tmp_path)), "large.md", update_goldens)
