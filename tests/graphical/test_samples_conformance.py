"""Conformance over the real public exports in ``../shared/samples/graphrunbook``.

Every labelled reference (kind, cmdlet, name, how the name is supplied, activity, runbook
parameter and its default, bound parameter) must be found and nothing else; no child
runbook calls unless labelled. The builder's layouts are also checked against the class
records of the real files. Skipped where ``../shared`` is absent.
"""

from __future__ import annotations

import base64
import functools
import json
from pathlib import Path
from typing import Any

import pytest

from analyzer.frontends.graphical import extract_graphical
from analyzer.frontends.graphical_model import GraphRunbookModel, load_model
from analyzer.frontends.nrbf import NObject, read_stream
from tests.conftest import samples_missing
from tests.graphical.builder import (
    ActivityOutput,
    AutomationVariable,
    Code,
    Command,
    Constant,
    Expression,
    Junction,
    Link,
    Parameter,
    Runbook,
    RunbookParameter,
    payload,
)
from tests.graphical.facts_view import match_lists

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "graphrunbook"
pytestmark = pytest.mark.samples


def _labels() -> list[dict[str, Any]]:
    if not (SAMPLES / "expected.json").is_file():
        return []
    return json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))["files"]


LABELS = _labels()


def _need_samples() -> None:
    if not LABELS:
        pytest.skip(samples_missing("graphrunbook"))


_SUPPLIED_BY = {
    "Constant": "constant",
    "RunbookParameter": "runbook-parameter",
    "ActivityOutput": "activity-output",
    "PowerShellExpression": "powershell-expression",
    "NullConstant": "constant",
    "EmptyStringConstant": "constant",
}


def _as_label(ref: Any, model: GraphRunbookModel) -> dict[str, Any]:
    """A reference in the sample labels' vocabulary."""
    activity = ref.logical.activity if ref.logical else None
    parameter_name = ref.logical.parameter if ref.logical else None
    declared = {p.name.lower(): p for p in model.parameters}
    if ref.callee.endswith("ValueDescriptor"):
        return {
            "kind": ref.kind,
            "cmdlet": None,
            "name": ref.name.literal,
            "supplied_by": "automation-asset-descriptor",
            "activity_name": activity,
            "bound_to_parameter": parameter_name,
            "parameter": None,
            "parameter_default": None,
        }
    descriptor = None
    for candidate in model.activities:
        if candidate.name == activity:
            descriptor = dict(candidate.parameters).get(parameter_name or "")
    label = {
        "kind": ref.kind,
        "cmdlet": ref.callee,
        "name": ref.name.literal if ref.name else None,
        "supplied_by": _SUPPLIED_BY.get(descriptor.kind, descriptor.kind) if descriptor else None,
        "activity_name": activity,
        "bound_to_parameter": None,
        "parameter": None,
        "parameter_default": None,
    }
    if descriptor is not None and descriptor.kind == "RunbookParameter":
        label["parameter"] = descriptor.parameter
        label["parameter_declared"] = (descriptor.parameter or "").lower() in declared
        label["parameter_default"] = ref.name.resolved if ref.name else None
    return label


def _expected_label(item: dict[str, Any]) -> dict[str, Any]:
    out = {
        key: item[key]
        for key in ("kind", "cmdlet", "name", "supplied_by", "activity_name", "parameter_declared")
        if key in item
    }
    # Absent keys mean "none": no parameter, no default, not bound to a parameter.
    for key in ("parameter", "parameter_default", "bound_to_parameter"):
        out[key] = item.get(key)
    return out


@pytest.mark.parametrize("entry", LABELS or [None], ids=lambda e: e["file"][:60] if e else "none")
def test_sample_references(entry: dict[str, Any] | None) -> None:
    _need_samples()
    assert entry is not None
    data = (SAMPLES / entry["file"]).read_bytes()
    facts = extract_graphical(entry["file"], data)
    model = load_model(data)
    assert model.schema_version == entry["schema_version"]
    assert model.runbook_type == entry["runbook_type"]
    expected = [_expected_label(item) for item in entry["references"]]
    actual = [_as_label(ref, model) for ref in facts.refs]
    errors = match_lists("reference", expected, actual)
    assert not errors, "\n".join(errors)
    expected_calls = entry.get("calls", [])
    assert [c.child.literal for c in facts.calls] == [c["name"] for c in expected_calls]
    assert all(p.code != "RB906" for p in facts.problems)
    assert facts.runbook is not None
    assert facts.runbook.kind == (
        "graphical-workflow" if entry["runbook_type"] == "GraphPowerShellWorkflow" else "graphical"
    )


def test_every_sample_is_labelled() -> None:
    _need_samples()
    files = {p.name for p in SAMPLES.glob("*.graphrunbook")}
    assert files == {entry["file"] for entry in LABELS}


# ------------------------------------------------------------- builder vs real
def _class_layouts(data: bytes) -> dict[str, set[tuple[str, ...]]]:
    """Class name → member-name tuples of every class record reachable from the root."""
    out: dict[str, set[tuple[str, ...]]] = {}
    seen: set[int] = set()
    stack = [read_stream(data).root]
    while stack:
        value = stack.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, NObject):
            name = value.class_name.split(",", 1)[0].split("[", 1)[0]
            out.setdefault(name, set()).add(tuple(value.members))
            stack.extend(value.members.values())
        elif isinstance(value, list):
            stack.extend(value)
    return out


@functools.cache
def _real_layouts() -> dict[str, dict[str, set[tuple[str, ...]]]]:
    by_schema: dict[str, dict[str, set[tuple[str, ...]]]] = {}
    for entry in LABELS:
        document = json.loads((SAMPLES / entry["file"]).read_bytes())
        layouts = _class_layouts(base64.b64decode(document["RunbookDefinition"]))
        target = by_schema.setdefault(document["SchemaVersion"], {})
        for name, members in layouts.items():
            target.setdefault(name, set()).update(members)
    return by_schema


def _typical_runbook() -> Runbook:
    return Runbook(
        parameters=[Parameter("SubscriptionID", default="x")],
        activities=[
            Command(
                "Get Conn",
                "Get-AutomationConnection",
                "",
                {"Name": Constant("AzureRunAsConnection")},
            ),
            Command(
                "Login",
                "Add-AzureRmAccount",
                "AzureRM.Profile",
                {
                    "ApplicationId": ActivityOutput("Get Conn", ("ApplicationId",)),
                    "SubscriptionId": RunbookParameter("SubscriptionID"),
                    "Tenant": Expression("'t'"),
                    "ResourceGroupName": AutomationVariable("Resource-Group"),
                },
            ),
            Command("Empty", "Get-Date", "Microsoft.PowerShell.Utility"),
            Code("Handle Error", process="throw $error"),
            Junction("Join"),
        ],
        links=[
            Link("Get Conn", "Login", condition="$true"),
            Link("Login", "Handle Error", stream="Error"),
        ],
        output_types=["System.String"],
    )


@pytest.mark.parametrize("schema", ["1.0", "1.2", "1.7", "1.9", "1.10"])
def test_builder_layout_matches_real_exports(schema: str) -> None:
    """Every class the builder writes that also occurs in a real export of the same schema
    has exactly the member names of one of the real layouts."""
    _need_samples()
    real = _real_layouts()[schema]
    mine = _class_layouts(payload(_typical_runbook(), schema))
    compared = 0
    for name, layouts in mine.items():
        if name not in real:
            continue
        compared += 1
        for members in layouts:
            if name.endswith("Dictionary`2") and (*members, "KeyValuePairs") in real[name]:
                continue  # an empty dictionary (documented; not in every schema's samples)
            assert members in real[name], f"{name}: {members} not among {real[name]}"
    assert compared >= 12
