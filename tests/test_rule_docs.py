"""Rule documentation is complete and its examples are true.

Every rule's docstring has the fixed sections; every runnable example is analysed with
only that rule enabled and must be reported exactly on its ``# expect:`` lines; "Use
instead" blocks must be clean. The README's rule table must equal the generated one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analyzer.api import analyze
from analyzer.config import Config
from analyzer.engine.docs import REQUIRED_SECTIONS, examples, rules_table, sections
from analyzer.engine.registry import load_rules
from tests.conftest import ROOT

RULES = load_rules()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_docstring_has_sections(rule) -> None:
    found = sections(rule)
    assert found[""], f"{rule.code} has no summary line"
    for section in REQUIRED_SECTIONS:
        assert found.get(section), f"{rule.code} lacks section {section!r}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_has_runnable_examples(rule) -> None:
    runnable = [e for e in examples(rule) if e.runnable]
    if rule.examples_not_runnable:
        assert not runnable
        return
    sections_with_code = {e.section for e in runnable}
    assert sections_with_code == {"Example", "Use instead"}, rule.code
    assert any(f.expected for e in runnable if e.section == "Example" for f in e.files)


def _run_example(rule, example, tmp_path: Path) -> set[tuple[str, int]]:
    """Write the example's files and analyse them; files under ``inventory/`` are the
    inventory (as ``--inventory inventory``)."""
    for file in example.files:
        target = tmp_path / file.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(file.text, encoding="utf-8")
    inventory = ("inventory",) if (tmp_path / "inventory").is_dir() else ()
    sources = [f.name for f in example.files if not f.name.startswith("inventory/")]
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = analyze(sources, Config(select=(rule.code,), jobs=1, inventory=inventory))
    finally:
        os.chdir(cwd)
    return {(d.path, d.span.line if d.span else 0) for d in result.diagnostics}


CASES = [
    pytest.param(rule, example, id=f"{rule.code}-{example.section.replace(' ', '_')}-{i}")
    for rule in RULES
    for i, example in enumerate(examples(rule))
    if example.runnable
]


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_examples_report_exactly_the_marked_lines(rule, example, tmp_path: Path) -> None:
    expected = {
        (file.name, line)
        for file in example.files
        for line, code in file.expected
        if code == rule.code
    }
    if example.section == "Use instead":
        assert not expected, "Use instead blocks must not carry expect markers"
    assert _run_example(rule, example, tmp_path) == expected


def test_readme_rule_table_is_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- rules-table:start -->") + len("<!-- rules-table:start -->\n")
    end = readme.index("<!-- rules-table:end -->")
    assert readme[start:end] == rules_table(RULES), (
        "README rule table is stale: regenerate it with `runbook-analyzer rules --format markdown`"
    )
