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
from analyzer.engine.docs import examples
from analyzer.engine.registry import load_rules
from tests.conftest import FIXTURES, ROOT

WARNING_RUNBOOK = "param([string]$Name = 'Ops')\n$c = Get-AutomationConnection -Name $Name\n"
RULES = {rule.code: rule for rule in load_rules()}
ERROR_RUNBOOK = "import sys\nregion = get_automation_variable('Region')\n"
CLEAN_RUNBOOK = "Connect-AzAccount -Identity\n$c = Get-AutomationConnection -Name 'Ops'\n"


def _click(args: list[str], cwd: Path):  # click.testing.Result
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)


def invoke(args: list[str], cwd: Path) -> tuple[int, str]:
    """Exit code and what a terminal shows (standard output and error together)."""
    result = _click(args, cwd)
    return result.exit_code, result.output


def invoke_streams(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Exit code, standard output and standard error apart (machine formats write notes
    to standard error, so that standard output stays one document)."""
    result = _click(args, cwd)
    return result.exit_code, result.stdout, result.stderr


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
    assert "= help: if no caller passes another name, write -Name 'Ops'" in output


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


# ---------------------------------------------------------------- issue 7, item 12
INFO_AND_ERROR_TREE = {
    # RB104 (error): asset function without the import.
    "runbooks/report.py": ERROR_RUNBOOK,
    # RB101 (warning): a parameter as the name.
    "runbooks/Warn.ps1": WARNING_RUNBOOK,
    "runbooks/Clean.ps1": CLEAN_RUNBOOK,
    # RB203 (info): declared, used by nothing scanned.
    "infra/assets.json": json.dumps(
        {
            "kind": "azure-automation-inventory",
            "version": 1,
            "account": "aa-ops",
            "variables": [{"name": "Region"}, {"name": "LegacyEndpoint"}],
        }
    ),
}


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    for name, text in INFO_AND_ERROR_TREE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _summary(output: str) -> str:
    """The summary line (a "N fixable with --fix" line may follow it)."""
    lines = output.rstrip("\n").splitlines()
    return next(line for line in reversed(lines) if line.startswith(("Found ", "No findings")))


def test_summary_counts_inventory_files_among_the_checked(mixed: Path) -> None:
    code, output = invoke(["check", "runbooks", "--inventory", "infra", "--isolated"], mixed)
    assert code == 1
    assert "infra/assets.json:" in output  # the inventory file has a finding of its own
    assert _summary(output) == (
        "Found 3 findings (1 error, 1 warning, 1 info) in 3 files of 4 checked "
        "(3 source files, 1 inventory file)."
    )


def test_summary_without_inventory_is_unchanged(mixed: Path) -> None:
    code, output = invoke(["check", "runbooks", "--isolated"], mixed)
    assert code == 1
    assert _summary(output) == "Found 2 findings (1 error, 1 warning) in 2 files of 3 checked."


@pytest.mark.parametrize(
    ("threshold", "shown", "summary"),
    [
        (
            "error",
            {"RB104"},
            "Found 1 finding (1 error) in 1 file of 4 checked (3 source files, "
            "1 inventory file); not shown: 2 findings below error.",
        ),
        (
            "warning",
            {"RB104", "RB101"},
            "Found 2 findings (1 error, 1 warning) in 2 files of 4 checked (3 source files, "
            "1 inventory file); not shown: 1 finding below warning.",
        ),
        (
            "info",
            {"RB104", "RB101", "RB203"},
            "Found 3 findings (1 error, 1 warning, 1 info) in 3 files of 4 checked "
            "(3 source files, 1 inventory file).",
        ),
    ],
)
def test_severity_threshold_shows_only_what_is_asked(
    mixed: Path, threshold: str, shown: set[str], summary: str
) -> None:
    args = ["check", "runbooks", "--inventory", "infra", "--isolated", "--severity", threshold]
    code, output = invoke(args, mixed)
    assert code == 1
    assert _summary(output) == summary
    code, output, errors = invoke_streams([*args, "--format", "json"], mixed)
    document = json.loads(output)
    assert {d["code"] for d in document["diagnostics"]} == shown
    hidden = len({"RB104", "RB101", "RB203"} - shown)
    note = f"runbook-analyzer: not shown: {hidden} finding{'s' if hidden > 1 else ''} below"
    assert (note in errors) == bool(hidden)
    assert document["summary"]["findings"] == len(shown)


def test_severity_threshold_decides_the_exit_code_too(tree: Path) -> None:
    """Only a warning exists: hidden by ``--min-severity error``, it cannot fail the run."""
    code, output = invoke(["check", "runbooks", "--min-severity", "error"], tree)
    assert code == 0
    assert "RB101" not in output
    assert _summary(output) == "No findings in 2 files; not shown: 1 finding below error."
    assert invoke(["check", "runbooks", "--min-severity", "warning"], tree)[0] == 1


def test_severity_threshold_from_configuration(tree: Path) -> None:
    (tree / ".runbook-analyzer.toml").write_text('min-severity = "error"\n', encoding="utf-8")
    code, output = invoke(["check", "runbooks"], tree)
    assert (code, _summary(output)) == (
        0,
        "No findings in 2 files; not shown: 1 finding below error.",
    )
    # The command line wins over the file.
    assert invoke(["check", "runbooks", "--severity", "info"], tree)[0] == 1


def test_severity_threshold_applies_after_severity_overrides(tree: Path) -> None:
    (tree / ".runbook-analyzer.toml").write_text(
        'min-severity = "error"\n[severity]\nRB101 = "error"\n', encoding="utf-8"
    )
    code, output = invoke(["check", "runbooks"], tree)
    assert code == 1
    assert "RB101 dynamic-asset-name:" in output and "[error]" in output


def test_bad_severity_threshold_in_configuration(tree: Path) -> None:
    (tree / ".runbook-analyzer.toml").write_text('min-severity = "fatal"\n', encoding="utf-8")
    code, output = invoke(["check", "runbooks"], tree)
    assert code == 2
    assert "min-severity must be one of error, warning, info, not 'fatal'" in output


@pytest.mark.parametrize(
    "selectors", [["ALL"], ["all"], ["RB1"], ["RB101"], ["dynamic-asset-name"]]
)
def test_per_file_ignores_take_every_selector_ignore_takes(
    tree: Path, selectors: list[str]
) -> None:
    (tree / "runbooks" / "Also.ps1").write_text(WARNING_RUNBOOK, encoding="utf-8")
    (tree / ".runbook-analyzer.toml").write_text(
        f'[per-file-ignores]\n"runbooks/Warn.ps1" = {json.dumps(selectors)}\n', encoding="utf-8"
    )
    code, output = invoke(["check", "runbooks", "--no-source"], tree)
    assert code == 1
    assert "runbooks/Warn.ps1" not in output
    assert "runbooks/Also.ps1:2:37: RB101" in output  # other files keep their findings


def test_per_file_ignores_unknown_selector_is_an_error(tree: Path) -> None:
    (tree / ".runbook-analyzer.toml").write_text(
        '[per-file-ignores]\n"runbooks/*" = ["EVERYTHING"]\n', encoding="utf-8"
    )
    code, output = invoke(["check", "runbooks"], tree)
    assert code == 2
    assert "unknown rule 'EVERYTHING' in per-file-ignores" in output


def test_inventory_command_names_the_path_as_typed(tmp_path: Path) -> None:
    code, output = invoke(["inventory", "nonexistent"], tmp_path)
    assert code == 2
    assert output.strip() == "runbook-analyzer: error: nonexistent: no such file or directory"


def test_missing_inventory_from_configuration_names_the_file(tree: Path) -> None:
    (tree / ".runbook-analyzer.toml").write_text('inventory = ["infra"]\n', encoding="utf-8")
    code, output = invoke(["check", "runbooks"], tree)
    assert code == 2
    assert "--inventory" not in output
    assert ".runbook-analyzer.toml: inventory path " in output
    assert "infra: no such file or directory" in output


@pytest.mark.parametrize("code", [r.code for r in load_rules()])
def test_explain_hides_the_test_markers(code: str) -> None:
    exit_code, output = invoke(["explain", code], ROOT)
    assert exit_code == 0
    assert "expect:" not in output


def test_explain_keeps_the_example_lines() -> None:
    """Only the marker goes: the code line it was on is still shown."""
    _, output = invoke(["explain", "RB401"], ROOT)
    assert "workflow Stop-Lab {\n" in output
    assert any(f.expected for e in examples(RULES["RB401"]) for f in e.files)
