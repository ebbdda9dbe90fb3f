"""The command line: exit codes, formats, options, errors, start-up cost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer import __version__
from analyzer.cli import main
from tests.conftest import FIXTURES, ROOT

WARNING_RUNBOOK = "param([string]$Name = 'Ops')\n$c = Get-AutomationConnection -Name $Name\n"
ERROR_RUNBOOK = "import sys\nregion = get_automation_variable('Region')\n"
CLEAN_RUNBOOK = "Connect-AzAccount -Identity\n$c = Get-AutomationConnection -Name 'Ops'\n"


def invoke(args: list[str], cwd: Path) -> tuple[int, str]:
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.output


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "Warn.ps1").write_text(WARNING_RUNBOOK, encoding="utf-8")
    (tmp_path / "runbooks" / "Clean.ps1").write_text(CLEAN_RUNBOOK, encoding="utf-8")
    return tmp_path


def test_clean_tree_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "Clean.ps1").write_text(CLEAN_RUNBOOK, encoding="utf-8")
    code, output = invoke(["check", "."], tmp_path)
    assert code == 0
    assert output.strip() == "No findings in 1 file."


def test_warning_exits_one_by_default(tree: Path) -> None:
    code, output = invoke(["check", "runbooks"], tree)
    assert code == 1
    assert "runbooks/Warn.ps1:2:37: RB101 dynamic-asset-name:" in output
    assert "2 | $c = Get-AutomationConnection -Name $Name" in output
    assert "  |                                     ^~~~~" in output
    assert "= help: write the name as a literal: -Name 'Ops'" in output


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("error", 0), ("warning", 1), ("info", 1), ("never", 0)],
)
def test_fail_on_threshold(tree: Path, fail_on: str, expected: int) -> None:
    code, _ = invoke(["check", "runbooks", "--fail-on", fail_on], tree)
    assert code == expected


def test_fail_on_error_with_an_error(tmp_path: Path) -> None:
    (tmp_path / "report.py").write_text(ERROR_RUNBOOK, encoding="utf-8")
    code, output = invoke(["check", ".", "--fail-on", "error"], tmp_path)
    assert code == 1
    assert "RB104" in output


def test_exit_zero(tree: Path) -> None:
    code, output = invoke(["check", "runbooks", "--exit-zero"], tree)
    assert code == 0
    assert "RB101" in output


def test_missing_path_is_usage_error(tmp_path: Path) -> None:
    code, output = invoke(["check", "nope"], tmp_path)
    assert code == 2
    assert "nope: no such file or directory" in output


def test_unknown_file_type_is_usage_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    code, output = invoke(["check", "notes.txt"], tmp_path)
    assert code == 2
    assert "not a runbook source" in output


def test_unknown_rule_selector_is_usage_error(tree: Path) -> None:
    code, output = invoke(["check", "runbooks", "--select", "RB999"], tree)
    assert code == 2
    assert "unknown rule selector 'RB999'" in output


def test_unknown_format_is_usage_error(tree: Path) -> None:
    code, _ = invoke(["check", "runbooks", "--format", "xml"], tree)
    assert code == 2


def test_select_and_ignore(tree: Path) -> None:
    code, output = invoke(
        ["check", "runbooks", "--select", "RB1", "--ignore", "dynamic-asset-name"], tree
    )
    assert code == 0
    assert "No findings" in output


def test_json_format(tree: Path) -> None:
    code, output = invoke(["check", "runbooks", "--format", "json"], tree)
    assert code == 1
    document = json.loads(output)
    assert document["version"] == 1
    assert document["summary"] == {
        "files": 2,
        "findings": 1,
        "errors": 0,
        "warnings": 1,
        "infos": 0,
    }
    (finding,) = document["diagnostics"]
    assert finding["code"] == "RB101"
    assert finding["path"] == "runbooks/Warn.ps1"
    assert (finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == (
        2,
        37,
        2,
        42,
    )
    assert finding["severity"] == "warning"


def test_output_file(tree: Path) -> None:
    code, output = invoke(["check", "runbooks", "--format", "json", "--output", "out.json"], tree)
    assert code == 1
    assert output == ""
    assert json.loads((tree / "out.json").read_text(encoding="utf-8"))["summary"]["findings"] == 1


def test_config_file_is_read(tree: Path) -> None:
    (tree / ".runbook-analyzer.toml").write_text('ignore = ["RB101"]\n', encoding="utf-8")
    code, _ = invoke(["check", "runbooks"], tree)
    assert code == 0
    code, _ = invoke(["check", "runbooks", "--isolated"], tree)
    assert code == 1


def test_pyproject_config_and_severity_override(tree: Path) -> None:
    (tree / "pyproject.toml").write_text(
        '[tool.runbook-analyzer]\nfail-on = "error"\n\n'
        '[tool.runbook-analyzer.severity]\nRB101 = "error"\n',
        encoding="utf-8",
    )
    code, output = invoke(["check", "runbooks"], tree)
    assert code == 1
    assert "[error]" in output


def test_per_file_ignores(tree: Path) -> None:
    (tree / ".runbook-analyzer.toml").write_text(
        '[per-file-ignores]\n"runbooks/Warn.ps1" = ["RB101"]\n', encoding="utf-8"
    )
    assert invoke(["check", "runbooks"], tree)[0] == 0


def test_exclude(tree: Path) -> None:
    (tree / ".runbook-analyzer.toml").write_text('exclude = ["Warn.ps1"]\n', encoding="utf-8")
    code, output = invoke(["check", "runbooks"], tree)
    assert code == 0
    assert "No findings in 1 file." in output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("selct = []\n", "unknown key 'selct'"),
        ('select = "RB101"\n', "select must be a list of strings"),
        ('fail-on = "sometimes"\n', "fail-on must be one of"),
        ('select = ["RB998"]\n', "unknown rule 'RB998' in select"),
        ("[severity]\nRB101 = 'fatal'\n", "severity.RB101 must be one of"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_bad_configuration_is_exit_two(tree: Path, content: str, message: str) -> None:
    (tree / ".runbook-analyzer.toml").write_text(content, encoding="utf-8")
    code, output = invoke(["check", "runbooks"], tree)
    assert code == 2
    assert ".runbook-analyzer.toml" in output
    assert message in output


def test_rules_lists_every_rule() -> None:
    code, output = invoke(["rules"], ROOT)
    assert code == 0
    codes = [line.split()[0] for line in output.splitlines()]
    assert codes == sorted(codes)
    assert {"RB101", "RB103", "RB201", "RB901", "RB902"} <= set(codes)


def test_rules_json() -> None:
    code, output = invoke(["rules", "--format", "json"], ROOT)
    assert code == 0
    rules = {r["code"]: r for r in json.loads(output)}
    assert rules["RB101"]["name"] == "dynamic-asset-name"
    assert rules["RB201"]["scope"] == "workspace"


@pytest.mark.parametrize("key", ["RB103", "rb103", "management-cmdlet-in-runbook"])
def test_explain(key: str) -> None:
    code, output = invoke(["explain", key], ROOT)
    assert code == 0
    assert output.startswith("RB103 management-cmdlet-in-runbook (default severity: warning)")
    assert "## Why is this bad?" in output


def test_explain_unknown_rule() -> None:
    code, output = invoke(["explain", "RB000"], ROOT)
    assert code == 2
    assert "unknown rule 'RB000'" in output


def test_graph_json_contract(tree: Path) -> None:
    code, output = invoke(["graph", "runbooks"], tree)
    assert code == 0
    report = json.loads(output)
    assert list(report) == ["version", "runbooks", "assets", "references", "calls", "graph"]
    assert report["runbooks"] == [
        {"name": "Clean", "path": "runbooks/Clean.ps1", "kind": "powershell"},
        {"name": "Warn", "path": "runbooks/Warn.ps1", "kind": "powershell"},
    ]
    assert list(report["references"][0]) == [
        "path",
        "runbook",
        "kind",
        "operation",
        "callee",
        "name",
        "dynamic",
        "expression",
        "resolved",
        "line",
        "column",
        "end_line",
        "end_column",
        "activity",
    ]
    warn = next(r for r in report["references"] if r["runbook"] == "Warn")
    assert (warn["name"], warn["dynamic"], warn["expression"], warn["resolved"]) == (
        None,
        True,
        "$Name",
        "Ops",
    )
    assert report["assets"] == [
        {
            "kind": "connection",
            "name": "Ops",
            "declared": False,
            "declared_in": [],
            "connection_type": None,
        }
    ]
    nodes = {n["id"] for n in report["graph"]["nodes"]}
    assert nodes == {"runbook/Clean", "runbook/Warn", "connection/Ops"}


CRASHING_RULE = '''
from analyzer.engine.rule import Rule

class Crash(Rule):
    """Always crashes."""

    code = "ZZ001"
    name = "always-crashes"

    def check_file(self, file, context):
        raise RuntimeError("boom")
'''

CUSTOM_RULE = '''
from analyzer.engine.rule import Rule

class NoWriteHost(Rule):
    """Write-Host output is lost in Automation job streams."""

    code = "ACME001"
    name = "no-write-host"
    severity = "info"
    languages = ("powershell",)

    def check_file(self, file, context):
        for command in file.commands:
            if command.name.lower() == "write-host":
                yield self.diagnostic(file.path, command.span, "Write-Host output is lost")
'''


def test_custom_rules_directory(tree: Path) -> None:
    (tree / "acme").mkdir()
    (tree / "acme" / "no_write_host.py").write_text(CUSTOM_RULE, encoding="utf-8")
    (tree / "runbooks" / "Host.ps1").write_text("Write-Host 'hi'\n", encoding="utf-8")
    code, output = invoke(["check", "runbooks", "--rules-dir", "acme", "--select", "ACME"], tree)
    assert code == 0  # info is below the default fail-on
    assert (
        "runbooks/Host.ps1:1:1: ACME001 no-write-host: Write-Host output is lost [info]" in output
    )
    code, output = invoke(["explain", "ACME001", "--rules-dir", "acme"], tree)
    assert code == 0 and "Write-Host output is lost" in output


def test_crashing_rule_is_rb906_and_exit_two(tree: Path) -> None:
    (tree / "crash").mkdir()
    (tree / "crash" / "crash.py").write_text(CRASHING_RULE, encoding="utf-8")
    code, output = invoke(["check", "runbooks", "--rules-dir", "crash"], tree)
    assert code == 2
    assert "RB906 internal-error: rule ZZ001 (always-crashes) failed: RuntimeError: boom" in output
    assert "RB101" in output  # other rules' findings stand


def test_broken_rules_directory_is_usage_error(tree: Path) -> None:
    (tree / "broken").mkdir()
    (tree / "broken" / "bad.py").write_text("import nonexistent_module_xyz\n", encoding="utf-8")
    code, output = invoke(["check", "runbooks", "--rules-dir", "broken"], tree)
    assert code == 2
    assert "bad.py: failed to import" in output


def _run(args: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analyzer", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_version_via_entry_point() -> None:
    result = _run(["--version"])
    assert result.returncode == 0
    assert result.stdout.strip() == f"runbook-analyzer, version {__version__}"


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["check", "--help"]])
def test_version_and_help_import_nothing_heavy(args: list[str]) -> None:
    probe = (
        "import sys\n"
        "from analyzer.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('networkx', 'tree_sitter', 'tree_sitter_pwsh', 'analyzer.api')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert "HEAVY []" in result.stderr


def test_jobs_do_not_change_output() -> None:
    """More files than the parallel threshold, so --jobs 2 really uses workers."""
    paths = [str(FIXTURES / "extraction" / "powershell"), str(FIXTURES / "demo")]
    one = _run(["check", *paths, "--format", "json", "--jobs", "1"])
    two = _run(["check", *paths, "--format", "json", "--jobs", "2"])
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    graph_one = _run(["graph", *paths, "--jobs", "1"])
    graph_two = _run(["graph", *paths, "--jobs", "2"])
    assert graph_one.stdout == graph_two.stdout
