"""Facts of a graphical runbook in the plain form ``X.expected.json`` uses, and matching."""

from __future__ import annotations

from typing import Any

from analyzer.model.facts import FileFacts, NameValue

ANY = "*"


def _name(value: NameValue | None) -> dict[str, Any]:
    if value is None:
        return {"name": None, "dynamic": None, "expression": None, "resolved": None}
    return {
        "name": value.literal,
        "dynamic": value.dynamic,
        "expression": value.expression,
        "resolved": value.resolved,
    }


def _where(logical: Any) -> dict[str, Any]:
    if logical is None:
        return {"activity": None, "parameter": None, "entity_id": None}
    return {
        "activity": logical.activity,
        "parameter": logical.parameter,
        "entity_id": logical.entity_id,
    }


def view(facts: FileFacts) -> dict[str, Any]:
    refs = [
        {
            "kind": r.kind,
            "operation": r.operation,
            "callee": r.callee,
            **_name(r.name),
            "enumeration": r.name is None,
            **_where(r.logical),
        }
        for r in facts.refs
    ]
    calls = [
        {
            "callee": c.callee,
            "form": c.form,
            "child": c.child.literal,
            "dynamic": c.child.dynamic,
            "expression": c.child.expression,
            "resolved": c.child.resolved,
            **_where(c.logical),
        }
        for c in facts.calls
    ]
    field_uses = []
    for use in facts.field_uses:
        lookup = facts.refs[use.ref].logical if 0 <= use.ref < len(facts.refs) else None
        field_uses.append(
            {
                "field": use.field,
                "lookup": [lookup.activity, lookup.parameter] if lookup else None,
                "activity": use.logical.activity if use.logical else None,
                "parameter": use.logical.parameter if use.logical else None,
            }
        )
    parameter_uses = [
        {
            "name": u.name,
            "activity": u.logical.activity if u.logical else None,
            "parameter": u.logical.parameter if u.logical else None,
        }
        for u in facts.parameter_uses
    ]
    runbook = facts.runbook
    declared = {p.name.lower() for p in runbook.parameters} if runbook else set()
    undeclared = sorted({u.name for u in facts.parameter_uses if u.name.lower() not in declared})
    return {
        "runbook": {
            "name": runbook.name,
            "kind": runbook.kind,
            "parameters": [
                {"name": p.name, "default": p.default, "mandatory": p.mandatory}
                for p in runbook.parameters
            ],
        }
        if runbook
        else None,
        "references": refs,
        "calls": calls,
        "field_uses": field_uses,
        "parameter_uses": parameter_uses,
        "undeclared_parameters": undeclared,
        "problems": [
            {
                "code": p.code,
                "message": p.message,
                "activity": p.logical.activity if p.logical else None,
                "parameter": p.logical.parameter if p.logical else None,
            }
            for p in facts.problems
        ],
    }


def _matches(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    for key, want in expected.items():
        have = actual.get(key)
        if want == ANY:
            if not isinstance(have, str) or not have:
                return False
        elif have != want:
            return False
    return True


def match_lists(
    what: str, expected: list[dict[str, Any]], actual: list[dict[str, Any]]
) -> list[str]:
    """Multiset comparison: every expected item matched once, nothing extra. Only the keys
    an expected item names are compared; ``"*"`` matches any non-empty string."""
    left = list(actual)
    errors = []
    for item in expected:
        for index, candidate in enumerate(left):
            if _matches(item, candidate):
                del left[index]
                break
        else:
            errors.append(f"missing {what}: {item}")
    errors += [f"unexpected {what}: {item}" for item in left]
    return errors


def problems_match(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> list[str]:
    """Problems by code and message fragment, and by ``activity`` and ``parameter`` when
    the expectation names them (a file-level problem names neither). ``message_contains``
    is one fragment or a list of fragments that must all occur."""
    left = list(actual)
    errors = []
    for item in expected:
        wanted = item["message_contains"]
        fragments = [f.lower() for f in ([wanted] if isinstance(wanted, str) else wanted)]
        for index, candidate in enumerate(left):
            if (
                candidate["code"] == item["code"]
                and all(f in candidate["message"].lower() for f in fragments)
                and all(
                    candidate.get(key) == item[key]
                    for key in ("activity", "parameter")
                    if key in item
                )
            ):
                del left[index]
                break
        else:
            errors.append(f"missing problem {item['code']} mentioning {item['message_contains']!r}")
    errors += [f"unexpected problem {p['code']}: {p['message']}" for p in left]
    return errors


def compare(expected: dict[str, Any], facts: FileFacts) -> list[str]:
    actual = view(facts)
    errors = []
    if expected["runbook"] != actual["runbook"]:
        errors.append(f"runbook: expected {expected['runbook']}, got {actual['runbook']}")
    for key, what in (
        ("references", "reference"),
        ("calls", "call"),
        ("field_uses", "field use"),
        ("parameter_uses", "parameter use"),
    ):
        errors += match_lists(what, expected[key], actual[key])
    if expected["undeclared_parameters"] != actual["undeclared_parameters"]:
        errors.append(
            f"undeclared parameters: expected {expected['undeclared_parameters']}, "
            f"got {actual['undeclared_parameters']}"
        )
    errors += problems_match(expected["problems"], actual["problems"])
    return errors
