"""SARIF: schema validity on the demo and every rule fixture, URIs, fixes, rule metadata,
fingerprints that survive moved lines, and bytes that do not depend on ``--jobs``."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from analyzer import PROJECT_URL, __version__
from analyzer.api import AnalysisResult, analyze
from analyzer.config import Config
from analyzer.engine.fingerprints import FINGERPRINT_VERSION
from analyzer.model.diagnostic import Diagnostic, Edit, Fix
from analyzer.model.span import Span
from analyzer.reporters import renderer
from analyzer.reporters.sarif_report import artifact_location, directory_uri
from tests.conftest import ROOT
from tests.reporters.helpers import WORKSPACE, WORKSPACE_ARGS, invoke, schema_errors
from tests.test_rule_fixtures import CASES, _analyze, _rule_for

DEMO_ARGS = ["check", "fixtures/demo", "--inventory", "fixtures/demo/infra", "--format", "sarif"]


def _sarif(result: AnalysisResult, diagnostics: list[Diagnostic] | None = None, **kw) -> dict:
    text = renderer("sarif")(
        result, result.diagnostics if diagnostics is None else diagnostics, **kw
    )
    return json.loads(text)


def test_demo_sarif_is_valid_and_complete() -> None:
    code, output = invoke(DEMO_ARGS, ROOT)
    assert code == 1
    log = json.loads(output)
    assert schema_errors(log) == []
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["version"], driver["semanticVersion"]) == (__version__, __version__)
    assert driver["informationUri"] == PROJECT_URL
    assert run["invocations"] == [{"executionSuccessful": True, "exitCode": 1}]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == directory_uri(ROOT)
    rules = driver["rules"]
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    rb102 = next(r for r in rules if r["id"] == "RB102")
    assert rb102["helpUri"] == f"{PROJECT_URL}/blob/main/docs/rules/RB102.md"
    assert "## Why is this bad?" in rb102["help"]["markdown"]
    assert "# expect:" not in rb102["help"]["text"]
    assert rb102["defaultConfiguration"] == {"level": "error"}
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in rules}
    assert (levels["RB101"], levels["RB203"]) == ("warning", "note")
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert len(result["partialFingerprints"][FINGERPRINT_VERSION]) == 32
        (location,) = result["locations"]
        assert location["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    rb108 = next(r for r in run["results"] if r["ruleId"] == "RB108")
    assert [
        (r["id"], r["physicalLocation"]["region"]["startLine"]) for r in rb108["relatedLocations"]
    ] == [(1, 17), (2, 20)]


@pytest.mark.parametrize(
    ("folder", "entry"), [c for c in CASES if c.values[1].name.startswith("bad_")]
)
def test_rule_fixture_sarif_is_valid(folder: Path, entry: Path, monkeypatch) -> None:
    result = _analyze(entry, _rule_for(folder), monkeypatch)
    log = _sarif(result)
    assert schema_errors(log) == []
    assert {r["ruleId"] for r in log["runs"][0]["results"]} <= {
        r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]
    }


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("runbooks/Démarrer les VMs.ps1", "runbooks/D%C3%A9marrer%20les%20VMs.ps1"),
        ("a#b/100%.ps1", "a%23b/100%25.ps1"),
        ("c:d.ps1", "c%3Ad.ps1"),
        ("./x/../y.ps1", "y.ps1"),
    ],
)
def test_relative_uris_are_percent_encoded(path: str, uri: str, tmp_path: Path) -> None:
    assert artifact_location(path, tmp_path) == {"uri": uri, "uriBaseId": "%SRCROOT%"}


def test_paths_outside_the_working_directory_are_absolute_file_uris(tmp_path: Path) -> None:
    cwd = tmp_path / "repo"
    assert artifact_location("../other dir/ä.ps1", cwd) == {
        "uri": (tmp_path / "other dir" / "ä.ps1").as_uri()
    }
    assert artifact_location(str(tmp_path / "x#.ps1"), cwd)["uri"].endswith("/x%23.ps1")
    assert artifact_location(str(cwd / "in.ps1"), cwd) == {
        "uri": "in.ps1",
        "uriBaseId": "%SRCROOT%",
    }
    assert directory_uri(cwd) == cwd.as_uri() + "/"


@pytest.fixture
def crlf_result(tmp_path: Path, monkeypatch) -> AnalysisResult:
    monkeypatch.chdir(tmp_path)
    Path("Get-Conn.ps1").write_bytes(
        b"param([string]$Name = 'Ops')\r\n$c = Get-AutomationConnection -Name $Name\r\n"
    )
    return analyze(["Get-Conn.ps1"], Config(jobs=1, select=("RB101",)))


def test_fixes_are_replacements_in_the_file_line_ending(crlf_result: AnalysisResult) -> None:
    (diagnostic,) = crlf_result.diagnostics
    fix = Fix(
        "unsafe",
        "replace the parameter with its default",
        (Edit(Span(2, 37, 2, 42), "'Ops'\n# was $Name"), Edit(Span(1, 1, 1, 1), "")),
    )
    fixed = replace(diagnostic, fix=fix)
    log = _sarif(crlf_result, [fixed])
    assert schema_errors(log) == []
    (result,) = log["runs"][0]["results"]
    assert result["fixes"] == [
        {
            "description": {"text": "replace the parameter with its default."},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "Get-Conn.ps1", "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 2,
                                "startColumn": 37,
                                "endLine": 2,
                                "endColumn": 42,
                            },
                            "insertedContent": {"text": "'Ops'\r\n# was $Name"},
                        },
                        {
                            "deletedRegion": {
                                "startLine": 1,
                                "startColumn": 1,
                                "endLine": 1,
                                "endColumn": 1,
                            },
                            "insertedContent": {"text": ""},
                        },
                    ],
                }
            ],
            "properties": {"applicability": "unsafe"},
        }
    ]


def test_rules_of_findings_outside_the_selection_are_described(crlf_result: AnalysisResult) -> None:
    """RB905/RB906 come from the engine even when only RB101 was selected."""
    (diagnostic,) = crlf_result.diagnostics
    crash = Diagnostic("RB906", "internal-error", "error", "rule RB203 failed: KeyError", "", None)
    log = _sarif(crlf_result, [crash, diagnostic], exit_code=2)
    assert schema_errors(log) == []
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["RB101", "RB906"]
    assert [r["ruleIndex"] for r in run["results"]] == [1, 0]
    assert run["results"][0]["locations"] == [
        {
            "logicalLocations": [
                {"name": "workspace", "fullyQualifiedName": "workspace", "kind": "module"}
            ]
        }
    ]
    assert run["invocations"] == [{"executionSuccessful": False, "exitCode": 2}]


def test_clean_run_is_valid(tmp_path: Path) -> None:
    (tmp_path / "Clean.ps1").write_text("Write-Output 'ok'\n", encoding="utf-8")
    log = _sarif(analyze([str(tmp_path)], Config(jobs=1)))
    assert schema_errors(log) == []
    assert log["runs"][0]["results"] == []


# ------------------------------------------------------------------ stability


def _fingerprints(cwd: Path) -> tuple[list[tuple[str, str, int]], list[str]]:
    """(rule, fingerprint, start line) of each SARIF result, and the GitLab fingerprints."""
    _, sarif = invoke([*WORKSPACE_ARGS, "--format", "sarif"], cwd)
    _, gitlab = invoke([*WORKSPACE_ARGS, "--format", "gitlab"], cwd)
    results = [
        (
            r["ruleId"],
            r["partialFingerprints"][FINGERPRINT_VERSION],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in json.loads(sarif)["runs"][0]["results"]
    ]
    return results, [issue["fingerprint"] for issue in json.loads(gitlab)]


def test_fingerprints_survive_lines_inserted_above_findings(tmp_path: Path) -> None:
    copy = tmp_path / "workspace"
    shutil.copytree(WORKSPACE, copy)
    before, gitlab_before = _fingerprints(copy)
    for name, lines in [
        ("runbooks/Démarrer les VMs.ps1", "# a new comment\n\n"),
        ("runbooks/post_report.py", "# a new comment\nimport os\n\n"),
        ("infra/automation-account.json", "\n\n\n"),
    ]:
        path = copy / name
        path.write_text(lines + path.read_text(encoding="utf-8"), encoding="utf-8")
    after, gitlab_after = _fingerprints(copy)
    assert [r[:2] for r in after] == [r[:2] for r in before]
    assert gitlab_after == gitlab_before
    moved = [b[2] != a[2] for b, a in zip(before, after, strict=True)]
    assert sum(moved) == len(before) - 2, "only the graphical findings stay on line 1"


def test_output_does_not_depend_on_jobs(tmp_path: Path) -> None:
    """Enough files for the process pool (api._PARALLEL_THRESHOLD), rendered twice each."""
    for number in range(30):
        (tmp_path / f"Runbook{number:02}.ps1").write_text(
            f"param([string]$Name = 'Ops{number}')\n$c = Get-AutomationConnection -Name $Name\n",
            encoding="utf-8",
        )
    outputs = {}
    for report_format in ("sarif", "gitlab", "github", "junit"):
        runs = [
            invoke(["check", ".", "--format", report_format, "--jobs", jobs], tmp_path)[1]
            for jobs in ("1", "2", "2")
        ]
        assert runs[0] == runs[1] == runs[2]
        outputs[report_format] = runs[0]
    assert len(json.loads(outputs["sarif"])["runs"][0]["results"]) == 30


def test_custom_rule_has_no_help_uri(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "acme.py").write_text(
        "from analyzer.engine.rule import Rule\n\n"
        "class NoWriteHost(Rule):\n"
        '    """Write-Host output is lost in Automation jobs."""\n'
        '    code = "ACME001"\n'
        '    name = "no-write-host"\n'
        "    def check_file(self, file, context):\n"
        "        yield self.diagnostic(file.path, None, 'write-host is not job output')\n",
        encoding="utf-8",
    )
    (tmp_path / "a.ps1").write_text("Write-Host 'x'\n", encoding="utf-8")
    code, output = invoke(
        ["check", "a.ps1", "--rules-dir", "rules", "--select", "ACME001", "--format", "sarif"],
        tmp_path,
    )
    assert code == 1
    log = json.loads(output)
    assert schema_errors(log) == []
    (descriptor,) = log["runs"][0]["tool"]["driver"]["rules"]
    assert descriptor["id"] == "ACME001" and "helpUri" not in descriptor
    assert descriptor["fullDescription"] == {"text": "Write-Host output is lost in Automation jobs"}
    (result,) = log["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
