"""Every report format of ``check`` on one workspace with every location shape, as golden
files in fixtures/reporters/expected/ (``pytest --update-goldens`` rewrites them; read
the diff before committing).

The SARIF golden has the working directory's file URI (``originalUriBaseIds``) replaced
by ``file:///checkout/``: it is the only part that depends on where the repository is.
Each rule's documentation (``help`` and ``fullDescription``) stands there as a placeholder
once the test has checked it is the rule's documentation, so that editing a docstring
rewrites docs/rules/ but not this golden.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from analyzer.engine.docs import for_users
from analyzer.engine.registry import load_rules
from analyzer.reporters import FORMATS
from analyzer.reporters.ci import log_safe_json
from analyzer.reporters.sarif_report import directory_uri
from tests.reporters.helpers import REPORTERS, WORKSPACE, WORKSPACE_ARGS, invoke, schema_errors

EXPECTED = REPORTERS / "expected"
GOLDENS = {
    "text": "check.txt",
    "concise": "check.concise.txt",
    "json": "check.json",
    "sarif": "check.sarif",
    "github": "check.github.txt",
    "azure": "check.azure.txt",
    "gitlab": "check.gitlab.json",
    "junit": "check.junit.xml",
}
CHECKOUT = "file:///checkout/"
#: The literal value of the encrypted variable in infra/automation-account.json (RB303):
#: no report may repeat it (DESIGN §6, secrets).
SECRET = "fixture-not-a-real-key"


def _report(args: list[str]) -> str:
    code, output = invoke([*WORKSPACE_ARGS, *args], WORKSPACE)
    assert code == 1, output
    return output.replace(directory_uri(WORKSPACE), CHECKOUT)


def _without_documentation(sarif: str) -> str:
    """The SARIF text with each rule's documentation checked and replaced by a placeholder."""
    rules = {rule.code: rule for rule in load_rules()}
    for descriptor in json.loads(sarif)["runs"][0]["tool"]["driver"]["rules"]:
        code = descriptor["id"]
        documentation = for_users(rules[code])
        assert descriptor["help"] == {"text": documentation, "markdown": documentation}
        full = descriptor["fullDescription"]["text"]
        assert " ".join(full.split()) in " ".join(documentation.split())
        for value, placeholder in ((documentation, "help"), (full, "What it does")):
            serialised = log_safe_json(json.dumps(value, ensure_ascii=False))
            sarif = sarif.replace(serialised, f'"<{code} {placeholder}>"')
    return sarif


def _compare(name: str, output: str, update_goldens: bool) -> None:
    golden = EXPECTED / name
    if update_goldens:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(output, encoding="utf-8", newline="\n")
    assert golden.is_file(), f"{golden} is missing; run pytest --update-goldens and review it"
    assert output == golden.read_text(encoding="utf-8")


def test_every_format_has_a_golden() -> None:
    assert set(GOLDENS) == set(FORMATS)


@pytest.mark.parametrize("report_format", FORMATS)
def test_format_golden(report_format: str, update_goldens: bool) -> None:
    output = _report(["--format", report_format])
    assert SECRET not in output
    if report_format == "sarif":
        output = _without_documentation(output)
    _compare(GOLDENS[report_format], output, update_goldens)


@pytest.mark.parametrize(
    ("report_format", "golden"), [("text", "statistics.txt"), ("json", "statistics.json")]
)
def test_statistics_golden(report_format: str, golden: str, update_goldens: bool) -> None:
    _compare(golden, _report(["--statistics", "--format", report_format]), update_goldens)


def test_machine_formats_parse() -> None:
    """The goldens are what a consumer parses: SARIF valid against the schema, GitLab a
    JSON array, JUnit well-formed XML with one test case per finding."""
    sarif = json.loads((EXPECTED / GOLDENS["sarif"]).read_text(encoding="utf-8"))
    assert schema_errors(sarif) == []
    findings = json.loads((EXPECTED / GOLDENS["json"]).read_text(encoding="utf-8"))["diagnostics"]
    assert len(sarif["runs"][0]["results"]) == len(findings)
    gitlab = json.loads((EXPECTED / GOLDENS["gitlab"]).read_text(encoding="utf-8"))
    assert [issue["check_name"] for issue in gitlab] == [d["code"] for d in findings]
    assert len({issue["fingerprint"] for issue in gitlab}) == len(gitlab)
    junit = ET.fromstring((EXPECTED / GOLDENS["junit"]).read_bytes())
    cases = junit.findall("./testsuite/testcase")
    assert [case.get("name") for case in cases] == [
        f"runbook-analyzer.{d['code']}" for d in findings
    ]
    assert junit.get("failures") == str(len(findings))
