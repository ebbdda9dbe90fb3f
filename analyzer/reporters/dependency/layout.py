"""Where the HTML report draws each node: columns of blocks of rows, computed once here.

The layout is layered: top-level runbooks (nobody calls them, or only the other members
of their cycle) on the left, their children one column to the right per call depth (a
call cycle shares one column), then the assets grouped by kind, then connection types and
modules. Rows follow the barycentre of their neighbours (three fixed sweeps, ties broken
by name), and runbook rows then move level with what they connect to (:func:`_settle`):
short, flat edges without any random seed, so the same report gives the same picture.

Past :data:`FULL_LIMIT` nodes a picture of every node is a hairball, so the unit of the
layout becomes the *block*: runbooks grouped by folder and assets by kind, each cut into
alphabetical chunks of at most :data:`MAX_BLOCK` members, drawn collapsed (one box with a
count, edges aggregated between boxes) until the reader expands one. The page's script
only re-stacks blocks when one is toggled (:func:`stack` is the rule it mirrors); which
column and which order everything has is decided here.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

#: Geometry shared with the page's script (passed to it in the data island).
ROW = 26
NODE_HEIGHT = 20
HEADER = 26
BLOCK_GAP = 14
BLOCK_PAD = 8
COLUMN_GAP = 76
TOP = 44
LEFT = 16
ARC_ROOM = 70
CHAR_WIDTH = 6.6
MIN_WIDTH = 120
MAX_WIDTH = 250

#: Up to this many nodes every node is drawn; beyond it, blocks start collapsed.
FULL_LIMIT = 150
#: Blocks larger than this are cut into alphabetical chunks (so expanding one stays short).
MAX_BLOCK = 40
#: In a grouped layout, blocks this small start expanded anyway.
SMALL_BLOCK = 6

ASSET_KINDS = ("connection", "credential", "certificate", "variable", "dynamic")
TRAILING_KINDS = ("connection_type", "module")
KIND_TITLES = {
    "connection": "connections",
    "credential": "credentials",
    "certificate": "certificates",
    "variable": "variables",
    "dynamic": "names not known",
    "connection_type": "connection types",
    "module": "modules",
}


@dataclass
class Block:
    id: str
    column: int
    label: str | None  # None: rows without a box (the ungrouped runbook columns)
    members: list[str]
    collapsed: bool
    y: float = 0.0
    #: Row offsets from the block's top (unlabelled blocks only: rows may leave gaps to sit
    #: level with what they connect to); ``None``: one row after the other.
    offsets: list[float] | None = None

    def height(self) -> float:
        if self.offsets:
            return self.offsets[-1] + ROW
        return block_height(self.label is not None, len(self.members), self.collapsed)

    def offset(self, row: int) -> float:
        return self.offsets[row] if self.offsets else row * ROW


@dataclass
class Column:
    x: float
    width: float
    title: str


@dataclass
class Layout:
    grouped: bool
    columns: list[Column]
    blocks: list[Block]
    block_of: dict[str, str]
    width: float = 0.0
    height: float = 0.0
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)


def block_height(labelled: bool, members: int, collapsed: bool) -> float:
    if not labelled:
        return members * ROW
    if collapsed:
        return HEADER
    return HEADER + members * ROW + BLOCK_PAD


def node_label_width(name: str) -> float:
    """Room for the name, the kind stripe and a findings badge."""
    return len(name) * CHAR_WIDTH + 42


def layout(nodes: list[dict[str, Any]], edges: list[tuple[str, str, str]]) -> Layout:
    """The layout of ``nodes`` (node-link dicts) and ``edges`` (source, target, relation)."""
    import networkx as nx

    by_id = {node["id"]: node for node in nodes}
    grouped = len(nodes) > FULL_LIMIT
    runbooks = sorted((n["id"] for n in nodes if n.get("type") == "runbook"), key=_sort_key(by_id))

    blocks: list[Block] = []
    if grouped:
        unit_of, runbook_blocks = _folder_blocks(runbooks, by_id)
    else:
        unit_of = {node: node for node in runbooks}
        runbook_blocks = {}
    units = nx.DiGraph()
    units.add_nodes_from(sorted(set(unit_of.values())))
    for source, target, relation in edges:
        if relation == "calls" and source in unit_of and target in unit_of:
            a, b = unit_of[source], unit_of[target]
            if a != b:
                units.add_edge(a, b)
    depth = _depths(units)
    layers = max(depth.values(), default=-1) + 1

    if grouped:
        for block_id, members in runbook_blocks.items():
            blocks.append(
                Block(
                    block_id,
                    depth[block_id],
                    members[0],
                    members[1:],
                    collapsed=len(members) - 1 > SMALL_BLOCK,
                )
            )
    else:
        for layer in range(layers):
            members = [n for n in runbooks if depth[n] == layer]
            blocks.append(Block(f"layer-{layer}", layer, None, members, collapsed=False))

    asset_column = max(layers, 1) if runbooks else 0
    by_kind: dict[str, list[str]] = {}
    for node in nodes:
        if node.get("type") != "runbook":
            by_kind.setdefault(str(node.get("kind") or node.get("type")), []).append(node["id"])
    # A kind this module does not know yet still gets drawn, after the known ones.
    others = tuple(sorted(set(by_kind) - set(ASSET_KINDS) - set(TRAILING_KINDS)))
    for offset, kinds in enumerate((ASSET_KINDS, TRAILING_KINDS + others)):
        for kind in kinds:
            members = sorted(by_kind.get(kind, ()), key=_sort_key(by_id))
            for index, chunk in enumerate(_chunks(members, by_id) if grouped else [members]):
                if not chunk:
                    continue
                label = KIND_TITLES.get(kind, f"{kind.replace('_', ' ')}s")
                if grouped and len(members) > MAX_BLOCK:
                    label += f" {_range_label(chunk, by_id)}"
                blocks.append(
                    Block(
                        f"{kind}-{index}",
                        asset_column + offset,
                        label,
                        chunk,
                        collapsed=grouped and len(chunk) > SMALL_BLOCK,
                    )
                )
    block_of = {member: block.id for block in blocks for member in block.members}
    _order(blocks, edges, block_of, grouped, by_id)

    count = max((b.column for b in blocks), default=-1) + 1
    widths = [MIN_WIDTH] * count
    for block in blocks:
        names = [by_id[m]["name"] for m in block.members]
        if block.label is not None:
            names.append(f"{block.label} ({len(block.members)})")
        for name in names:
            widths[block.column] = max(widths[block.column], min(MAX_WIDTH, node_label_width(name)))
    columns = []
    # Calls within one column are arcs on its left: the first column then needs the room.
    first = {unit for unit, d in depth.items() if d == 0}
    arcs = any(a in first and b in first for a, b in units.edges)
    x = float(LEFT + (ARC_ROOM if arcs else 0))
    for index in range(count):
        columns.append(Column(x, widths[index], _column_title(index, layers, asset_column)))
        x += widths[index] + COLUMN_GAP
    result = Layout(grouped, columns, blocks, block_of)
    stack(result)
    for _sweep in range(2):
        _settle(result, edges)
    return result


def stack(result: Layout) -> None:
    """Place blocks top to bottom in their column and members row by row in their block."""
    bottoms = [float(TOP)] * len(result.columns)
    result.positions = {}
    for block in result.blocks:
        block.y = bottoms[block.column]
        bottoms[block.column] += block.height() + BLOCK_GAP
        x = result.columns[block.column].x
        top = block.y + (HEADER if block.label is not None else 0)
        for row, member in enumerate(block.members):
            y = block.y if block.collapsed else top + block.offset(row)
            result.positions[member] = (x, y)
    last = result.columns[-1] if result.columns else Column(LEFT, 0, "")
    result.width = last.x + last.width + LEFT + 12
    result.height = max(bottoms, default=float(TOP)) + 10


# ------------------------------------------------------------------ helpers
def _sort_key(by_id: dict[str, dict[str, Any]]):  # noqa: ANN202 - a key function
    return lambda node: (by_id[node]["name"].lower(), node)


def _folder(node: dict[str, Any]) -> str:
    """The node's group as the drawing model names it (``diagram.Node.group``: the folder
    below the one all runbooks share), else its own folder."""
    if node.get("group"):
        return str(node["group"])
    paths = node.get("paths") or []
    return posixpath.dirname(paths[0]) or "." if paths else "other"


def _folder_blocks(
    runbooks: list[str], by_id: dict[str, dict[str, Any]]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Runbooks by folder, each folder cut into alphabetical chunks."""
    folders: dict[str, list[str]] = {}
    for node in runbooks:
        folders.setdefault(_folder(by_id[node]), []).append(node)
    unit_of: dict[str, str] = {}
    blocks: dict[str, list[str]] = {}
    for number, folder in enumerate(sorted(folders, key=lambda f: (f.lower(), f))):
        members = folders[folder]
        for index, chunk in enumerate(_chunks(members, by_id)):
            label = folder
            if len(members) > MAX_BLOCK:
                label += f" {_range_label(chunk, by_id)}"
            block_id = f"folder-{number}-{index}"
            blocks[block_id] = [label, *chunk]
            for member in chunk:
                unit_of[member] = block_id
    return unit_of, blocks


def _chunks(members: list[str], by_id: dict[str, dict[str, Any]]) -> list[list[str]]:
    if len(members) <= MAX_BLOCK:
        return [members]
    count = -(-len(members) // MAX_BLOCK)
    size = -(-len(members) // count)
    return [members[i : i + size] for i in range(0, len(members), size)]


def _range_label(chunk: list[str], by_id: dict[str, dict[str, Any]]) -> str:
    first, last = (_short(by_id[member]["name"]) for member in (chunk[0], chunk[-1]))
    return f"{first} \u2013 {last}"  # an en dash


def _short(name: str) -> str:
    return name if len(name) <= 16 else name[:15] + "…"


def _depths(units: Any) -> dict[str, int]:
    """Longest call depth from a runbook nobody calls; a cycle is one layer."""
    import networkx as nx

    condensed = nx.condensation(units)
    depth_of: dict[int, int] = {}
    for component in nx.topological_sort(condensed):
        preds = list(condensed.predecessors(component))
        depth_of[component] = max((depth_of[p] + 1 for p in preds), default=0)
    mapping = condensed.graph["mapping"]
    return {node: depth_of[mapping[node]] for node in units}


def _column_title(index: int, layers: int, asset_column: int) -> str:
    if index < asset_column:
        if layers == 1:
            return "runbooks"
        return "top-level runbooks" if index == 0 else f"called, depth {index}"
    if index == asset_column:
        return "assets"
    return "types and modules"


def _order(
    blocks: list[Block],
    edges: list[tuple[str, str, str]],
    block_of: dict[str, str],
    grouped: bool,
    by_id: dict[str, dict[str, Any]],
) -> None:
    """Barycentre ordering, three sweeps (forward, backward, forward): rows (ungrouped) or
    folder blocks (grouped) follow the mean position of their neighbours in the columns
    on the swept side; an item without such neighbours keeps its place. Asset blocks keep
    their kind order, and grouped members stay alphabetical, so a reader can scan them."""
    neighbours: dict[str, set[str]] = {}
    for source, target, _relation in edges:
        if source != target and source in block_of and target in block_of:
            neighbours.setdefault(source, set()).add(target)
            neighbours.setdefault(target, set()).add(source)
    column_of = {block.id: block.column for block in blocks}
    columns = sorted(set(column_of.values()))

    def positions() -> dict[str, float]:
        out: dict[str, float] = {}
        for column in columns:
            row = 0
            for index, block in enumerate(b for b in blocks if b.column == column):
                for member in block.members:
                    out[member] = float(index if grouped else row)
                    row += 1
        return out

    def barycentre(items: list[str], pos: dict[str, float], column: int, before: bool) -> float:
        values = [
            pos[n]
            for item in items
            for n in sorted(neighbours.get(item, ()))
            if (column_of[block_of[n]] < column if before else column_of[block_of[n]] > column)
        ]
        return sum(values) / len(values) if values else min(pos[item] for item in items)

    for before in (True, False, True):
        for column in columns if before else reversed(columns):
            pos = positions()
            in_column = [b for b in blocks if b.column == column]
            if grouped:
                if all(b.id.startswith("folder-") for b in in_column):
                    keyed = sorted(
                        in_column,
                        key=lambda b: (barycentre(b.members, pos, column, before), b.id),
                    )
                    _replace(blocks, in_column, keyed)
                continue
            for block in in_column:
                block.members.sort(
                    key=lambda m: (
                        barycentre([m], pos, column, before),
                        by_id[m]["name"].lower(),
                        m,
                    )
                )


def _replace(blocks: list[Block], old: list[Block], new: list[Block]) -> None:
    slots = [blocks.index(b) for b in old]
    for slot, block in zip(slots, new, strict=True):
        blocks[slot] = block


def _settle(result: Layout, edges: list[tuple[str, str, str]]) -> None:
    """Move the rows of unlabelled (ungrouped runbook) blocks level with the mean height of
    what they connect to, column by column from the right: rows are ordered by that height
    and placed at least a row apart, the least-squares placement under those constraints
    (isotonic regression, solved by pooling adjacent violators), so edges run as flat as
    they can without rows overlapping."""
    neighbours: dict[str, list[str]] = {}
    for source, target, _relation in edges:
        if source != target and source in result.positions and target in result.positions:
            neighbours.setdefault(source, []).append(target)
            neighbours.setdefault(target, []).append(source)
    for block in sorted((b for b in result.blocks if b.label is None), key=lambda b: -b.column):
        desired: list[float] = []
        inside = set(block.members)
        for row, member in enumerate(block.members):
            others = sorted(set(neighbours.get(member, ())) - inside)
            ys = [result.positions[n][1] for n in others]
            if ys:
                desired.append(sum(ys) / len(ys) - block.y)
            else:
                desired.append(desired[-1] + ROW if desired else block.offset(row))
        order = sorted(range(len(block.members)), key=lambda i: (desired[i], i))
        block.members[:] = [block.members[i] for i in order]
        wanted = [desired[i] - row * ROW for row, i in enumerate(order)]
        block.offsets = [
            round(max(z, 0.0), 1) + row * ROW for row, z in enumerate(_isotonic(wanted))
        ]
        stack(result)


def _isotonic(values: list[float]) -> list[float]:
    """The non-decreasing sequence closest to ``values`` in least squares."""
    pools: list[list[float]] = []  # [mean, weight]
    for value in values:
        pools.append([value, 1.0])
        while len(pools) > 1 and pools[-2][0] > pools[-1][0]:
            mean, weight = pools.pop()
            pools[-1][0] = (pools[-1][0] * pools[-1][1] + mean * weight) / (pools[-1][1] + weight)
            pools[-1][1] += weight
    out: list[float] = []
    for mean, weight in pools:
        out.extend([mean] * int(weight))
    return out
