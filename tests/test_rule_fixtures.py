"""Per-rule fixtures with golden output (style.md, "Tests").

Layout, one folder per rule named after the rule's kebab-case name::

    fixtures/rules/<rule-name>/bad_<case>.ps1|.psm1|.py   + bad_<case>.expected
    fixtures/rules/<rule-name>/ok_<case>.ps1|.psm1|.py    no golden: must be clean
    fixtures/rules/<rule-name>/bad_<case>/                several files analysed as one
                                     .../bad_<case>/expected   workspace, golden inside
    fixtures/rules/<rule-name>/ok_<case>/                 must be clean

Each entry is analysed on its own with only its folder's rule selected, from a working
directory that makes reported paths short: a file entry is analysed from its folder and
its golden lines read ``LINE:COLUMN CODE message``; a directory entry is analysed from
inside the directory and its golden lines read ``path:LINE:COLUMN CODE message``. Lines
are sorted by path, line, column, code and message. ``pytest --update-goldens`` rewrites
the golden of every ``bad_*`` entry; review the diff before committing it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.api import analyze
from analyzer.config import Config
from analyzer.discovery import SOURCE_SUFFIXES
from analyzer.engine.registry import load_rules
from analyzer.model.diagnostic import Diagnostic
from tests.conftest import FIXTURES

RULE_FIXTURES = FIXTURES / "rules"
RULES = load_rules()
RULES_BY_NAME = {rule.name: rule for rule in RULES}
#: Rules that cannot have fixtures: RB906 fires only on analyzer bugs.
WITHOUT_FIXTURES = {"RB906"}
GOLDEN_SUFFIX = ".expected"
DIRECTORY_GOLDEN = "expected"


def _is_entry(path: Path) -> bool:
    if not path.name.startswith(("bad_", "ok_")):
        return False
    return path.is_dir() or path.suffix.lower() in SOURCE_SUFFIXES


def _entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if _is_entry(p))


def _folders() -> list[Path]:
    if not RULE_FIXTURES.is_dir():
        return []
    return sorted(p for p in RULE_FIXTURES.iterdir() if p.is_dir())


def _golden_path(entry: Path) -> Path:
    if entry.is_dir():
        return entry / DIRECTORY_GOLDEN
    return entry.with_suffix(GOLDEN_SUFFIX)


CASES = [
    pytest.param(folder, entry, id=f"{folder.name}/{entry.name}")
    for folder in _folders()
    for entry in _entries(folder)
]


def _sort_key(diagnostic: Diagnostic) -> tuple:
    span = diagnostic.span
    return (
        diagnostic.path,
        span.line if span else 0,
        span.column if span else 0,
        diagnostic.code,
        diagnostic.message,
    )


def _format(diagnostic: Diagnostic, with_path: bool) -> str:
    span = diagnostic.span
    position = f"{span.line}:{span.column}" if span else "0:0"
    if diagnostic.logical is not None:
        position += f"[{diagnostic.logical.activity}]"
    where = f"{diagnostic.path}:{position}" if with_path else position
    return f"{where} {diagnostic.code} {diagnostic.message}"


def _run(entry: Path, code: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Analyse one entry with only ``code`` selected; findings as golden lines."""
    if entry.is_dir():
        monkeypatch.chdir(entry)
        target = "."
    else:
        monkeypatch.chdir(entry.parent)
        target = entry.name
    # A scenario folder with an inventory/ subfolder is checked against that inventory.
    inventory = ("inventory",) if entry.is_dir() and (entry / "inventory").is_dir() else ()
    result = analyze([target], Config(select=(code,), jobs=1, inventory=inventory))
    crashed = [
        f"{file.path}: {problem.message}"
        for file in result.files
        for problem in file.problems
        if problem.code == "RB906"
    ]
    assert not crashed, f"a frontend crashed on the fixture: {crashed}"
    if not entry.is_dir():
        stray = {d.path for d in result.diagnostics} - {entry.name}
        assert not stray, f"findings outside the fixture file: {stray}"
    return [_format(d, entry.is_dir()) for d in sorted(result.diagnostics, key=_sort_key)]


def _rule_for(folder: Path) -> str:
    rule = RULES_BY_NAME.get(folder.name)
    assert rule is not None, f"fixtures/rules/{folder.name}: no rule has this name"
    return rule.code


@pytest.mark.parametrize(("folder", "entry"), CASES)
def test_rule_fixture(folder: Path, entry: Path, monkeypatch, update_goldens: bool) -> None:
    code = _rule_for(folder)
    found = _run(entry, code, monkeypatch)
    golden = _golden_path(entry)
    if entry.name.startswith("ok_"):
        assert not golden.exists(), f"{golden.name}: ok_ entries have no golden, they are clean"
        assert found == [], f"{entry.name} must be clean for {code}"
        return
    assert found, f"{entry.name} must produce at least one {code} finding"
    if update_goldens:
        golden.write_text("".join(f"{line}\n" for line in found), encoding="utf-8", newline="\n")
    assert golden.is_file(), f"{golden} is missing; run pytest --update-goldens and review it"
    expected = golden.read_text(encoding="utf-8").splitlines()
    assert found == expected


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rule_has_bad_and_ok_fixtures(rule) -> None:
    if rule.code in WITHOUT_FIXTURES:
        return
    folder = RULE_FIXTURES / rule.name
    assert folder.is_dir(), f"fixtures/rules/{rule.name}/ is missing for {rule.code}"
    names = [entry.name for entry in _entries(folder)]
    assert any(n.startswith("bad_") for n in names), f"{rule.code}: no bad_* fixture"
    assert any(n.startswith("ok_") for n in names), f"{rule.code}: no ok_* fixture"


@pytest.mark.parametrize("folder", _folders(), ids=lambda p: p.name)
def test_fixture_folder_is_well_formed(folder: Path) -> None:
    _rule_for(folder)
    entries = _entries(folder)
    goldens = {_golden_path(e) for e in entries if e.name.startswith("bad_")}
    orphans = sorted(p.name for p in folder.glob(f"*{GOLDEN_SUFFIX}") if p not in goldens)
    assert not orphans, f"goldens without a bad_* entry: {orphans}"
    leftovers = sorted(
        p.name
        for p in folder.iterdir()
        if not p.name.startswith(".") and p not in entries and p.suffix != GOLDEN_SUFFIX
    )
    assert not leftovers, f"neither bad_*, ok_* nor goldens (a typo?): {leftovers}"
