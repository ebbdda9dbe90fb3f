"""``graph --format graphml``: the report's graph for yEd, Gephi, Cytoscape or networkx
(``networkx.read_graphml``), written by networkx's own GraphML writer.

The file holds exactly the report's ``graph`` (the node-link data of DESIGN §4): same node
ids, same edges, same attributes. GraphML values are scalars, so the attributes that are
lists (``paths``, ``declared_in``, ``operations``, ``forms``) are written as JSON text
(:data:`JSON_ATTRIBUTES`), and an attribute whose value is ``null`` is left out (GraphML's
"unknown"). Names whose literal the analyzer could not see are not graph nodes; they are
in the JSON report's ``references`` and ``calls`` (and drawn in the dot and mermaid formats).

The text is safe to print into a CI log with the same values: ``##vso[`` and ``##[`` are
written with a character reference for the second ``#``, C1 controls as references, and the
controls XML 1.0 cannot carry at all (a name holding one) as U+FFFD.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Attributes whose value is a list in the report: JSON text in the GraphML file.
JSON_ATTRIBUTES = ("paths", "declared_in", "operations", "forms")

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_C1 = re.compile("[\x7f-\x9f]")


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def _value(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return _text(json.dumps(value, ensure_ascii=False, sort_keys=True))
    if isinstance(value, str):
        return _text(value)
    return value


def _attributes(data: dict[str, Any], skip: tuple[str, ...]) -> dict[str, Any]:
    return {
        key: _value(value)
        for key, value in sorted(data.items())
        if key not in skip and value is not None
    }


def render(report: dict[str, Any]) -> str:
    import io

    import networkx as nx

    node_link = report["graph"]
    graph = nx.DiGraph(**_attributes(node_link.get("graph", {}), ()))
    for node in node_link["nodes"]:
        graph.add_node(_text(node["id"]), **_attributes(node, ("id",)))
    for edge in node_link["edges"]:
        graph.add_edge(
            _text(edge["source"]),
            _text(edge["target"]),
            **_attributes(edge, ("source", "target")),
        )
    buffer = io.BytesIO()
    nx.write_graphml_xml(graph, buffer, encoding="utf-8", prettyprint=True, named_key_ids=True)
    text = buffer.getvalue().decode("utf-8").rstrip("\n")
    text = text.replace("##vso[", "#&#35;vso[").replace("##[", "#&#35;[")
    return _C1.sub(lambda m: f"&#x{ord(m.group()):x};", text) + "\n"
