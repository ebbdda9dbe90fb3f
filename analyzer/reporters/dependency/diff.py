"""``graph --diff OLD.json``: what a change did to the dependencies, for a pull request.

Compares a saved dependency report (``graph --format json``, DESIGN §4) with the current
one: runbooks, assets and dependencies (``uses`` and ``calls`` edges) added and removed,
names that became missing (not declared, or a child nobody has) and lookups or calls that
became dynamic. Names compare as the graph compares them (case-insensitively), so a
re-cased name is no change. Rendered as text, Markdown (to post on the pull request) or JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analyzer.graph import queries
from analyzer.inventory.model import fold
from analyzer.reporters.common import plural
from analyzer.reporters.dependency import REPORT_VERSION

DIFF_VERSION = 1
DIFF_FORMATS = ("text", "markdown", "json")
_LOOKUPS = ("connection", "credential", "variable", "certificate")


class ReportError(Exception):
    """A saved report that cannot be read or is not a dependency report."""


def load_report(path: str) -> dict[str, Any]:
    """The dependency report saved at ``path``, checked for the keys the diff reads."""
    from analyzer.textio import JsonFileError, read_json_file

    remedy = "save the old report with `graph --format json --output FILE`"
    try:
        report, _ = read_json_file(Path(path), remedy)
    except FileNotFoundError as exc:
        raise ReportError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    except JsonFileError as exc:
        raise ReportError(str(exc)) from None
    problem = _shape_problem(report)
    if problem:
        raise ReportError(
            f"{path}: not a dependency report ({problem}); "
            "save the old report with `graph --format json --output FILE`"
        )
    return report


def _shape_problem(report: Any) -> str | None:
    if not isinstance(report, dict):
        return "the document is not an object"
    version = report.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        return 'no "version" number'
    if version > REPORT_VERSION:
        return f"version {version} is newer than this analyzer's {REPORT_VERSION}"
    fields = {
        "runbooks": ("name",),
        "assets": ("kind", "name"),
        "references": ("runbook", "kind", "name", "resolved"),
        "calls": ("runbook", "callee", "child"),
    }
    for key, needed in fields.items():
        entries = report.get(key)
        if not isinstance(entries, list):
            return f'no "{key}" list'
        for number, entry in enumerate(entries):
            if not isinstance(entry, dict) or any(name not in entry for name in needed):
                return f"{key}[{number}] lacks {', '.join(needed)}"
    graph = report.get("graph")
    if not isinstance(graph, dict):
        return 'no "graph" object'
    for key, needed in (("nodes", ("id", "name")), ("edges", ("source", "target", "relation"))):
        entries = graph.get(key)
        if not isinstance(entries, list):
            return f'no "graph.{key}" list'
        for number, entry in enumerate(entries):
            if not isinstance(entry, dict) or any(name not in entry for name in needed):
                return f"graph.{key}[{number}] lacks {', '.join(needed)}"
    return None


# ------------------------------------------------------------------- compare
def diff_reports(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The changes from ``old`` to ``new`` (both DESIGN §4 documents), sorted."""

    def runbooks(report: dict[str, Any]) -> dict[tuple[str, ...], dict[str, Any]]:
        return {
            (fold(r["name"]),): {"name": r["name"], "path": r.get("path")}
            for r in report["runbooks"]
        }

    def assets(report: dict[str, Any]) -> dict[tuple[str, ...], dict[str, Any]]:
        return {
            queries.node_key(a["kind"], a["name"]): {"kind": a["kind"], "name": a["name"]}
            for a in report["assets"]
        }

    return {
        "version": DIFF_VERSION,
        "runbooks": _added_removed(runbooks(old), runbooks(new)),
        "assets": _added_removed(assets(old), assets(new)),
        "dependencies": _added_removed(_dependencies(old), _dependencies(new)),
        "newly_missing": _newly(_missing(old), _missing(new)),
        "newly_dynamic": _newly(_dynamic(old), _dynamic(new)),
    }


def is_empty(diff: dict[str, Any]) -> bool:
    return not any(
        diff[key]["added"] or diff[key]["removed"] for key in ("runbooks", "assets", "dependencies")
    ) and not (diff["newly_missing"] or diff["newly_dynamic"])


def _added_removed(
    old: dict[tuple[str, ...], dict[str, Any]], new: dict[tuple[str, ...], dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    return {
        "added": [new[key] for key in sorted(new.keys() - old.keys())],
        "removed": [old[key] for key in sorted(old.keys() - new.keys())],
    }


def _newly(
    old: dict[tuple[str, ...], dict[str, Any]], new: dict[tuple[str, ...], dict[str, Any]]
) -> list[dict[str, Any]]:
    return [new[key] for key in sorted(new.keys() - old.keys())]


def _node_names(report: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Node id → (kind, name) with runbooks as kind ``runbook``."""
    out = {}
    for node in report["graph"]["nodes"]:
        kind = "runbook" if node.get("type") == "runbook" else node.get("kind") or node["type"]
        out[node["id"]] = (kind, node["name"])
    return out


def _dependencies(report: dict[str, Any]) -> dict[tuple[str, ...], dict[str, Any]]:
    names = _node_names(report)
    out = {}
    for edge in report["graph"]["edges"]:
        if edge["relation"] not in ("uses", "calls"):
            continue
        source = names.get(edge["source"])
        target = names.get(edge["target"])
        if source is None or target is None:
            continue
        key = (fold(source[1]), edge["relation"], target[0], fold(target[1]))
        out[key] = {
            "runbook": source[1],
            "relation": edge["relation"],
            "kind": target[0],
            "name": target[1],
        }
    return out


def _missing(report: dict[str, Any]) -> dict[tuple[str, ...], dict[str, Any]]:
    names = _node_names(report)
    users: dict[str, set[str]] = {}
    for edge in report["graph"]["edges"]:
        if edge["relation"] in ("uses", "calls") and edge["source"] in names:
            users.setdefault(edge["target"], set()).add(names[edge["source"]][1])
    out = {}
    for node in report["graph"]["nodes"]:
        kind, name = names[node["id"]]
        if kind == "runbook":
            absent = bool(node.get("missing"))
        else:
            absent = kind in _LOOKUPS and queries.asset_missing(node, report)
        if absent:
            out[queries.node_key(kind, name)] = {
                "kind": kind,
                "name": name,
                "used_by": sorted(users.get(node["id"], ()), key=fold),
            }
    return out


def _dynamic(report: dict[str, Any]) -> dict[tuple[str, ...], dict[str, Any]]:
    """Lookups and calls whose name nothing proves, keyed without lines (which move)."""
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for ref in report["references"]:
        if ref["runbook"] is None or ref["name"] is not None or ref["resolved"] is not None:
            continue
        expression = ref.get("expression") or ""
        key = (fold(ref["runbook"]), ref["kind"], expression)
        out.setdefault(key, {"runbook": ref["runbook"], "kind": ref["kind"], **_where(ref)})
        out[key]["expression"] = expression
    for call in report["calls"]:
        if call["runbook"] is None or call["child"] is not None:
            continue
        key = (fold(call["runbook"]), "runbook", call["callee"])
        out.setdefault(
            key,
            {
                "runbook": call["runbook"],
                "kind": "runbook",
                **_where(call),
                "callee": call["callee"],
            },
        )
    return {key: dict(sorted(value.items())) for key, value in out.items()}


def _where(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "path": entry.get("path"),
        "line": entry.get("line"),
        "activity": entry.get("activity"),
    }


# ------------------------------------------------------------------- render
def render(diff: dict[str, Any], output_format: str) -> str:
    if output_format == "json":
        from analyzer.reporters.ci import json_document

        return json_document(diff)
    if output_format == "markdown":
        return _markdown(diff)
    return _text(diff)


def _counts(diff: dict[str, Any]) -> list[str]:
    parts = []
    for key in ("runbooks", "assets", "dependencies"):
        added, removed = len(diff[key]["added"]), len(diff[key]["removed"])
        noun = {"runbooks": "runbook", "assets": "asset"}.get(key)
        what = plural(added, noun) if noun else f"{added} {_dependencies_word(added)}"
        parts.append(f"{what} added, {removed} removed")
    parts.append(f"{len(diff['newly_missing'])} newly missing")
    parts.append(f"{len(diff['newly_dynamic'])} newly dynamic")
    return parts


def _dependencies_word(count: int) -> str:
    return "dependency" if count == 1 else "dependencies"


def _lines(diff: dict[str, Any], code: Any, path: Any) -> list[tuple[str, str, list[str]]]:
    """(title, marker, entries) per non-empty section, names passed through ``code`` and
    places and expressions (text as written) through ``path``."""

    def thing(kind: str, name: str) -> str:
        return f"{kind} {code(name)}"

    def dependency(d: dict[str, Any]) -> str:
        return f"{code(d['runbook'])} {d['relation']} {thing(d['kind'], d['name'])}"

    def place(d: dict[str, Any]) -> str:
        if d.get("line"):
            return path(f"{d['path']}:{d['line']}")
        if d.get("activity"):
            return f"{path(d['path'])} (activity {code(d['activity'])})"
        return path(d.get("path") or "")

    def dynamic(d: dict[str, Any]) -> str:
        what = (
            f"child runbook started by {d['callee']}"
            if d["kind"] == "runbook"
            else f"{d['kind']} named by {path(d['expression'] or '?')}"
        )
        return f"{what} in {code(d['runbook'])} at {place(d)}"

    def missing(d: dict[str, Any]) -> str:
        verb = "called by" if d["kind"] == "runbook" else "used by"
        users = ", ".join(code(u) for u in d["used_by"])
        return thing(d["kind"], d["name"]) + (f" ({verb} {users})" if users else "")

    sections = [
        ("runbooks added", "+", [code(r["name"]) for r in diff["runbooks"]["added"]]),
        ("runbooks removed", "-", [code(r["name"]) for r in diff["runbooks"]["removed"]]),
        ("assets added", "+", [thing(a["kind"], a["name"]) for a in diff["assets"]["added"]]),
        ("assets removed", "-", [thing(a["kind"], a["name"]) for a in diff["assets"]["removed"]]),
        ("dependencies added", "+", [dependency(d) for d in diff["dependencies"]["added"]]),
        ("dependencies removed", "-", [dependency(d) for d in diff["dependencies"]["removed"]]),
        ("newly missing", "!", [missing(d) for d in diff["newly_missing"]]),
        ("newly dynamic", "?", [dynamic(d) for d in diff["newly_dynamic"]]),
    ]
    return [section for section in sections if section[2]]


def _text(diff: dict[str, Any]) -> str:
    if is_empty(diff):
        return "no dependency changes\n"
    lines = ["dependency changes: " + "; ".join(_counts(diff))]
    for title, marker, entries in _lines(diff, lambda name: f'"{name}"', str):
        lines.extend(["", f"{title} ({len(entries)}):"])
        lines.extend(f"  {marker} {entry}" for entry in entries)
    return "\n".join(lines) + "\n"


def _code(text: str) -> str:
    """``text`` as a Markdown code span, whatever backticks it holds."""
    run = longest = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _markdown(diff: dict[str, Any]) -> str:
    lines = ["## Dependency changes", ""]
    if is_empty(diff):
        return "\n".join([*lines, "No dependency changes."]) + "\n"
    lines += ["| | added | removed |", "| --- | ---: | ---: |"]
    for key in ("runbooks", "assets", "dependencies"):
        lines.append(f"| {key} | {len(diff[key]['added'])} | {len(diff[key]['removed'])} |")
    lines += [
        "",
        f"Newly missing: {len(diff['newly_missing'])}. "
        f"Newly dynamic: {len(diff['newly_dynamic'])}.",
    ]
    for title, _marker, entries in _lines(diff, _code, _code):
        lines.extend(["", f"### {title[0].upper()}{title[1:]} ({len(entries)})", ""])
        lines.extend(f"- {entry}" for entry in entries)
    return "\n".join(lines) + "\n"
