"""Per-rule fixtures with golden output (style.md, "Tests").

Layout, one folder per rule named after the rule's kebab-case name::

    fixtures/rules/<rule-name>/bad_<case>.ps1|.psm1|.py   + bad_<case>.expected
                                                           + bad_<case>.expected.json
    fixtures/rules/<rule-name>/ok_<case>.ps1|.psm1|.py    no golden: must be clean
    fixtures/rules/<rule-name>/bad_<case>/                several files analysed as one
                       .../bad_<case>/expected, expected.json   workspace, goldens inside
    fixtures/rules/<rule-name>/ok_<case>/                 must be clean

The goldens are what a user sees, rendered by the reporters the CLI uses: the text report
(location, code, name, message, severity, the source line with its caret, notes, help
and the summary line) and the JSON report. A change of severity, help, caret or related
location therefore shows up as a golden diff, not only a change of message. Findings
keep the engine's order, so the order is checked too.

Each entry is analysed on its own with only its folder's rule selected, from a working
directory that makes reported paths short: a file entry from its folder, a directory
entry from inside the directory (with ``--inventory inventory`` when it has one). The
JSON golden leaves out the ``tool`` member (name and version), so that a release does
not rewrite every golden. ``pytest --update-goldens`` rewrites the goldens of every
``bad_*`` entry; review the diff before committing it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.api import AnalysisResult, analyze
from analyzer.config import Config
from analyzer.discovery import SOURCE_SUFFIXES
from analyzer.engine.registry import load_rules
from analyzer.reporters import renderer
from tests.conftest import FIXTURES

RULE_FIXTURES = FIXTURES / "rules"
RULES = load_rules()
RULES_BY_NAME = {rule.name: rule for rule in RULES}
#: Rules that cannot have fixtures: RB906 fires only on analyzer bugs.
WITHOUT_FIXTURES = {"RB906"}
TEXT_SUFFIX = ".expected"
JSON_SUFFIX = ".expected.json"
DIRECTORY_TEXT = "expected"
DIRECTORY_JSON = "expected.json"
#: Longest message a built-in rule may print; detail belongs in the help line.
MAX_MESSAGE = 160


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


def _goldens(entry: Path) -> tuple[Path, Path]:
    """The text and the JSON golden of a ``bad_*`` entry."""
    if entry.is_dir():
        return entry / DIRECTORY_TEXT, entry / DIRECTORY_JSON
    stem = entry.with_suffix("")
    return stem.with_name(stem.name + TEXT_SUFFIX), stem.with_name(stem.name + JSON_SUFFIX)


def _is_golden(path: Path) -> bool:
    return path.name.endswith((TEXT_SUFFIX, JSON_SUFFIX))


CASES = [
    pytest.param(folder, entry, id=f"{folder.name}/{entry.name}")
    for folder in _folders()
    for entry in _entries(folder)
]


def _analyze(entry: Path, code: str, monkeypatch: pytest.MonkeyPatch) -> AnalysisResult:
    """Analyse one entry with only ``code`` selected, from where paths read short."""
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
    return result


def _render(result: AnalysisResult) -> tuple[str, str]:
    """The text and JSON reports exactly as ``check`` prints them (JSON without ``tool``)."""
    text = renderer("text")(result, result.diagnostics, show_source=True)
    document = json.loads(renderer("json")(result, result.diagnostics, show_source=True))
    document.pop("tool", None)
    return text, json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _rule_for(folder: Path) -> str:
    rule = RULES_BY_NAME.get(folder.name)
    assert rule is not None, f"fixtures/rules/{folder.name}: no rule has this name"
    return rule.code


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


@pytest.mark.parametrize(("folder", "entry"), CASES)
def test_rule_fixture(folder: Path, entry: Path, monkeypatch, update_goldens: bool) -> None:
    code = _rule_for(folder)
    result = _analyze(entry, code, monkeypatch)
    text_golden, json_golden = _goldens(entry)
    if entry.name.startswith("ok_"):
        for golden in (text_golden, json_golden):
            assert not golden.exists(), f"{golden.name}: ok_ entries have no golden, they are clean"
        found = [f"{d.path}:{d.span.line if d.span else 0} {d.code}" for d in result.diagnostics]
        assert found == [], f"{entry.name} must be clean for {code}"
        return
    assert result.diagnostics, f"{entry.name} must produce at least one {code} finding"
    text, document = _render(result)
    if update_goldens:
        _write(text_golden, text)
        _write(json_golden, document)
    for golden in (text_golden, json_golden):
        assert golden.is_file(), f"{golden} is missing; run pytest --update-goldens and review it"
    assert text == text_golden.read_text(encoding="utf-8")
    assert document == json_golden.read_text(encoding="utf-8")


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
    goldens = {g for e in entries if e.name.startswith("bad_") for g in _goldens(e)}
    orphans = sorted(p.name for p in folder.iterdir() if _is_golden(p) and p not in goldens)
    assert not orphans, f"goldens without a bad_* entry: {orphans}"
    leftovers = sorted(
        p.name
        for p in folder.iterdir()
        if not p.name.startswith(".") and p not in entries and not _is_golden(p)
    )
    assert not leftovers, f"neither bad_*, ok_* nor goldens (a typo?): {leftovers}"


def _golden_messages() -> dict[str, list[tuple[str, str]]]:
    """Rule code -> (golden, message) of every finding recorded in a JSON rule golden."""
    out: dict[str, list[tuple[str, str]]] = {}
    for golden in sorted(RULE_FIXTURES.rglob("*.json")):
        if not _is_golden(golden) and golden.name != DIRECTORY_JSON:
            continue
        document = json.loads(golden.read_text(encoding="utf-8"))
        relative = golden.relative_to(RULE_FIXTURES).as_posix()
        for d in document["diagnostics"]:
            out.setdefault(d["code"], []).append((relative, d["message"]))
    return out


GOLDEN_MESSAGES = _golden_messages()
#: Messages known to be too long, each to be shortened by the rule's owner (issue 7,
#: item 12); strict, so the mark must go once the message fits.
LONG_MESSAGES: set[str] = set()


@pytest.mark.parametrize(
    "code",
    [
        pytest.param(
            rule.code,
            marks=pytest.mark.xfail(
                strict=True, reason=f"{rule.code} message over {MAX_MESSAGE} characters"
            ),
        )
        if rule.code in LONG_MESSAGES
        else rule.code
        for rule in RULES
        if rule.code not in WITHOUT_FIXTURES
    ],
)
def test_golden_messages_are_short(code: str) -> None:
    """A message is one line a reviewer reads in a CI log; the detail goes in help."""
    messages = GOLDEN_MESSAGES.get(code, [])
    assert messages, f"{code}: no finding in any JSON rule golden"
    long = [
        f"{golden} ({len(message)} characters): {message}"
        for golden, message in messages
        if len(message) > MAX_MESSAGE
    ]
    assert not long, f"{code} messages over {MAX_MESSAGE} characters:\n" + "\n".join(long)
