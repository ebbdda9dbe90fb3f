"""check's CI options end to end: the format from the environment, --output,
--statistics, and the flags that exclude each other."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import WARNING_RUNBOOK, invoke, invoke_streams


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "Warn.ps1").write_text(WARNING_RUNBOOK, encoding="utf-8")
    (tmp_path / "Py.py").write_text(
        "import sys\nx = get_automation_variable(sys.argv[1])\n", encoding="utf-8"
    )
    return tmp_path


def test_the_environment_chooses_the_format(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNBOOK_ANALYZER_FORMAT", "github")
    code, output, _ = invoke_streams(["check", ".", "--isolated"], tree)
    assert code == 1
    assert output.startswith("::error file=Py.py,")
    monkeypatch.setenv("RUNBOOK_ANALYZER_FORMAT", "SARIF")  # case does not matter
    code, output, _ = invoke_streams(["check", ".", "--isolated"], tree)
    assert json.loads(output)["version"] == "2.1.0"


def test_the_option_wins_over_the_environment(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNBOOK_ANALYZER_FORMAT", "github")
    _, output, _ = invoke_streams(["check", ".", "--isolated", "--format", "concise"], tree)
    assert output.splitlines()[0].startswith("Py.py:2:5: RB")


def test_an_unknown_format_in_the_environment_is_a_usage_error(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNBOOK_ANALYZER_FORMAT", "xml")
    code, output = invoke(["check", ".", "--isolated"], tree)
    assert code == 2
    assert output.startswith(
        "runbook-analyzer: error: RUNBOOK_ANALYZER_FORMAT='xml' is not a report format; "
        "use one of text, concise, json, sarif, github, azure, gitlab, junit"
    )


def test_output_writes_the_report_and_keeps_the_exit_code(tree: Path) -> None:
    code, output, errors = invoke_streams(
        ["check", ".", "--isolated", "--format", "sarif", "--output", "report.sarif"], tree
    )
    assert (code, output, errors) == (1, "", "")
    document = json.loads((tree / "report.sarif").read_text(encoding="utf-8"))
    assert document["runs"][0]["invocations"][0]["exitCode"] == 1


def test_statistics_count_per_rule_most_frequent_first(tree: Path) -> None:
    (tree / "More.ps1").write_text(WARNING_RUNBOOK, encoding="utf-8")
    code, output = invoke(["check", ".", "--isolated", "--statistics"], tree)
    assert code == 1
    assert output.splitlines()[:2] == [
        "3  RB101  dynamic-asset-name               warning",
        "1  RB104  missing-automationassets-import  error",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fix", "--diff"], "--fix and --diff cannot be used together"),
        (["--add-ignores", "--fix"], "--fix and --add-ignores cannot be used together"),
        (["--unsafe-fixes"], "--unsafe-fixes goes with --fix or --diff"),
    ],
)
def test_flags_that_exclude_each_other(tree: Path, args: list[str], message: str) -> None:
    before = {p.name: p.read_bytes() for p in tree.iterdir()}
    code, output = invoke(["check", ".", "--isolated", *args], tree)
    assert code == 2
    assert output == f"runbook-analyzer: error: {message}\n"
    assert {p.name: p.read_bytes() for p in tree.iterdir()} == before
