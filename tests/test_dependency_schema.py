"""The published JSON Schema of the dependency report (analyzer/data/
dependency-report.schema.json, DESIGN §4): the demo's and the graph fixture's reports and
their query subgraphs validate, a renamed or mistyped key does not, and the schema's
vocabularies are the model's."""

from __future__ import annotations

import copy
import json
import os
import typing
from importlib import resources
from pathlib import Path

import pytest

from analyzer.api import build_workspace
from analyzer.config import Config
from analyzer.graph import queries
from analyzer.model import facts
from analyzer.reporters.dependency import REPORT_VERSION, dependency_report
from tests.conftest import ROOT

jsonschema = pytest.importorskip(
    "jsonschema", reason="jsonschema is a dev dependency: pip install -e '.[dev]'"
)

WORKSPACES = {
    "demo": ("fixtures/demo", "fixtures/demo/infra"),
    "graph-fixture": ("fixtures/graph/workspace", "fixtures/graph/workspace/inventory"),
    "graph-fixture-no-inventory": ("fixtures/graph/workspace", None),
}


def _schema() -> dict:
    text = resources.files("analyzer.data").joinpath("dependency-report.schema.json")
    return json.loads(text.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = _schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _report(name: str) -> dict:
    paths, inventory = WORKSPACES[name]
    old = Path.cwd()
    os.chdir(ROOT)
    try:
        config = Config().with_overrides(inventory=(inventory,) if inventory else ())
        return dependency_report(build_workspace([paths], config))
    finally:
        os.chdir(old)


def _errors(validator: jsonschema.protocols.Validator, document: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


@pytest.mark.parametrize("name", sorted(WORKSPACES))
def test_report_validates(name: str, validator: jsonschema.protocols.Validator) -> None:
    report = _report(name)
    assert report["runbooks"] and report["references"]
    assert _errors(validator, report) == []


def test_query_subgraphs_validate(validator: jsonschema.protocols.Validator) -> None:
    report = _report("graph-fixture")
    graph = queries.report_graph(report)
    for nodes in (
        queries.unused(graph),
        [n for cycle in queries.cycles(graph) for n in cycle],
        ["runbook/Send-Report", *queries.uses(graph, "runbook/Send-Report")],
        [],
    ):
        assert _errors(validator, queries.subgraph(report, nodes)) == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda r: r["runbooks"][0].update(name=None), "runbooks/0/name"),
        (lambda r: r["runbooks"][0].pop("path"), "runbooks/0"),
        (lambda r: r["references"][0].update(kind="queue"), "references/0/kind"),
        (lambda r: r["references"][0].update(line=0), "references/0/line"),
        (lambda r: r["calls"].append({"path": "x"}), "calls/"),
        (lambda r: r["graph"]["edges"][0].update(relation="owns"), "graph/edges/0/relation"),
        (lambda r: r.update(version=2), "version"),
        (lambda r: r.update(assets=r.pop("assets") and None), "assets"),
    ],
)
def test_schema_rejects_a_broken_report(
    change: typing.Callable[[dict], object], where: str, validator: jsonschema.protocols.Validator
) -> None:
    report = copy.deepcopy(_report("demo"))
    change(report)
    errors = _errors(validator, report)
    assert errors, "the schema accepted a broken report"
    assert any(e.startswith(where) for e in errors), errors


def test_added_keys_stay_valid(validator: jsonschema.protocols.Validator) -> None:
    """Add keys, never rename: a newer report with more keys still validates."""
    report = copy.deepcopy(_report("demo"))
    report["something_new"] = {"a": 1}
    report["runbooks"][0]["extra"] = True
    report["findings"] = []
    assert _errors(validator, report) == []


def test_schema_vocabularies_are_the_models() -> None:
    schema = _schema()
    defs = schema["$defs"]
    assert schema["properties"]["version"] == {"const": REPORT_VERSION}
    assert tuple(defs["runbookKind"]["enum"]) == facts.RUNBOOK_KINDS
    assert tuple(defs["assetKind"]["enum"]) == typing.get_args(facts.AssetKind)
    operation = schema["properties"]["references"]["items"]["properties"]["operation"]
    assert tuple(operation["enum"]) == typing.get_args(facts.Operation)
