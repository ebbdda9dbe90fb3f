"""The inventory rules on one cause: one finding per cause, and no two rules that give
contradicting advice about the same lookup or declaration (issue 7, item 3).

The per-rule fixtures run one rule at a time, so they cannot show two rules disagreeing;
these tests run the inventory rules together on the same fixtures.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from analyzer.api import analyze
from analyzer.config import Config
from analyzer.model.diagnostic import Diagnostic
from tests.conftest import FIXTURES

RULES = FIXTURES / "rules"
INVENTORY_RULES = ("RB102", "RB105", "RB106", "RB107", "RB203", "RB301", "RB302", "RB304")
#: Scenario folders (with an inventory/) of the rules that report once per cause.
SCENARIOS = sorted(
    path
    for folder in (
        "missing-asset",
        "asset-name-case-mismatch",
        "unknown-connection-field",
        "unknown-connection-type",
        "missing-connection-field",
        "duplicate-asset",
        "unused-asset",
    )
    for path in (RULES / folder).iterdir()
    if path.is_dir() and (path / "inventory").is_dir()
)
_QUOTED = re.compile(r'"([^"]*)"')


def _check(folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[Diagnostic]:
    monkeypatch.chdir(folder)
    result = analyze(["."], Config(select=INVENTORY_RULES, jobs=1, inventory=("inventory",)))
    return result.diagnostics


def _at(diagnostic: Diagnostic) -> tuple[str, int, int]:
    span = diagnostic.span
    return (diagnostic.path, span.line if span else 0, span.column if span else 0)


@pytest.mark.parametrize("folder", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_one_finding_per_asset_and_file(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """RB102 and RB105 name the asset first, RB106 the field and then the connection: a
    second finding of one rule in one file with the same names is a repeated cause.
    Python keys are case-sensitive, so there each spelling of a field is its own cause."""
    causes: Counter[tuple[str, str, tuple[str, ...]]] = Counter()
    for d in _check(folder, monkeypatch):
        if d.code in ("RB102", "RB105", "RB106", "RB203", "RB304"):
            names = _QUOTED.findall(d.message)[: 2 if d.code == "RB106" else 1]
            if d.code != "RB106" or not d.path.endswith(".py"):
                names = [n.casefold() for n in names]
            causes[(d.code, d.path, tuple(names))] += 1
    repeated = [cause for cause, count in causes.items() if count > 1]
    assert not repeated, f"one cause reported more than once: {repeated}"


@pytest.mark.parametrize("folder", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_missing_and_case_mismatch_never_meet(folder: Path, monkeypatch) -> None:
    """A name that differs only in case is found (RB105), so it is never also missing."""
    found = _check(folder, monkeypatch)
    case = {_at(d) for d in found if d.code == "RB105"}
    missing = {_at(d) for d in found if d.code == "RB102"}
    assert not case & missing


def test_case_spellings_are_one_finding_and_not_missing(monkeypatch) -> None:
    found = _check(RULES / "asset-name-case-mismatch" / "bad_repeated_spellings", monkeypatch)
    assert [d.code for d in found if d.code == "RB102"] == []
    spelled = [d for d in found if d.code == "RB105"]
    by_file = Counter((d.path, _QUOTED.findall(d.message)[1]) for d in spelled)
    assert by_file[("runbooks/Send-BackupReport.ps1", "LogAnalyticsWorkspaceId")] == 1
    first = next(
        d for d in spelled if d.path == "runbooks/Send-BackupReport.ps1" and "(3" in d.message
    )
    # the declaration, then the two other spellings; the lookup written as declared is no part
    assert [r.span.line for r in first.related if r.span] == [20, 16, 29]


def test_unused_declaration_names_the_lookup_missing_asset_suggests_it_for(monkeypatch) -> None:
    """RB102 says "did you mean X?"; RB203 on X must not only say "delete it"."""
    found = _check(RULES / "unused-asset" / "bad_declared_twice_and_misspelled", monkeypatch)
    suggested = {
        _QUOTED.findall(d.message)[1]: _at(d)
        for d in found
        if d.code == "RB102" and "did you mean" in d.message
    }
    assert suggested, "the fixture has a misspelled lookup"
    for name, (path, line, column) in suggested.items():
        unused = [d for d in found if d.code == "RB203" and f'"{name}"' in d.message]
        assert len(unused) == 1
        assert "may mean it" in unused[0].message
        assert "fix the name" in (unused[0].help or "")
        places = {(r.path, r.span.line, r.span.column) for r in unused[0].related if r.span}
        assert (path, line, column) in places


def test_missing_run_as_asset_advises_what_run_as_account_advises(monkeypatch) -> None:
    """RB107 says to move to the managed identity; RB102 on the same lookup must not say
    to declare the retired connection again."""
    found = _check(RULES / "missing-asset" / "bad_repeated_lookups", monkeypatch)
    retired = {_at(d): d for d in found if d.code == "RB107"}
    missing = [d for d in found if d.code == "RB102" and _at(d) in retired]
    assert missing, "the fixture looks up AzureRunAsConnection"
    for d in missing:
        assert "managed identity" in (d.help or "")
        assert "declare the" not in (d.help or "")
        # both rules count the same lookups
        assert len(d.related) == len(retired[_at(d)].related)
