"""The real-world findings corpus (issue 7): every case's findings exactly as labelled.

``fixtures/realworld-findings/<NN-name>/`` imitates one class of real-world false
positive, false negative or silent loss (or a plain true positive), laid out as a
repository; ``expected.txt`` lists what a reviewer expects with every rule selected,
``path:line CODE severity`` sorted by path, line and code, and an empty file means
silence. The labels say what the code does in Azure Automation, not what the analyzer
printed when they were written, so a case the analyzer gets wrong today is listed in
``KNOWN_WRONG`` with the reason and runs as a strict xfail: when a fix lands, the XPASS
fails and the entry must go.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench.findings_table import (
    CORPUS,
    EXPECTED,
    Finding,
    case_folders,
    expected_findings,
    produced_findings,
    repeated_sites,
)

CASES = case_folders()

#: Case → why the analyzer is wrong on it today (issue 7 item, or what else).
KNOWN_WRONG: dict[str, str] = {
    # Held-out cases 51-90, labelled blind before the analyzer ran on them.
    # Held-out cases 91-130, the second blind set.
    # Held-out cases 131-170, the third blind set.
}

#: Rules that must have at least one expected true positive in the corpus, so that "no
#: true finding lost" is checked for each of them.
RULES_WITH_TRUE_POSITIVES = (
    "RB101",
    "RB102",
    "RB103",
    "RB104",
    "RB105",
    "RB106",
    "RB107",
    "RB108",
    "RB201",
    "RB202",
    "RB203",
    "RB301",
    "RB303",
    "RB304",
    "RB401",
    "RB901",
    "RB903",
    "RB904",
)


def _case_params() -> list:
    params = []
    for case in CASES:
        reason = KNOWN_WRONG.get(case.name)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


@pytest.mark.parametrize("case", _case_params())
def test_case_findings_are_exactly_the_labelled_ones(case: Path) -> None:
    produced = produced_findings(case)
    repeated = repeated_sites(produced)
    assert not repeated, f"one cause, one finding: reported more than once at {repeated}"
    expected = expected_findings(case)
    assert sorted({str(f) for f in produced}) == sorted(str(f) for f in expected)


def test_corpus_has_the_promised_size() -> None:
    assert 40 <= len(CASES) <= 200, f"{len(CASES)} cases in {CORPUS}"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_case_is_well_formed(case: Path) -> None:
    prefix, _, rest = case.name.partition("-")
    assert prefix.isdigit() and len(prefix) in (2, 3) and rest, "folder is NN-short-name"
    readme = (case / "README.md").read_text(encoding="utf-8").splitlines()
    assert 2 <= len(readme) <= 5, "README.md says in 2-5 lines what the case imitates"
    lines = (case / EXPECTED).read_text(encoding="utf-8").splitlines()
    findings = [Finding.parse(line) for line in lines]
    assert [str(f) for f in findings] == lines, "labels are written `path:line CODE severity`"
    assert findings == sorted(findings), "labels are sorted by path, line and code"
    assert len(set(findings)) == len(findings), "a label appears once"
    for finding in findings:
        assert (case / finding.path).is_file(), f"{finding.path} is not in the case"
        assert finding.severity in ("error", "warning", "info"), finding
        assert finding.line >= 1, finding
    sources = [p for p in case.rglob("*") if p.suffix.lower() in (".ps1", ".psm1", ".py")]
    assert sources, "a case holds runbook sources"


def test_known_wrong_names_existing_cases() -> None:
    names = {case.name for case in CASES}
    assert sorted(set(KNOWN_WRONG) - names) == []


def test_every_rule_has_a_labelled_true_positive() -> None:
    labelled = {f.code for case in CASES for f in expected_findings(case)}
    assert sorted(set(RULES_WITH_TRUE_POSITIVES) - labelled) == []


def test_silence_is_labelled_too() -> None:
    silent = [case.name for case in CASES if not expected_findings(case)]
    assert len(silent) >= 10, f"only {len(silent)} cases expect silence: {silent}"
