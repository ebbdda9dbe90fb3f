"""Escaping and layout of the line-oriented CI formats (github, azure, concise, junit,
gitlab) on hand-made findings: text from a scanned file must never end a command early,
start another one, or make a report unreadable."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from analyzer.api import analyze
from analyzer.config import Config
from analyzer.model.diagnostic import Diagnostic, Related
from analyzer.model.span import LogicalLocation, Span
from analyzer.reporters import (
    azure_report,
    concise_report,
    github_report,
    gitlab_report,
    junit_report,
)
from analyzer.reporters.ci import log_safe_json
from analyzer.reporters.statistics import render_statistics

SPAN = Span(3, 5, 3, 12)
HOSTILE = "50%, tier: ##vso[task.setvariable variable=x]1\n::error::fake\r\n%0A"


def finding(
    message: str = "connection name is not a literal",
    *,
    path: str = "runbooks/Start-Vm.ps1",
    span: Span | None = SPAN,
    severity: str = "warning",
    code: str = "RB101",
    name: str = "dynamic-asset-name",
    logical: LogicalLocation | None = None,
    help: str | None = None,
    related: tuple[Related, ...] = (),
) -> Diagnostic:
    return Diagnostic(code, name, severity, message, path, span, logical, help, related)  # type: ignore[arg-type]


GRAPHICAL = finding(
    path="runbooks/Start-Vm.graphrunbook",
    span=None,
    logical=LogicalLocation("Get connection", "bdc43a77", "Name"),
)


@pytest.fixture(scope="module")
def clean_result(tmp_path_factory: pytest.TempPathFactory):
    """An analysis of one clean runbook: what the summary line of a render needs."""
    root = tmp_path_factory.mktemp("clean")
    (root / "Clean.ps1").write_text("Write-Output 'hello'\n", encoding="utf-8")
    return analyze([str(root)], Config(jobs=1))


# ----------------------------------------------------------------------------- github


def test_github_escapes_data_percent_first() -> None:
    assert github_report.escape_data("100%\r\nnext %0A") == "100%25%0D%0Anext %250A"


def test_github_escapes_properties_with_colon_and_comma() -> None:
    assert github_report.escape_property("C:/a,b%\n") == "C%3A/a%2Cb%25%0A"


def test_github_annotation_with_hostile_path_and_message() -> None:
    line = github_report.annotation(
        finding(HOSTILE, path="dir:1,2/Démarrer les VMs%.ps1", help="see: a, b")
    )
    assert line == (
        "::warning file=dir%3A1%2C2/Démarrer les VMs%25.ps1,line=3,endLine=3,col=5,endColumn=12,"
        "title=RB101 dynamic-asset-name::50%25, tier: #\u200b#vso[task.setvariable variable=x]1"
        "%0A::error::fake%0D%0A%250A%0Ahelp: see: a, b"
    )
    assert "\n" not in line and "\r" not in line


def test_github_graphical_finding_names_the_file_and_the_activity() -> None:
    assert github_report.annotation(GRAPHICAL) == (
        "::warning file=runbooks/Start-Vm.graphrunbook,title=RB101 dynamic-asset-name::"
        'activity "Get connection" (parameter Name): connection name is not a literal'
    )


def test_github_declaration_at_line_start_has_no_columns() -> None:
    line = github_report.annotation(finding(span=Span(9, 1, 9, 1), severity="info"))
    assert line.startswith("::notice file=runbooks/Start-Vm.ps1,line=9,title=")


def test_github_prints_most_severe_first_then_the_summary(clean_result) -> None:
    findings = [finding(severity="info"), finding(severity="warning"), finding(severity="error")]
    lines = github_report.render(clean_result, findings).splitlines()
    assert [line.split(" ", 1)[0] for line in lines[:3]] == ["::error", "::warning", "::notice"]
    assert lines[3].startswith("Found 3 findings (1 error, 1 warning, 1 info)")


# ------------------------------------------------------------------------------ azure


def test_azure_escapes_percent_first() -> None:
    assert azure_report.escape("%3B;]\r\n") == "%AZP253B%3B%5D%0D%0A"


def test_azure_issue_with_hostile_path_and_message() -> None:
    line = azure_report.issue(finding(HOSTILE, path="a;b]/Démarrer les VMs.ps1", severity="error"))
    assert line == (
        "##vso[task.logissue type=error;sourcepath=a%3Bb%5D/Démarrer les VMs.ps1;linenumber=3;"
        "columnnumber=5;code=RB101]50%AZP25, tier: #\u200b#vso[task.setvariable variable=x%5D1"
        "%0A::error::fake%0D%0A%AZP250A"
    )


def test_azure_info_is_a_warning_marked_info() -> None:
    line = azure_report.issue(finding(severity="info", help="delete it"))
    assert line.startswith("##vso[task.logissue type=warning;")
    assert line.endswith("code=RB101][info%5D connection name is not a literal%0Ahelp: delete it")


def test_azure_graphical_issue_has_no_line() -> None:
    line = azure_report.issue(GRAPHICAL)
    assert "linenumber" not in line
    assert line.endswith(
        'code=RB101]activity "Get connection" (parameter Name): connection name is not a literal'
    )


def test_azure_log_has_commands_only_at_line_starts(clean_result) -> None:
    findings = [finding(HOSTILE, severity=s) for s in ("info", "error", "warning")]
    output = azure_report.render(clean_result, findings)
    lines = output.splitlines()
    assert output.count("##vso[") == 3
    assert [line[:30] for line in lines[:3]] == [
        "##vso[task.logissue type=error",
        "##vso[task.logissue type=warni",
        "##vso[task.logissue type=warni",
    ]
    assert "[info%5D" in lines[2]


# ---------------------------------------------------------------------------- concise


def test_concise_lines() -> None:
    assert concise_report.line(finding(HOSTILE, severity="error")) == (
        "runbooks/Start-Vm.ps1:3:5: RB101 [error] 50%, tier: #\u200b#vso[task.setvariable "
        "variable=x]1 ::error::fake\ufffd %0A"
    )
    assert concise_report.line(GRAPHICAL) == (
        'runbooks/Start-Vm.graphrunbook: activity "Get connection" (parameter Name): '
        "RB101 [warning] connection name is not a literal"
    )
    assert concise_report.line(finding(path="", span=None)).startswith("runbook-analyzer: RB101")


# ------------------------------------------------------------------------------ junit


def test_junit_removes_what_xml_cannot_carry(clean_result) -> None:
    message = "bad \x00\x1b[31mred\x0b " + HOSTILE + " \ud800 end"
    output = junit_report.render(clean_result, [finding(message, path="a&b <c>.ps1")])
    root = ET.fromstring(output.encode("utf-8"))
    case = root.find("./testsuite/testcase")
    assert case is not None and case.get("classname") == "a&b <c>.ps1"
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == "bad [31mred " + HOSTILE + "  end"
    assert "##vso[" not in output


def test_junit_clean_run_is_one_passing_case(clean_result) -> None:
    root = ET.fromstring(junit_report.render(clean_result, []).encode("utf-8"))
    assert (root.get("tests"), root.get("failures")) == ("1", "0")
    (case,) = root.iter("testcase")
    assert case.get("name") == "runbook-analyzer.check" and case.find("failure") is None


# ----------------------------------------------------------------------------- gitlab


def test_gitlab_clean_is_an_empty_array(clean_result) -> None:
    assert gitlab_report.render(clean_result, []) == "[]\n"


def test_gitlab_severities_and_locations(clean_result) -> None:
    findings = [
        finding(severity="error"),
        finding(severity="warning"),
        replace(GRAPHICAL, severity="info"),
    ]
    issues = json.loads(gitlab_report.render(clean_result, findings))
    assert [i["severity"] for i in issues] == ["major", "minor", "info"]
    assert issues[0]["location"] == {"path": "runbooks/Start-Vm.ps1", "lines": {"begin": 3}}
    assert issues[2]["location"] == {
        "path": "runbooks/Start-Vm.graphrunbook",
        "lines": {"begin": 1},
    }
    assert issues[2]["description"].startswith('RB101: activity "Get connection"')
    assert len({i["fingerprint"] for i in issues}) == 3


def test_log_safe_json_keeps_every_value() -> None:
    value = {"message": HOSTILE + " ##[error] \x9b2J \x85", "##vso[key": [1, "##vso["]}
    text = log_safe_json(json.dumps(value, ensure_ascii=False))
    assert json.loads(text) == value
    assert "##vso[" not in text and "##[" not in text and "\x9b" not in text and "\x85" not in text


# ------------------------------------------------------------------------- statistics


def test_statistics_most_frequent_first_ties_by_code() -> None:
    findings = [
        finding(code="RB102", name="missing-asset", severity="error"),
        finding(code="RB106", name="unknown-connection-field", severity="warning"),
        finding(code="RB106", name="unknown-connection-field", severity="error"),
        finding(code="RB101"),
    ]
    assert render_statistics(findings, "text") == (
        "2  RB106  unknown-connection-field  error/warning\n"
        "1  RB101  dynamic-asset-name        warning\n"
        "1  RB102  missing-asset             error\n"
    )
    assert json.loads(render_statistics(findings, "json"))[0] == {
        "code": "RB106",
        "name": "unknown-connection-field",
        "count": 2,
        "severity": "error/warning",
    }
    assert render_statistics(findings, "sarif") == render_statistics(findings, "text")


def test_statistics_without_findings() -> None:
    assert render_statistics([], "text") == "No findings.\n"
    assert render_statistics([], "json") == "[]\n"


# ------------------------------------------------------------------ json_document
def test_json_document_writes_the_standard_library_layout() -> None:
    import json

    from analyzer.reporters.ci import json_document

    document = {
        "é 日本 😀": ["a\u2028b", "tab\there", 'quote " and \\', None, True, 0, -3],
        "nested": {"empty": {}, "list": [], "ctl": "\x01\x1f"},
    }
    expected = json.dumps(document, indent=2, ensure_ascii=False)
    assert json_document(document) == expected + "\n"


def test_json_document_falls_back_where_orjson_refuses() -> None:
    import json

    from analyzer.reporters.ci import json_document

    document = {"lone": "\ud800", "big": 2**70}
    assert json_document(document) == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
