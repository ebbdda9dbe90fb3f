"""``runbook-analyzer inventory``: what the loaders understood, including what they could
not resolve and why. Never a secret: declarations carry no values."""

from __future__ import annotations

import json
from typing import Any

from analyzer.inventory.model import Declaration, Inventory

REPORT_VERSION = 1


def _fields(declaration: Declaration) -> list[Any] | None:
    if declaration.fields is None:
        return None
    if declaration.kind == "connection_type":
        return [
            {"name": f.name, "encrypted": f.encrypted, "optional": f.optional, "type": f.type}
            for f in declaration.fields
        ]
    return [f.name for f in declaration.fields]


def _entry(d: Declaration) -> dict[str, Any]:
    return {
        "kind": d.kind,
        "name": d.name,
        "raw": d.raw,
        "resolved": d.resolved,
        "reason": d.reason,
        "account": d.account,
        "connection_type": d.connection_type,
        "fields": _fields(d),
        "path": d.source.path,
        "line": d.source.line,
    }


def _order(entry: dict[str, Any]) -> tuple:
    return (
        entry["kind"],
        (entry["name"] or "").casefold(),
        entry["name"] or "",
        entry["path"],
        entry["line"] or 0,
        entry["raw"],
    )


def inventory_json(inventory: Inventory) -> str:
    entries = sorted((_entry(d) for d in inventory.user_declarations), key=_order)
    problems = [
        {"path": p.path, "line": p.line, "message": p.message}
        for p in sorted(inventory.problems, key=lambda p: (p.path, p.line or 0, p.message))
    ]
    document = {"version": REPORT_VERSION, "assets": entries, "problems": problems}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def inventory_text(inventory: Inventory) -> str:
    entries = sorted((_entry(d) for d in inventory.user_declarations), key=_order)
    out: list[str] = []
    kind = None
    for entry in entries:
        if entry["kind"] != kind:
            kind = entry["kind"]
            out.append(f"{kind}:")
        where = f"{entry['path']}:{entry['line']}" if entry["line"] else entry["path"]
        account = f" [account {entry['account']}]" if entry["account"] else ""
        extra = f" (type {entry['connection_type']})" if entry["connection_type"] else ""
        if entry["resolved"]:
            out.append(f"  {entry['name']}{extra}{account}  {where}")
        else:
            out.append(
                f"  ? {entry['raw']}{account}  {where}  unresolved: {entry['reason'] or 'unknown'}"
            )
    for problem in sorted(inventory.problems, key=lambda p: (p.path, p.line or 0)):
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        out.append(f"error: {where}: {problem.message}")
    if not entries and not inventory.problems:
        out.append("no inventory declarations found")
    return "\n".join(out) + "\n"
