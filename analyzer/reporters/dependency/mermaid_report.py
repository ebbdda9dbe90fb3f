"""``graph --format mermaid``: the dependency graph as a Mermaid flowchart, which GitHub,
GitLab and Azure DevOps render inside Markdown (``markdown_report`` embeds it).

What is drawn is :mod:`.diagram`'s; the legend is :mod:`.dot_report`'s, in Mermaid's
shapes: runbooks rounded boxes (a DSC configuration a subroutine box), connections
hexagons, credentials parallelograms, variables stadiums, certificates trapezoids,
connection types rhombi, modules cylinders, "dynamic <kind>" placeholders flags. Missing
nodes have a red dashed border, unused ones a dotted border; dashed edges (``-.->``) are
names that are not literals.

Quoting: node ids are ``n1``, ``n2``… in node order (a Mermaid id cannot hold arbitrary
text); labels are double-quoted strings (inside which brackets, ``|``, ``;`` and ``-->`` are
plain text) with the few characters Mermaid or its HTML labels would still read as syntax
written as ``#code;`` entities (:data:`_ENTITIES`); line breaks in a name become spaces.
The node's graph id is kept as a ``%%`` comment above it, so a reader can find it.

This format draws every node: Mermaid as GitHub runs it refuses a diagram of more than
50,000 characters or 500 edges (a few hundred runbooks); the Markdown report groups a large
graph to stay under both, and ``dot`` has no such limit.
"""

from __future__ import annotations

from typing import Any

from analyzer.reporters.common import neutralise
from analyzer.reporters.dependency.diagram import Diagram, diagram

#: style → (opening, closing) of the node shape
_SHAPES: dict[str, tuple[str, str]] = {
    "runbook": ("(", ")"),
    "configuration": ("[[", "]]"),
    "connection": ("{{", "}}"),
    "credential": ("[/", "/]"),
    "variable": ("([", "])"),
    "certificate": ("[/", "\\]"),
    "connection_type": ("{", "}"),
    "module": ("[(", ")]"),
    "dynamic": (">", "]"),
    "group": ("[", "]"),
}

#: class → Mermaid style (the colours of ``dot_report``)
_CLASSES: dict[str, str] = {
    "runbook": "fill:#dbeafe,stroke:#1e40af,color:#0f172a",
    "configuration": "fill:#e0e7ff,stroke:#3730a3,color:#0f172a",
    "connection": "fill:#ffedd5,stroke:#c2410c,color:#0f172a",
    "credential": "fill:#fce7f3,stroke:#be185d,color:#0f172a",
    "variable": "fill:#dcfce7,stroke:#15803d,color:#0f172a",
    "certificate": "fill:#fef9c3,stroke:#a16207,color:#0f172a",
    "connection_type": "fill:#f3f4f6,stroke:#4b5563,color:#0f172a",
    "module": "fill:#ede9fe,stroke:#6d28d9,color:#0f172a",
    "dynamic": "fill:#ffffff,stroke:#6b7280,color:#374151,stroke-dasharray:4 3",
    "group": "fill:#f8fafc,stroke:#334155,color:#0f172a",
    "external": "fill:#f3f4f6",
    "unused": "stroke-dasharray:2 2",
    "missing": "fill:#fee2e2,stroke:#dc2626,stroke-width:2px,stroke-dasharray:5 3",
}

#: Characters a label writes as entities (``#code;``, which Mermaid turns back into the
#: character): its entity mark ``#``, its comment mark ``%``, the closing quote, HTML's
#: ``& < >`` (labels are HTML), Markdown strings' backtick, and ``:``, which Mermaid's
#: pre-pass for ``style …:…#…;`` lines would otherwise cut an entity after. Anything else
#: is plain text inside a quoted label.
_ENTITIES = {
    '"': "#quot;",
    "#": "#35;",
    "%": "#37;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "`": "#96;",
    ":": "#58;",
}


def escape_text(text: str) -> str:
    """Text for inside a quoted Mermaid label, shown as written."""
    text = " ".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "".join(_ENTITIES.get(char, char) for char in text)


def _comment(text: str) -> str:
    """A ``%%`` comment: one line, and no ``%%{`` (Mermaid reads a directive anywhere)."""
    return " ".join(text.splitlines()).replace("%", "#37;")


def render_diagram(drawing: Diagram, direction: str = "LR") -> str:
    ids = {node.id: f"n{number}" for number, node in enumerate(drawing.nodes, start=1)}
    lines = [f"flowchart {direction}"]
    members: dict[str, list[str]] = {name: [] for name in _CLASSES}
    for node in drawing.nodes:
        opening, closing = _SHAPES.get(node.style, _SHAPES["variable"])
        label = escape_text(node.label)
        if node.detail:
            label += "<br>" + f"<small>{escape_text(node.detail)}</small>"
        lines.append(f"  %% {_comment(node.id)}")
        lines.append(f'  {ids[node.id]}{opening}"{label}"{closing}')
        members[node.style if node.style in _CLASSES else "variable"].append(ids[node.id])
        if node.external:
            members["external"].append(ids[node.id])
        if node.missing:
            members["missing"].append(ids[node.id])
        elif node.unused:
            members["unused"].append(ids[node.id])
    for edge in drawing.edges:
        arrow = "-.->" if edge.dashed else ("--o" if edge.relation == "typed" else "-->")
        text = f'|"{escape_text(edge.label)}"|' if edge.label else ""
        lines.append(f"  {ids[edge.source]} {arrow}{text} {ids[edge.target]}")
    for name, style in _CLASSES.items():
        if members[name]:
            lines.append(f"  classDef {name} {style}")
    for name in _CLASSES:
        if members[name]:
            lines.append(f"  class {','.join(members[name])} {name}")
    return neutralise("\n".join(lines)) + "\n"


def render(report: dict[str, Any]) -> str:
    return render_diagram(diagram(report))
