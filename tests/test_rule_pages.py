"""docs/rules/<CODE>.md are generated from the rule docstrings; SARIF's helpUri points at
them, so they must exist for every built-in rule and match what the generator writes."""

from __future__ import annotations

import sys

from analyzer import PROJECT_URL
from analyzer.engine.docs import RULE_PAGES, help_uri, rule_pages, write_rule_pages
from analyzer.engine.registry import load_rule_directory, load_rules
from tests.conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PAGES = ROOT / RULE_PAGES
REGENERATE = f"run `python -m analyzer.engine.docs --write {RULE_PAGES}` and review the diff"


def test_rule_pages_are_up_to_date() -> None:
    expected = rule_pages(load_rules())
    present = {path.name: path.read_text(encoding="utf-8") for path in PAGES.glob("*.md")}
    missing = sorted(set(expected) - set(present))
    stale = sorted(name for name in expected if name in present and present[name] != expected[name])
    orphans = sorted(set(present) - set(expected))
    assert not (missing or stale or orphans), (
        f"{RULE_PAGES} is out of date (missing {missing}, stale {stale}, "
        f"without a rule {orphans}): {REGENERATE}"
    )


def test_page_shows_metadata_and_documentation_without_test_markers() -> None:
    rule = next(r for r in load_rules() if r.code == "RB101")
    page = rule_pages([rule])["RB101.md"]
    assert page.startswith("# RB101 `dynamic-asset-name`\n")
    assert "| warning | all |" in page
    assert "## Why is this bad?" in page
    assert "# expect:" not in page


def test_writer_rewrites_stale_pages_and_removes_orphans(tmp_path) -> None:
    rules = [r for r in load_rules() if r.code in {"RB101", "RB102"}]
    (tmp_path / "RB999.md").write_text("old rule\n", encoding="utf-8")
    (tmp_path / "RB101.md").write_text("stale\n", encoding="utf-8")
    changed = write_rule_pages(tmp_path, rules)
    assert sorted(changed) == ["RB101.md", "RB102.md", "RB999.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["RB101.md", "RB102.md"]
    assert write_rule_pages(tmp_path, rules) == []


def test_help_uri_points_at_the_page_and_custom_rules_have_none(tmp_path) -> None:
    rule = next(r for r in load_rules() if r.code == "RB303")
    assert help_uri(rule) == f"{PROJECT_URL}/blob/main/docs/rules/RB303.md"
    custom = tmp_path / "acme.py"
    custom.write_text(
        "from analyzer.engine.rule import Rule\n\n"
        "class Acme(Rule):\n"
        '    """Acme rule."""\n'
        '    code = "ACME001"\n'
        '    name = "acme-rule"\n',
        encoding="utf-8",
    )
    (loaded,) = load_rule_directory(tmp_path)
    assert help_uri(loaded) is None
    assert "ACME001.md" not in rule_pages([loaded])


def test_project_urls_match_the_constant() -> None:
    """pyproject.toml cannot import the package, so the one constant is checked here."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["urls"]["Homepage"] == PROJECT_URL
    assert project["urls"]["Documentation"].startswith(PROJECT_URL + "/")
