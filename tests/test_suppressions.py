"""Inline suppressions: what a comment covers, what it hides, and RB905 for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.api import analyze
from analyzer.config import Config
from tests.test_cli import invoke

DYNAMIC = "Get-AutomationConnection -Name $Name"


def findings(tmp_path: Path, name: str, text: str, **config: object) -> list[tuple[int, str]]:
    """(line, code) of every finding shown for one file."""
    (tmp_path / name).write_text(text, encoding="utf-8")
    options: dict = {"jobs": 1, **config}
    result = analyze([str(tmp_path / name)], Config(**options))
    return [(d.span.line if d.span else 0, d.code) for d in result.diagnostics]


def test_a_comment_on_its_own_line_hides_the_next_line(tmp_path: Path) -> None:
    text = (
        "param([string]$Name)\n"
        "# runbook-analyzer: ignore[RB101] the caller picks the connection\n"
        f"$a = {DYNAMIC}\n"
        f"$b = Get-AutomationVariable -Name $Name\n"
    )
    assert findings(tmp_path, "a.ps1", text) == [(4, "RB101")]


def test_a_trailing_comment_hides_its_own_line_only(tmp_path: Path) -> None:
    text = (
        "param([string]$Name)\n"
        f"$a = {DYNAMIC}  # runbook-analyzer: ignore[RB101]\n"
        "$b = Get-AutomationVariable -Name $Name\n"
    )
    assert findings(tmp_path, "a.ps1", text) == [(3, "RB101")]


def test_names_and_prefixes_select_rules(tmp_path: Path) -> None:
    text = (
        "param([string]$Name, [string]$Other)\n"
        f"$a = {DYNAMIC}  # runbook-analyzer: ignore[dynamic-asset-name]\n"
        "$b = Get-AutomationVariable -Name $Other  # runbook-analyzer: ignore[RB1]\n"
    )
    assert findings(tmp_path, "a.ps1", text) == []


def test_block_comments_count_in_powershell(tmp_path: Path) -> None:
    text = (
        "param([string]$Name)\n"
        "<#\n  runbook-analyzer: ignore[RB101] chosen by the webhook\n#>\n"
        f"$a = {DYNAMIC}\n"
    )
    assert findings(tmp_path, "a.ps1", text) == []


def test_stacked_suppressions_reach_the_code_below(tmp_path: Path) -> None:
    text = (
        "param([string]$Name)\n"
        "# runbook-analyzer: ignore[RB101] chosen by the caller\n"
        "# runbook-analyzer: ignore[RB103] metadata on purpose\n"
        "$c = Get-AzAutomationConnection -ResourceGroupName rg -AutomationAccountName aa "
        "-Name $Name\n"
        "Write-Output $c.FieldDefinitionValues\n"
    )
    # RB101 is hidden; the RB103 suppression hides nothing (metadata use is no RB103
    # finding), so it is reported as unused.
    assert findings(tmp_path, "a.ps1", text) == [(3, "RB905")]


def test_a_comment_above_a_continued_command_covers_all_its_lines(tmp_path: Path) -> None:
    text = (
        "param([string]$Name)\n"
        "# runbook-analyzer: ignore[RB101] chosen by the caller\n"
        "$a = Get-AutomationConnection `\n"
        "    -Name $Name\n"
        "$b = Get-AutomationVariable `\n"
        "    -Name $Name\n"
    )
    # The caret of the first lookup is on line 4 (the name token); the comment above the
    # statement covers it. The second statement is not covered.
    assert findings(tmp_path, "a.ps1", text) == [(6, "RB101")]


def test_a_comment_above_a_function_covers_one_line_only(tmp_path: Path) -> None:
    text = (
        "param([string]$Name)\n"
        "# runbook-analyzer: ignore[RB101]\n"
        "function Get-It { $a = Get-AutomationConnection -Name $Name\n"
        "    $b = Get-AutomationVariable -Name $Name }\n"
        "Get-It\n"
    )
    assert findings(tmp_path, "a.ps1", text) == [(4, "RB101")]


def test_file_ignore_covers_the_whole_file(tmp_path: Path) -> None:
    text = (
        "# runbook-analyzer: file-ignore[RB101] every name here comes from the schedule\n"
        "param([string]$Name)\n"
        f"$a = {DYNAMIC}\n"
        "$b = Get-AutomationVariable -Name $Name\n"
    )
    assert findings(tmp_path, "a.ps1", text) == []


def test_python_comments_work_the_same(tmp_path: Path) -> None:
    text = (
        "import sys\nimport automationassets\n"
        "name = sys.argv[1]\n"
        "# runbook-analyzer: ignore[RB101] the schedule passes it\n"
        "a = automationassets.get_automation_variable(name)\n"
        "b = automationassets.get_automation_connection(name)\n"
    )
    assert findings(tmp_path, "a.py", text) == [(6, "RB101")]


def test_text_in_strings_suppresses_nothing(tmp_path: Path) -> None:
    text = (
        "param([string]$Name)\n"
        '$doc = @"\n# runbook-analyzer: ignore[RB101]\n"@\n'
        f"$a = {DYNAMIC}\n"
        "$b = '# runbook-analyzer: ignore[RB101]'; $c = Get-AutomationVariable -Name $Name\n"
    )
    assert findings(tmp_path, "a.ps1", text) == [(5, "RB101"), (6, "RB101")]


def test_python_strings_suppress_nothing(tmp_path: Path) -> None:
    text = (
        "import sys\nimport automationassets\nname = sys.argv[1]\n"
        'doc = """\n# runbook-analyzer: ignore[RB101]\n"""\n'
        "a = automationassets.get_automation_variable(name)\n"
    )
    assert findings(tmp_path, "a.py", text) == [(7, "RB101")]


def test_an_unused_suppression_is_reported(tmp_path: Path) -> None:
    text = "$a = Get-AutomationConnection -Name 'Ops'  # runbook-analyzer: ignore[RB101]\n"
    (tmp_path / "a.ps1").write_text(text, encoding="utf-8")
    result = analyze([str(tmp_path / "a.ps1")], Config(jobs=1))
    [finding] = result.diagnostics
    assert (finding.code, finding.severity) == ("RB905", "warning")
    assert finding.message == "no RB101 finding on line 1 to suppress"
    assert (finding.span.line, finding.span.column) == (1, 46)


def test_a_suppression_of_a_rule_that_did_not_run_is_not_judged(tmp_path: Path) -> None:
    text = "$a = Get-AutomationConnection -Name 'Ops'  # runbook-analyzer: ignore[RB101]\n"
    assert findings(tmp_path, "a.ps1", text, select=("RB103", "RB905")) == []
    assert findings(tmp_path, "a.ps1", text, ignore=("RB905",)) == []


def test_unknown_codes_and_bad_directives_are_reported(tmp_path: Path) -> None:
    text = (
        "param([string]$Name)\n"
        f"$a = {DYNAMIC}  # runbook-analyzer: ignore[RB1O1]\n"
        "# runbook-analyzer: ignroe[RB101]\n"
        "$b = 1\n"
    )
    assert findings(tmp_path, "a.ps1", text) == [(2, "RB101"), (2, "RB905"), (3, "RB905")]


def test_rb905_can_itself_be_silenced_for_a_file(tmp_path: Path) -> None:
    text = (
        "# runbook-analyzer: file-ignore[RB905] kept for the next migration\n"
        "$a = Get-AutomationConnection -Name 'Ops'  # runbook-analyzer: ignore[RB101]\n"
    )
    assert findings(tmp_path, "a.ps1", text) == []


def test_a_bare_ignore_covers_every_rule(tmp_path: Path) -> None:
    text = f"param([string]$Name)\n$a = {DYNAMIC}  # runbook-analyzer: ignore\n"
    assert findings(tmp_path, "a.ps1", text) == []
    clean = "$a = Get-AutomationConnection -Name 'Ops'  # runbook-analyzer: ignore\n"
    assert findings(tmp_path, "b.ps1", clean) == [(1, "RB905")]


def test_a_suppression_under_a_per_file_ignore_still_counts_as_used(tmp_path: Path) -> None:
    text = f"param([string]$Name)\n$a = {DYNAMIC}  # runbook-analyzer: ignore[RB101]\n"
    assert findings(tmp_path, "a.ps1", text, per_file_ignores={"a.ps1": ("RB101",)}) == []


def test_a_suppression_on_another_place_of_an_aggregated_finding_says_where(
    tmp_path: Path,
) -> None:
    text = (
        "param([string]$Name)\n"
        "$a = Get-AutomationVariable -Name $Name\n"
        "$b = Get-AutomationVariable -Name $Name  # runbook-analyzer: ignore[RB101]\n"
    )
    (tmp_path / "a.ps1").write_text(text, encoding="utf-8")
    result = analyze([str(tmp_path / "a.ps1")], Config(jobs=1))
    messages = {d.code: d.message for d in result.diagnostics}
    assert messages["RB905"] == (
        "no RB101 finding on line 3 to suppress "
        "(it is reported at line 2; put the suppression there)"
    )


def test_the_summary_counts_what_was_suppressed(tmp_path: Path) -> None:
    text = f"param([string]$Name)\n$a = {DYNAMIC}  # runbook-analyzer: ignore[RB101]\n"
    (tmp_path / "a.ps1").write_text(text, encoding="utf-8")
    code, output = invoke(["check", "a.ps1", "--isolated"], tmp_path)
    assert code == 0
    assert output.strip() == "No findings in 1 file; not shown: 1 finding suppressed inline."


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_crlf_files_are_matched_by_line(tmp_path: Path, newline: str) -> None:
    lines = [
        "param([string]$Name)",
        "# runbook-analyzer: ignore[RB101]",
        f"$a = {DYNAMIC}",
        f"$b = {DYNAMIC.replace('Connection', 'Variable')}",
    ]
    (tmp_path / "a.ps1").write_bytes(newline.join(lines).encode("utf-8") + b"\r\n")
    result = analyze([str(tmp_path / "a.ps1")], Config(jobs=1))
    assert [(d.span.line, d.code) for d in result.diagnostics] == [(4, "RB101")]
