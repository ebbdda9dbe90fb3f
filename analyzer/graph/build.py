"""The dependency graph, built once per workspace from the facts and the inventory.

Nodes are runbooks (and configurations, modules) and assets; edges are ``uses`` (runbook →
asset) and ``calls`` (runbook → runbook). Node ids are ``runbook/<name>`` and
``<kind>/<name>``; names compare case-insensitively, so the first spelling seen (in path
order) names the node. Insertion order is sorted, which makes the node-link output
byte-for-byte deterministic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from analyzer.inventory.model import fold

if TYPE_CHECKING:
    import networkx

    from analyzer.workspace.workspace import Workspace


def runbook_node(name: str) -> str:
    return f"runbook/{name}"


def asset_node(kind: str, name: str) -> str:
    return f"{kind}/{name}"


def build_graph(workspace: Workspace) -> networkx.DiGraph:
    import networkx as nx

    # Plain dicts while collecting, one sorted DiGraph at the end: networkx's own
    # bookkeeping per add is most of the cost at 10,000 runbooks.
    graph: dict[str, dict[str, Any]] = {}
    runbook_ids: dict[str, str] = {}
    for file in workspace.files:
        if file.runbook is None:
            continue
        key = file.runbook.name.lower()
        node = runbook_ids.setdefault(key, runbook_node(file.runbook.name))
        if node in graph:
            graph[node]["paths"].append(file.path)
            continue
        graph[node] = {
            "type": "runbook",
            "name": file.runbook.name,
            "kind": file.runbook.kind,
            "paths": [file.path],
            "missing": False,
        }

    asset_ids: dict[tuple[str, str], str] = {}
    typed: set[tuple[str, str]] = set()
    if workspace.inventory is not None:
        _add_inventory(graph, workspace, runbook_ids, asset_ids, typed)
    uses: dict[tuple[str, str], dict[str, Any]] = {}
    folded: dict[str, str] = {}  # a name repeats in many runbooks; fold it once
    missing_verdicts: dict[tuple[str, str, str | None], bool] = {}
    checks_missing = workspace.inventory is not None  # without one nothing is proven missing
    for file, ref in workspace.references():
        name = ref.name.effective if ref.name else None
        if name is None or file.runbook is None:
            continue
        key = folded.get(name)
        if key is None:
            key = folded[name] = fold(name)
        anode = asset_ids.get((ref.kind, key))
        if anode is None:
            anode = asset_ids[(ref.kind, key)] = asset_node(ref.kind, name)
            graph[anode] = {
                "type": "asset",
                "kind": ref.kind,
                "name": name,
                "declared": False,
                "missing": False,
            }
        if checks_missing and not graph[anode]["declared"] and not graph[anode]["missing"]:
            account = workspace.account_of(file)
            verdict = missing_verdicts.get((ref.kind, key, account))
            if verdict is None:
                verdict = missing_verdicts[(ref.kind, key, account)] = _proven_missing(
                    workspace, ref.kind, name, account
                )
            graph[anode]["missing"] = verdict
        pair = (runbook_ids[file.runbook.name.lower()], anode)
        edge = uses.get(pair)
        if edge is None:
            edge = uses[pair] = {"operations": set(), "count": 0}
        edge["operations"].add(ref.operation)
        edge["count"] += 1

    calls: dict[tuple[str, str], dict[str, Any]] = {}
    for resolved in workspace.all_calls():
        file = resolved.file
        if file.runbook is None:
            continue
        source = runbook_ids[file.runbook.name.lower()]
        if resolved.targets:
            target_file = resolved.targets[0]
            assert target_file.runbook is not None
            target = runbook_ids[target_file.runbook.name.lower()]
        else:
            name = resolved.call.child.effective
            if name is None:
                continue
            target = runbook_ids.setdefault(name.lower(), runbook_node(name))
            if target not in graph:
                # A child the scanned scripts create, or one the inventory declares, exists.
                missing = not resolved.created and not workspace.runbook_declared(
                    name, workspace.account_of(file)
                )
                graph[target] = {
                    "type": "runbook",
                    "name": name,
                    "kind": None,
                    "paths": [],
                    "missing": missing,
                }
        edge = calls.setdefault((source, target), {"relation": "calls", "forms": set(), "count": 0})
        edge["forms"].add(resolved.call.form)
        edge["count"] += 1

    # A pair is of one relation only (runbook → asset, runbook → runbook, connection → type).
    edges: dict[tuple[str, str], dict[str, Any]] = {pair: {"relation": "typed"} for pair in typed}
    for pair, data in uses.items():
        edges[pair] = {
            "relation": "uses",
            "operations": sorted(data["operations"]),
            "count": data["count"],
        }
    for pair, data in calls.items():
        edges[pair] = {"relation": "calls", "forms": sorted(data["forms"]), "count": data["count"]}
    ordered = nx.DiGraph()
    ordered.add_nodes_from((node, graph[node]) for node in sorted(graph))
    ordered.add_edges_from((s, t, edges[s, t]) for s, t in sorted(edges))
    return ordered


def _proven_missing(workspace: Workspace, kind: str, name: str, account: str | None) -> bool:
    """RB102's error: a source lists every asset of this kind for the account and nothing,
    not even an unresolved declaration, can be this one. Only then do reports say
    "missing"; an inventory that says nothing of the kind proves nothing."""
    inventory = workspace.inventory
    if inventory is None or inventory.lookup(kind, name, account):
        return False
    return bool(inventory.covers(kind, account)) and not inventory.possible(kind, name, account)


#: Inventory kinds that become graph nodes, and the node-id prefix of each.
_INVENTORY_NODES = {
    "connection": "connection",
    "credential": "credential",
    "variable": "variable",
    "certificate": "certificate",
    "connection_type": "connection_type",
    "module": "module",
    "dsc_configuration": "runbook",
    "runbook": "runbook",
}


def _add_inventory(
    graph: dict[str, dict[str, Any]],
    workspace: Workspace,
    runbook_ids: dict[str, str],
    asset_ids: dict[tuple[str, str], str],
    typed: set[tuple[str, str]],
) -> None:
    """Declared assets, connection types, modules and runbooks, spelled as declared."""
    inventory = workspace.inventory
    assert inventory is not None
    for asset in inventory.assets():
        prefix = _INVENTORY_NODES.get(asset.kind)
        if prefix is None:
            continue
        declared_in = sorted(
            {
                (d.source.path, d.source.line)
                for d in asset.declarations
                if d.source.format != "builtin"
            },
            key=lambda item: (item[0], item[1] or 0),
        )
        locations = [{"path": path, "line": line} for path, line in declared_in]
        if prefix == "runbook":
            node = runbook_ids.setdefault(asset.name.lower(), runbook_node(asset.name))
            if node in graph:
                graph[node]["declared"] = True
                graph[node]["declared_in"] = locations
            else:
                graph[node] = {
                    "type": "runbook",
                    "name": asset.name,
                    "kind": asset.declarations[0].runbook_type,
                    "paths": [],
                    "missing": False,
                    "declared": True,
                    "declared_in": locations,
                }
            continue
        if asset.kind == "connection_type" and not locations:
            continue  # built-in types appear only when a connection uses them
        key = (asset.kind, fold(asset.name))
        node = asset_ids.setdefault(key, asset_node(prefix, asset.name))
        attributes: dict[str, Any] = {
            "type": "asset"
            if asset.kind in ("connection", "credential", "variable", "certificate")
            else asset.kind,
            "kind": asset.kind,
            "name": asset.name,
            "declared": True,
            "declared_in": locations,
        }
        if asset.kind == "connection":
            attributes["connection_type"] = asset.connection_type
        graph.setdefault(node, {}).update(attributes)
        if asset.kind == "connection" and asset.connection_type:
            type_key = ("connection_type", fold(asset.connection_type))
            type_node = asset_ids.setdefault(
                type_key, asset_node("connection_type", asset.connection_type)
            )
            if type_node not in graph:
                graph[type_node] = {
                    "type": "connection_type",
                    "kind": "connection_type",
                    "name": asset.connection_type,
                    "declared": inventory.connection_type(asset.connection_type) is not None,
                    "declared_in": [],
                }
            typed.add((node, type_node))
