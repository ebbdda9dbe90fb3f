"""The analyzer against ``fixtures/graphical/*.graphrunbook`` and their hand-written
``X.expected.json`` (see fixtures/graphical/README.md).

Fixtures listed in ``KNOWN_TOOL_BUGS`` hold expectations the analyzer does not meet yet;
they are strict xfails, so fixing the bug turns them into failures until the entry is
removed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from analyzer.discovery import SourceFile
from analyzer.frontends import analyze_source
from analyzer.frontends.graphical import extract_graphical
from analyzer.frontends.graphical_model import GraphRunbookError
from tests.graphical.facts_view import compare, problems_match, view
from tests.graphical.make_fixtures import (
    FOLDER,
    RULES_FOLDER,
    all_fixtures,
    expected_text,
    rule_fixtures,
)

FIXTURES = sorted(p.stem for p in FOLDER.glob("*.graphrunbook"))

#: Fixture name -> reason, for expectations the analyzer does not meet yet (none today).
KNOWN_TOOL_BUGS: dict[str, str] = {}


def _params(names: list[str]) -> list[Any]:
    return [
        pytest.param(
            name,
            marks=pytest.mark.xfail(strict=True, reason=f"tool bug: {KNOWN_TOOL_BUGS[name]}"),
        )
        if name in KNOWN_TOOL_BUGS
        else name
        for name in names
    ]


def _expected(name: str) -> dict[str, Any]:
    return json.loads((FOLDER / f"{name}.expected.json").read_text(encoding="utf-8"))


def _path(name: str) -> str:
    return f"fixtures/graphical/{name}.graphrunbook"


def test_fixtures_are_generated_and_current() -> None:
    generated = all_fixtures()
    assert sorted(f.name for f in generated) == FIXTURES
    assert len(FIXTURES) >= 40
    for fixture in generated:
        on_disk = FOLDER / f"{fixture.name}.graphrunbook"
        assert on_disk.read_bytes() == fixture.data, (
            f"{on_disk.name} is stale: python -m tests.graphical.make_fixtures"
        )
        assert (FOLDER / f"{fixture.name}.expected.json").read_text(
            encoding="utf-8"
        ) == expected_text(fixture)
    extra = {p.name for p in FOLDER.iterdir()} - {
        f"{name}{suffix}" for name in FIXTURES for suffix in (".graphrunbook", ".expected.json")
    }
    assert extra == {"README.md"}


def test_graphical_rule_fixtures_are_generated_and_current() -> None:
    for relative, data in rule_fixtures().items():
        on_disk = RULES_FOLDER / relative
        assert on_disk.is_file() and on_disk.read_bytes() == data, (
            f"fixtures/rules/{relative} is stale: python -m tests.graphical.make_fixtures"
        )


def test_known_bugs_name_real_fixtures() -> None:
    assert set(KNOWN_TOOL_BUGS) <= set(FIXTURES)


@pytest.mark.parametrize("name", _params(FIXTURES))
def test_extract_graphical(name: str) -> None:
    expected = _expected(name)
    data = (FOLDER / f"{name}.graphrunbook").read_bytes()
    if "error" in expected:
        with pytest.raises(GraphRunbookError) as raised:
            extract_graphical(_path(name), data)
        assert expected["error"]["message_contains"].lower() in str(raised.value).lower()
        return
    facts = extract_graphical(_path(name), data)
    errors = compare(expected, facts)
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("name", _params(FIXTURES))
def test_analyze_source(name: str) -> None:
    """Through the per-file entry point: unreadable files become RB902, never a crash."""
    expected = _expected(name)
    path = FOLDER / f"{name}.graphrunbook"
    facts = analyze_source(SourceFile(_path(name), str(path), "graphical"))
    problems = view(facts)["problems"]
    assert all(p["code"] != "RB906" for p in problems), problems
    if "error" in expected:
        assert facts.runbook is None
        assert facts.refs == [] and facts.calls == []
        errors = problems_match([expected["error"]], problems)
    else:
        errors = compare(expected, facts)
    assert not errors, "\n".join(errors)


def test_fixture_folder_is_documented() -> None:
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    for name in KNOWN_TOOL_BUGS:
        assert name in readme
    assert "make_fixtures" in readme


def test_paths_are_relative_to_the_repository() -> None:
    assert Path(__file__).resolve().parents[2] / "fixtures" / "graphical" == FOLDER
