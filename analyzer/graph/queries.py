"""The questions rules and reports ask of the dependency graph, answered in one place.

Every query takes the graph :func:`analyzer.graph.build.build_graph` returns (node ids
``runbook/<name>`` and ``<kind>/<name>``, edge attribute ``relation``) and answers with node
ids in sorted order, so RB202, RB203, ``graph --cycles`` and ``graph --unused`` cannot
disagree about what a cycle or an unused asset is. :func:`subgraph` cuts a dependency report
(DESIGN §4) down to a query's answer; every export renders the cut report like the whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from analyzer.inventory.model import LOOKUP_KINDS, fold

if TYPE_CHECKING:
    import networkx

#: Node kinds a ``KIND:NAME`` query may name (``graph --impact``).
QUERY_KINDS = ("runbook", "connection", "variable", "credential", "certificate")


def node_key(kind: str, name: str) -> tuple[str, str]:
    """How a name identifies a node: runbooks and assets compare case-insensitively."""
    return (kind, fold(name))


def _key_of(data: dict[str, Any]) -> tuple[str, str]:
    kind = "runbook" if data.get("type") == "runbook" else data.get("kind") or data["type"]
    return node_key(kind, data["name"])


def node_index(graph: networkx.DiGraph) -> dict[tuple[str, str], str]:
    """``node_key`` → node id, for looking a name up as the user or a report spells it."""
    return {_key_of(data): node for node, data in graph.nodes(data=True)}


def find_node(graph: networkx.DiGraph, kind: str, name: str) -> str | None:
    return node_index(graph).get(node_key(kind, name))


def names_of_kind(graph: networkx.DiGraph, kind: str) -> list[str]:
    """The node names of one kind (what an unknown name is compared with)."""
    return sorted(
        (data["name"] for _node, data in graph.nodes(data=True) if _key_of(data)[0] == kind),
        key=str.lower,
    )


def dependents(graph: networkx.DiGraph, node: str) -> list[str]:
    """What uses, calls or is typed by ``node`` directly."""
    return sorted(graph.predecessors(node))


def dependencies(graph: networkx.DiGraph, node: str) -> list[str]:
    """What ``node`` uses or calls directly."""
    return sorted(graph.successors(node))


def impact(graph: networkx.DiGraph, node: str) -> list[str]:
    """Everything that breaks when ``node`` goes: its users, their callers, and so on up
    the child calls."""
    import networkx as nx

    return sorted(nx.ancestors(graph, node))


def uses(graph: networkx.DiGraph, node: str) -> list[str]:
    """Everything ``node`` needs to run: its assets, its children and all they need."""
    import networkx as nx

    return sorted(nx.descendants(graph, node))


def call_graph(graph: networkx.DiGraph) -> networkx.DiGraph:
    """The child calls that can recurse: a runbook starting a new job of itself only is a
    continuation (the usual way past the fair-share limit), not a cycle."""
    import networkx as nx

    calls = nx.DiGraph()
    for source, target, data in graph.edges(data=True):
        if data.get("relation") != "calls":
            continue
        if source == target and set(data.get("forms", ())) <= {"job"}:
            continue
        calls.add_edge(source, target)
    return calls


def cycles(graph: networkx.DiGraph) -> list[list[str]]:
    """One cycle of child calls per strongly connected group of runbooks, starting at the
    member whose name sorts first (case-insensitively) and following the calls in name
    order; groups ordered by that first member."""
    import networkx as nx

    calls = call_graph(graph)
    name = {node: fold(graph.nodes[node]["name"]) for node in calls}
    found: list[list[str]] = []
    for component in nx.strongly_connected_components(calls):
        start = min(component, key=lambda node: (name[node], node))
        if len(component) == 1 and not calls.has_edge(start, start):
            continue
        ordered = nx.DiGraph()
        members = sorted(component, key=lambda node: (name[node], node))
        ordered.add_nodes_from(members)
        ordered.add_edges_from(
            (source, target)
            for source in members
            for target in sorted(calls.successors(source), key=lambda n: (name[n], n))
            if target in component
        )
        found.append([source for source, _target in nx.find_cycle(ordered, source=start)])
    return sorted(found, key=lambda cycle: (name[cycle[0]], cycle[0]))


def unused(graph: networkx.DiGraph) -> list[str]:
    """Connections, credentials, variables and certificates an inventory declares (outside
    the platform's built-ins) that no scanned runbook looks up by a known name."""
    out = []
    for node, data in graph.nodes(data=True):
        if data.get("type") != "asset" or data["kind"] not in LOOKUP_KINDS:
            continue
        if not data.get("declared") or not data.get("declared_in"):
            continue
        if any(
            graph.edges[source, node].get("relation") == "uses"
            for source in graph.predecessors(node)
        ):
            continue
        out.append(node)
    return sorted(out)


# ------------------------------------------------------------------- reports
def report_graph(report: dict[str, Any]) -> networkx.DiGraph:
    """The graph a dependency report carries (its ``graph`` node-link data)."""
    import networkx as nx

    return nx.node_link_graph(report["graph"], edges="edges")


def subgraph(report: dict[str, Any], node_ids: Iterable[str]) -> dict[str, Any]:
    """``report`` restricted to ``node_ids``: the same document (DESIGN §4) holding only
    those runbooks and assets, the edges between them, and the references and calls made
    by those runbooks to those nodes (a dynamic name, which could be any of them, stays
    with its runbook). Findings, when present, keep those in the kept files."""
    keep = set(node_ids)
    nodes = [node for node in report["graph"]["nodes"] if node["id"] in keep]
    index = {_key_of(node): node["id"] for node in nodes}

    def kept(kind: str, name: str | None) -> bool:
        return name is not None and node_key(kind, name) in index

    runbooks = [r for r in report["runbooks"] if kept("runbook", r["name"])]
    assets = [a for a in report["assets"] if kept(a["kind"], a["name"])]
    references = [
        r
        for r in report["references"]
        if kept("runbook", r["runbook"])
        and (_effective(r) is None or kept(r["kind"], _effective(r)))
    ]
    calls = [
        c
        for c in report["calls"]
        if kept("runbook", c["runbook"]) and (c["child"] is None or kept("runbook", c["child"]))
    ]
    graph = dict(report["graph"])
    graph["nodes"] = nodes
    graph["edges"] = [
        e for e in report["graph"]["edges"] if e["source"] in keep and e["target"] in keep
    ]
    out = {
        **report,
        "runbooks": runbooks,
        "assets": assets,
        "references": references,
        "calls": calls,
        "graph": graph,
    }
    if "findings" in report:
        out["findings"] = findings_in(report["findings"], out)
    return out


def _effective(reference: dict[str, Any]) -> str | None:
    """The name a lookup is checked under: the literal, else the proven constant."""
    return reference["name"] if reference["name"] is not None else reference["resolved"]


def asset_missing(node: dict[str, Any], report: dict[str, Any]) -> bool:
    """Whether an asset node is proven missing (the graph's ``missing``, decided as RB102
    decides an error); a report saved before that attribute existed falls back to "not
    declared while an inventory was checked"."""
    if "missing" in node:
        return bool(node["missing"])
    return inventory_checked(report) and not node.get("declared", False)


def inventory_checked(report: dict[str, Any]) -> bool:
    """Whether the report's names were checked against an inventory: without one nothing
    is declared, and "missing" would mark every asset."""
    return any(node.get("declared") for node in report["graph"]["nodes"])


def findings_in(findings: list[dict[str, Any]], report: dict[str, Any]) -> list[dict[str, Any]]:
    """The findings (``json_report.diagnostic_dict``) about what ``report`` holds: those in
    its runbooks' files, and those at the declarations of its assets (an inventory file
    declares many assets; a query keeps only the findings on the ones it kept)."""
    sources = {r["path"] for r in report["runbooks"]}
    declarations = {
        (place["path"], place["line"])
        for node in report["graph"]["nodes"]
        for place in node.get("declared_in", ())
    }
    return [
        f
        for f in findings
        if f.get("path") in sources or (f.get("path"), f.get("line")) in declarations
    ]
