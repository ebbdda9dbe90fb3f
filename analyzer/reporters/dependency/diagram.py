"""What a drawing of the dependency report shows, decided once for DOT, Mermaid and the
Markdown report's diagram, so the formats agree on every node, edge, mark and dash.

A :class:`Diagram` is the report's graph plus what the graph alone cannot show:

* **missing** runbooks (the graph's ``missing``) and assets (a ``missing`` attribute when
  the graph has one; otherwise undeclared while the report was checked against an
  inventory, :func:`analyzer.graph.queries.inventory_checked`: without one nothing can be
  called missing);
* **unused** assets (:func:`analyzer.graph.queries.unused`);
* **dashed** edges: a lookup or child call whose name is not a literal. When the analyzer
  proved the name (a constant, a parameter default) the edge goes to the asset it names,
  dashed; when it could not, the edge goes to a *placeholder* node "dynamic <kind>", one
  per runbook and kind, labelled with the expressions (``report["references"]`` and
  ``report["calls"]`` hold them; the graph has no node for a name nobody knows);
* a **group** per node: the runbook's folder (relative to the folder all runbooks share)
  or the asset's kind, for :func:`grouped`, which folds a diagram too large to read into
  one node per group with counts.

Everything is sorted by node id, so each emitter writes the same bytes for the same report.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from analyzer.graph.queries import (
    asset_missing,
    node_index,
    node_key,
    report_graph,
    unused,
)
from analyzer.reporters.common import plural

if TYPE_CHECKING:
    import networkx

#: Node styles every emitter knows how to draw (shape and colour per style).
STYLES = (
    "runbook",
    "configuration",
    "connection",
    "credential",
    "variable",
    "certificate",
    "connection_type",
    "module",
    "dynamic",
    "group",
)

#: What one dependency of a group edge is called ("12 lookups", "1 call").
_EDGE_WORDS = {"uses": "lookup", "calls": "call", "typed": "type"}

#: The group of the folders a grouped diagram has no room for.
OTHER_FOLDERS = "other folders"

#: How many expressions a placeholder lists before "+N more".
_SHOWN_EXPRESSIONS = 3


@dataclass(frozen=True)
class Node:
    id: str
    style: str
    label: str
    #: The second line: the runbook or asset kind and its state ("missing", …).
    detail: str
    missing: bool = False
    unused: bool = False
    #: Drawn but not scanned: a runbook only the inventory declares.
    external: bool = False
    group: str = ""


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    relation: str
    label: str
    dashed: bool = False
    #: How many dependencies a group edge stands for (1 for an ordinary edge).
    count: int = 1


@dataclass
class Diagram:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    #: Group edges left out of a grouped diagram (the lightest, past its edge budget).
    hidden_edges: int = 0


def _runbook_detail(data: dict[str, Any]) -> tuple[str, bool]:
    """The runbook's second line, and whether it is drawn as external (not scanned)."""
    if data.get("missing"):
        return "missing runbook", False
    kind = data.get("kind") or "runbook"
    if not data.get("paths"):
        return f"{kind}, inventory only", True
    return kind, False


def _folders(report: dict[str, Any]) -> dict[str, str]:
    """Runbook node id → its folder below the folder every scanned runbook shares."""
    dirs = {
        node["id"]: posixpath.dirname(node["paths"][0])
        for node in report["graph"]["nodes"]
        if node.get("type") == "runbook" and node.get("paths")
    }
    distinct = set(dirs.values())
    if not distinct:
        return {}
    common = posixpath.commonpath(list(distinct))
    if len(distinct) == 1:
        common = posixpath.dirname(common)  # one folder: name it, not "."
    cut = len(common) + 1 if common else 0
    below = {d: d[cut:] if d.startswith(common) and d != common else d or "." for d in distinct}
    # A trailing slash tells a folder from an asset kind (a folder may be called "variables").
    return {node: below[d] + "/" for node, d in dirs.items()}


def diagram(report: dict[str, Any], graph: networkx.DiGraph | None = None) -> Diagram:
    """The drawing of ``report`` (DESIGN §4, or a query's subgraph of it); ``graph`` is
    its :func:`report_graph` when the caller has it already."""
    if graph is None:
        graph = report_graph(report)
    index = node_index(graph)
    unused_nodes = set(unused(graph))
    folders = _folders(report)

    nodes: list[Node] = []
    for node, data in graph.nodes(data=True):
        kind_of = data.get("type")
        if kind_of == "runbook":
            detail, external = _runbook_detail(data)
            style = "configuration" if data.get("kind") == "dsc-configuration" else "runbook"
            group = folders.get(node) or (
                "missing runbooks" if data.get("missing") else "inventory only"
            )
            nodes.append(
                Node(
                    node,
                    style,
                    data["name"],
                    detail,
                    missing=bool(data.get("missing")),
                    external=external,
                    group=group,
                )
            )
            continue
        kind = data.get("kind") or kind_of or "asset"
        style = kind if kind in STYLES else "variable"
        missing = kind_of == "asset" and asset_missing(data, report)
        is_unused = node in unused_nodes
        detail = kind.replace("_", " ")
        if missing:
            detail += ", missing"
        elif is_unused:
            detail += ", unused"
        nodes.append(
            Node(node, style, data["name"], detail, missing, is_unused, group=_plural(kind))
        )

    literal_uses, literal_calls = _literal_edges(report, index)
    edges: list[Edge] = []
    for source, target, data in graph.edges(data=True):
        relation = data.get("relation", "uses")
        if relation == "uses":
            label = ", ".join(data.get("operations", ()))
            dashed = (source, target) not in literal_uses
        elif relation == "calls":
            label = ", ".join(data.get("forms", ()))
            dashed = (source, target) not in literal_calls
        else:
            label, dashed = "type" if relation == "typed" else relation, False
        edges.append(Edge(source, target, relation, label, dashed))

    placeholders, dynamic_edges = _placeholders(report, index, folders)
    nodes.extend(placeholders)
    edges.extend(dynamic_edges)
    nodes.sort(key=lambda n: n.id)
    edges.sort(key=lambda e: (e.source, e.target, e.relation))
    return Diagram(nodes, edges)


def _literal_edges(
    report: dict[str, Any], index: dict[tuple[str, str], str]
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The edges at least one literal name stands behind (the others are drawn dashed: only
    a proven constant or a parameter default names their target)."""
    uses: set[tuple[str, str]] = set()
    for ref in report["references"]:
        if ref["name"] is None or ref["runbook"] is None:
            continue
        source = index.get(node_key("runbook", ref["runbook"]))
        target = index.get(node_key(ref["kind"], ref["name"]))
        if source and target:
            uses.add((source, target))
    calls: set[tuple[str, str]] = set()
    for call in report["calls"]:
        if call["dynamic"] or call["child"] is None or call["runbook"] is None:
            continue
        source = index.get(node_key("runbook", call["runbook"]))
        target = index.get(node_key("runbook", call["child"]))
        if source and target:
            calls.add((source, target))
    return uses, calls


def _placeholders(
    report: dict[str, Any], index: dict[tuple[str, str], str], folders: dict[str, str]
) -> tuple[list[Node], list[Edge]]:
    """One "dynamic <kind>" node per runbook and kind whose name nobody knows."""
    found: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(
        lambda: {"what": set(), "how": set()}
    )
    for ref in report["references"]:
        if ref["name"] is not None or ref["resolved"] is not None or ref["runbook"] is None:
            continue
        source = index.get(node_key("runbook", ref["runbook"]))
        if source is None:
            continue
        entry = found[(source, ref["kind"])]
        entry["what"].add(ref["expression"] or "?")
        entry["how"].add(ref["operation"])
    for call in report["calls"]:
        if call["child"] is not None or call["runbook"] is None:
            continue
        source = index.get(node_key("runbook", call["runbook"]))
        if source is None:
            continue
        entry = found[(source, "runbook")]
        entry["what"].add(call["callee"] or "?")
        entry["how"].add("dynamic")
    nodes: list[Node] = []
    edges: list[Edge] = []
    for (source, kind), entry in sorted(found.items()):
        node = f"dynamic/{kind}/{source}"
        what = sorted(entry["what"])
        shown = ", ".join(what[:_SHOWN_EXPRESSIONS])
        if len(what) > _SHOWN_EXPRESSIONS:
            shown += f" +{len(what) - _SHOWN_EXPRESSIONS} more"
        nodes.append(
            Node(
                node,
                "dynamic",
                f"dynamic {kind.replace('_', ' ')}",
                shown,
                group=folders.get(source, "dynamic names"),
            )
        )
        relation = "calls" if kind == "runbook" else "uses"
        label = "dynamic" if kind == "runbook" else ", ".join(sorted(entry["how"]))
        edges.append(Edge(source, node, relation, label, dashed=True))
    return nodes, edges


def _plural(kind: str) -> str:
    return {"connection_type": "connection types"}.get(kind, f"{kind}s")


# ------------------------------------------------------------------ grouping
def grouped(
    full: Diagram, limit: int, groups: int | None = None, max_edges: int | None = None
) -> Diagram:
    """``full`` if it has at most ``limit`` nodes; else one node per group (runbook folder,
    asset kind) with its counts, and one edge per pair of groups and relation with the
    number of dependencies it stands for. Folders are cut to fewer levels until there are
    at most ``groups`` groups (default ``limit``); past that, the largest top-level folders
    keep their own node and the rest share one, "other folders". Only the ``max_edges``
    heaviest group edges are kept (the count of the others is ``hidden_edges``)."""
    if len(full.nodes) <= limit:
        return full
    limit = groups or limit
    depth = max((n.group.count("/") for n in full.nodes), default=1)
    while True:
        group_of = {n.id: _cut(n.group, depth) for n in full.nodes}
        if depth <= 1 or len(set(group_of.values())) <= limit:
            break
        depth -= 1
    sizes: dict[str, int] = defaultdict(int)
    for group in group_of.values():
        sizes[group] += 1
    if len(sizes) > limit:
        folders = sorted((g for g in sizes if g.endswith("/")), key=lambda g: (-sizes[g], g))
        room = max(limit - (len(sizes) - len(folders)) - 1, 0)
        lumped = set(folders[room:])
        group_of = {n: OTHER_FOLDERS if g in lumped else g for n, g in group_of.items()}
    members: dict[str, list[Node]] = defaultdict(list)
    for node in full.nodes:
        members[group_of[node.id]].append(node)
    group_ids = {name: f"group/{name}" for name in members}
    nodes = [_group_node(group_ids[name], name, inside) for name, inside in members.items()]
    counted: dict[tuple[str, str, str], list[Edge]] = defaultdict(list)
    for edge in full.edges:
        source = group_ids[group_of[edge.source]]
        target = group_ids[group_of[edge.target]]
        if source != target:  # inside one group: its tables tell, a loop would not
            counted[(source, target, edge.relation)].append(edge)
    edges = [
        Edge(
            source,
            target,
            relation,
            plural(len(inside), _EDGE_WORDS.get(relation, relation)),
            dashed=all(e.dashed for e in inside),
            count=len(inside),
        )
        for (source, target, relation), inside in counted.items()
    ]
    hidden = 0
    if max_edges is not None and len(edges) > max_edges:
        edges.sort(key=lambda e: (-e.count, e.source, e.target, e.relation))
        hidden = len(edges) - max_edges
        edges = edges[:max_edges]
    nodes.sort(key=lambda n: n.id)
    edges.sort(key=lambda e: (e.source, e.target, e.relation))
    return Diagram(nodes, edges, hidden)


def _cut(group: str, depth: int) -> str:
    """A folder group ("a/b/c/") cut to ``depth`` folders; other groups as they are."""
    if not group.endswith("/"):
        return group
    return "/".join(group.split("/")[:depth]) + "/"


def _group_node(node_id: str, name: str, inside: list[Node]) -> Node:
    by_style: dict[str, int] = defaultdict(int)
    for node in inside:
        by_style[node.style] += 1
    counts = ", ".join(
        f"{count} {_style_word(style, count)}" for style, count in sorted(by_style.items())
    )
    missing = sum(1 for n in inside if n.missing)
    unused_count = sum(1 for n in inside if n.unused)
    extras = [f"{missing} missing"] if missing else []
    if unused_count:
        extras.append(f"{unused_count} unused")
    detail = counts + (f" ({', '.join(extras)})" if extras else "")
    return Node(node_id, "group", name, detail, missing=missing > 0, group=name)


def _style_word(style: str, count: int) -> str:
    word = {"connection_type": "connection type", "dynamic": "dynamic name"}.get(style, style)
    return word if count == 1 else f"{word}s"
