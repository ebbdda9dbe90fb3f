"""Extraction judged against hand labels (fixtures/extraction/*/X.labels.json).

Each folder is analysed as one workspace (bare workflow calls need their siblings), and
the ``graph --format json`` references and calls of every file must equal its labels
exactly: every lookup found, nothing extra, literal names exact, constants resolved.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from analyzer.api import build_workspace
from analyzer.config import Config
from analyzer.reporters.dependency import dependency_report
from tests.conftest import FIXTURES

CORPORA = ("powershell", "python", "realworld")


def _labelled_files(corpus: str) -> list[Path]:
    folder = FIXTURES / "extraction" / corpus
    return sorted(p for p in folder.iterdir() if p.suffix in (".ps1", ".psm1", ".py"))


@pytest.fixture(scope="module", params=CORPORA)
def corpus(request: pytest.FixtureRequest) -> tuple[str, dict, dict]:
    folder = FIXTURES / "extraction" / request.param
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        workspace = build_workspace(["."], Config(jobs=1))
    finally:
        os.chdir(cwd)
    report = dependency_report(workspace)
    facts = {f.path: f for f in workspace.files}
    return request.param, report, facts


def _reference_tuple(item: dict) -> tuple:
    return (
        item["line"],
        item["kind"],
        item["operation"],
        item["callee"],
        item["name"],
        item["dynamic"],
        item["expression"],
        item["resolved"],
    )


def _call_tuple(item: dict) -> tuple:
    return (item["line"], item["callee"], item["child"], item["dynamic"])


def test_every_source_has_labels() -> None:
    for corpus in CORPORA:
        for source in _labelled_files(corpus):
            assert source.with_suffix(".labels.json").exists(), f"{source} has no labels"


@pytest.mark.parametrize("corpus_name", CORPORA)
def test_corpus_is_not_trivial(corpus_name: str) -> None:
    assert len(_labelled_files(corpus_name)) >= 20


def _check_file(source: Path, report: dict, facts: dict) -> list[str]:
    labels = json.loads(source.with_suffix(".labels.json").read_text(encoding="utf-8"))
    path = source.name
    problems: list[str] = []
    expected_refs = sorted(_reference_tuple(r) for r in labels.get("references", []))
    actual_refs = sorted(_reference_tuple(r) for r in report["references"] if r["path"] == path)
    for missing in sorted(set(expected_refs) - set(actual_refs)):
        problems.append(f"{path}: missing reference {missing}")
    for extra in sorted(set(actual_refs) - set(expected_refs)):
        problems.append(f"{path}: unexpected reference {extra}")
    if len(expected_refs) != len(actual_refs) and set(expected_refs) == set(actual_refs):
        problems.append(f"{path}: reference counts differ {expected_refs} != {actual_refs}")
    expected_calls = sorted(_call_tuple(c) for c in labels.get("calls", []))
    actual_calls = sorted(_call_tuple(c) for c in report["calls"] if c["path"] == path)
    for missing in sorted(set(expected_calls) - set(actual_calls)):
        problems.append(f"{path}: missing call {missing}")
    for extra in sorted(set(actual_calls) - set(expected_calls)):
        problems.append(f"{path}: unexpected call {extra}")
    file = facts[path]
    expected_kind = labels.get("kind")
    if expected_kind and file.runbook.kind != expected_kind:
        problems.append(f"{path}: kind {file.runbook.kind} != {expected_kind}")
    if "fields" in labels:
        expected_fields = sorted((f["line"], f["field"]) for f in labels["fields"])
        actual_fields = sorted((u.span.line, u.field) for u in file.field_uses)
        if expected_fields != actual_fields:
            problems.append(f"{path}: fields {actual_fields} != {expected_fields}")
    expected_unimported = sorted(
        r["line"] for r in labels.get("references", []) if r.get("unimported")
    )
    actual_unimported = sorted(r.span.line for r in file.refs if "unimported" in r.tags)
    if expected_unimported != actual_unimported:
        problems.append(f"{path}: unimported {actual_unimported} != {expected_unimported}")
    return problems


def test_extraction_matches_labels(corpus: tuple[str, dict, dict]) -> None:
    name, report, facts = corpus
    problems: list[str] = []
    for source in _labelled_files(name):
        problems.extend(_check_file(source, report, facts))
    assert not problems, "\n".join(problems)
