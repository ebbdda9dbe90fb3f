"""``runbook-analyzer dump``: a decoded graphical runbook for people who cannot open the
portal. Deterministic: the model's own order, no timestamps, no absolute paths."""

from __future__ import annotations

import json
from typing import Any

from analyzer.frontends.graphical_model import GraphRunbookModel, model_to_dict


def dump_json(model: GraphRunbookModel) -> str:
    return json.dumps(model_to_dict(model), indent=2, ensure_ascii=False) + "\n"


def _descriptor(d: dict[str, Any]) -> str:
    kind = d["kind"]
    if kind == "Constant":
        return json.dumps(d.get("value"), ensure_ascii=False)
    if kind == "RunbookParameter":
        return f"runbook parameter ${d.get('parameter')}"
    if kind == "ActivityOutput":
        path = "".join(f".{f}" for f in d.get("field_path", []))
        return f'output of "{d.get("activity")}"{path}'
    if kind == "PowerShellExpression":
        return f"expression {{ {d.get('expression')} }}"
    if kind.startswith("Automation") and "asset" in d:
        return f'{kind[len("Automation") :].lower()} asset "{d["asset"]}"'
    return kind


def dump_text(model: GraphRunbookModel) -> str:
    data = model_to_dict(model)
    out = [
        f"schema {data['schema_version'] or '?'}, {data['runbook_type'] or 'type not recorded'}",
        f"model: {data['model_assembly'] or '?'}",
        "",
        "parameters:",
    ]
    for p in data["parameters"] or []:
        default = (
            f" = {json.dumps(p['default'], ensure_ascii=False)}" if p["default"] is not None else ""
        )
        optional = "optional" if p["optional"] else "mandatory"
        out.append(f"  ${p['name']} : {p['type'] or '?'} ({optional}){default}")
    if not data["parameters"]:
        out.append("  (none)")
    out.append("")
    out.append("activities:")
    for a in data["activities"]:
        head = f'  {a["type"]} "{a["name"]}" ({a["entity_id"]})'
        if "command" in a:
            module = f" [{a['module']}]" if a.get("module") else ""
            head += f": {a['command']}{module}"
        out.append(head)
        for name, d in a["parameters"].items():
            out.append(f"      -{name} <- {_descriptor(d)}")
        if a.get("custom_parameters"):
            out.append(f"      custom parameters: {a['custom_parameters']}")
        for part, code in a.get("code", {}).items():
            out.append(f"      {part}:")
            out.extend(f"        | {line}" for line in code.splitlines())
        if a.get("loop_exit_condition"):
            out.append(f"      loop until: {a['loop_exit_condition']}")
    out.append("")
    out.append("links:")
    for link in data["links"]:
        condition = f" if {{ {link['condition']} }}" if link.get("condition") else ""
        if link.get("condition") and not link["condition_enabled"]:
            condition += " (condition disabled)"
        out.append(
            f'  "{link["from"]}" -> "{link["to"]}" ({link["type"]}, {link["stream"]}){condition}'
        )
    for comment in data["comments"]:
        out.append(f"comment: {comment}")
    return "\n".join(out) + "\n"
