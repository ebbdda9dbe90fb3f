"""``graph --format dot``: the dependency graph for Graphviz (``dot -Tsvg deps.dot``).

What is drawn is :mod:`.diagram`'s (one place for missing, unused, dashed and the
"dynamic <kind>" placeholders); this module only chooses shapes and colours and quotes.

Legend: runbooks are blue rounded boxes (a DSC configuration a 3-D box, a runbook only the
inventory declares grey), connections orange hexagons, credentials pink octagons,
variables green ellipses, certificates yellow notes, connection types grey components,
modules purple folders. A missing runbook or asset has a red dashed border, an unused asset
a dotted one. A dashed edge is a lookup or child call whose name is not a literal: to the
asset the analyzer proved it names, or to a grey "dynamic <kind>" placeholder listing the
expressions. Edge labels are the operations (``get``, ``set``), the call forms (``job``,
``inline``) or ``type`` (connection → its connection type).

Quoting: every id and label is a double-quoted string; ids escape only ``"`` (DOT's one
escape in ids) and double backslashes, labels also escape backslashes (``\\N`` and friends
are label escapes) and write ``&`` as an entity (Graphviz decodes entities in labels);
line breaks in a name become ``\\n``. Nothing else needs quoting, whatever the name holds.
"""

from __future__ import annotations

from typing import Any

from analyzer.reporters.common import neutralise
from analyzer.reporters.dependency.diagram import Diagram, Node, diagram

#: style → (shape, fill, border, extra node style)
_LOOK: dict[str, tuple[str, str, str, str]] = {
    "runbook": ("box", "#dbeafe", "#1e40af", "rounded,filled"),
    "configuration": ("box3d", "#e0e7ff", "#3730a3", "filled"),
    "connection": ("hexagon", "#ffedd5", "#c2410c", "filled"),
    "credential": ("octagon", "#fce7f3", "#be185d", "filled"),
    "variable": ("ellipse", "#dcfce7", "#15803d", "filled"),
    "certificate": ("note", "#fef9c3", "#a16207", "filled"),
    "connection_type": ("component", "#f3f4f6", "#4b5563", "filled"),
    "module": ("folder", "#ede9fe", "#6d28d9", "filled"),
    "dynamic": ("ellipse", "#ffffff", "#6b7280", "dashed,filled"),
    "group": ("box", "#f8fafc", "#334155", "rounded,filled"),
}
_EXTERNAL_FILL = "#f3f4f6"
_MISSING = ("#fee2e2", "#dc2626")


def quote_id(text: str) -> str:
    """A DOT id for any string: inside quotes only ``\\"`` is an escape, so doubling the
    backslashes keeps a trailing one from eating the closing quote (and stays unique)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def quote_label(text: str) -> str:
    """A DOT label for any string, shown as written."""
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("&", "&amp;")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )
    return '"' + escaped + '"'


def _label(lines: list[str]) -> str:
    """Several lines, each escaped; the line breaks between them are DOT's ``\\n``."""
    return '"' + "\\n".join(quote_label(line)[1:-1] for line in lines if line) + '"'


def _node_line(node: Node) -> str:
    shape, fill, border, style = _LOOK.get(node.style, _LOOK["variable"])
    attributes = [f"label={_label([node.label, node.detail])}", f"shape={shape}"]
    styles = style.split(",")
    penwidth = None
    if node.external:
        fill = _EXTERNAL_FILL
    if node.missing:
        fill, border = _MISSING
        styles = [s for s in styles if s not in ("dashed", "dotted")] + ["dashed"]
        penwidth = "2"
    elif node.unused:
        styles.append("dotted")
    attributes += [
        f'style="{",".join(styles)}"',
        f'fillcolor="{fill}"',
        f'color="{border}"',
    ]
    if penwidth:
        attributes.append(f"penwidth={penwidth}")
    return f"  {quote_id(node.id)} [{', '.join(attributes)}];"


def render_diagram(drawing: Diagram, name: str = "dependencies") -> str:
    lines = [
        f"digraph {quote_id(name)} {{",
        '  graph [rankdir=LR, fontname="Helvetica", nodesep=0.3, ranksep=0.6];',
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9, color="#475569"];',
    ]
    lines.extend(_node_line(node) for node in drawing.nodes)
    for edge in drawing.edges:
        attributes = []
        if edge.label:
            attributes.append(f"label={quote_label(edge.label)}")
        if edge.dashed:
            attributes.append("style=dashed")
        if edge.relation == "typed":
            attributes.append("arrowhead=empty")
        if edge.count > 1:
            attributes.append(f"penwidth={min(1 + edge.count // 5, 6)}")
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"  {quote_id(edge.source)} -> {quote_id(edge.target)}{suffix};")
    lines.append("}")
    return neutralise("\n".join(lines)) + "\n"


def render(report: dict[str, Any]) -> str:
    return render_diagram(diagram(report))
