"""The baseline: known findings hidden without line numbers, new ones shown, stale
entries reported (RB905) and pruned."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.test_cli import invoke

LEGACY = (
    "param([string]$Name, [string]$Other)\n"
    "$a = Get-AutomationConnection -Name $Name\n"
    "$b = Get-AutomationCertificate -Name $Other\n"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "Legacy.ps1").write_text(LEGACY, encoding="utf-8")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "Old.ps1").write_text(
        "param([string]$N)\n$v = Get-AutomationVariable -Name $N\n", encoding="utf-8"
    )
    return tmp_path


def check(repo: Path, *args: str) -> tuple[int, str]:
    return invoke(["check", "--isolated", "--no-source", *args], repo)


def write(repo: Path, *paths: str) -> dict:
    code, output = check(
        repo, *(paths or (".",)), "--baseline", "baseline.json", "--write-baseline"
    )
    assert code == 0, output
    return json.loads((repo / "baseline.json").read_text(encoding="utf-8"))


def test_written_baseline_hides_every_current_finding(repo: Path) -> None:
    document = write(repo)
    assert [(e["rule"], e["path"], e["subject"]) for e in document["findings"]] == [
        ("RB101", "other/Old.ps1", "$N"),
        ("RB101", "runbooks/Legacy.ps1", "$Name"),
        ("RB101", "runbooks/Legacy.ps1", "$Other"),
    ]
    assert all("line" not in entry for entry in document["findings"])
    code, output = check(repo, ".", "--baseline", "baseline.json")
    assert code == 0
    assert output.strip() == "No findings in 2 files; not shown: 3 findings hidden by the baseline."


def test_moving_code_keeps_findings_hidden(repo: Path) -> None:
    write(repo)
    legacy = repo / "runbooks" / "Legacy.ps1"
    legacy.write_text("# header\n\n\n" + LEGACY.replace("$a =", "$a  ="), encoding="utf-8")
    code, output = check(repo, ".", "--baseline", "baseline.json")
    assert (code, output.strip()) == (
        0,
        "No findings in 2 files; not shown: 3 findings hidden by the baseline.",
    )


def test_a_new_finding_of_the_same_rule_in_the_same_file_is_shown(repo: Path) -> None:
    write(repo)
    legacy = repo / "runbooks" / "Legacy.ps1"
    legacy.write_text(LEGACY + "$c = Get-AutomationPSCredential -Name $Name\n", encoding="utf-8")
    code, output = check(repo, ".", "--baseline", "baseline.json")
    assert code == 1
    assert "runbooks/Legacy.ps1:4:39: RB101" in output
    assert "not shown: 3 findings hidden by the baseline" in output


def test_identical_findings_are_counted(tmp_path: Path) -> None:
    stale = "Write-Output 'x'  # runbook-analyzer: ignore[RB101]\n"
    runbook = tmp_path / "a.ps1"
    runbook.write_text(stale * 2, "utf-8")
    document = write(tmp_path)
    assert [(e["rule"], e["count"]) for e in document["findings"]] == [("RB905", 2)]
    assert check(tmp_path, ".", "--baseline", "baseline.json")[0] == 0
    runbook.write_text(stale * 3, "utf-8")  # a third one is new
    code, output = check(tmp_path, ".", "--baseline", "baseline.json")
    assert code == 1
    assert "Found 1 finding (1 warning)" in output
    assert "2 findings hidden by the baseline" in output


def test_a_fixed_finding_leaves_a_stale_entry_reported_at_its_line(repo: Path) -> None:
    write(repo)
    legacy = repo / "runbooks" / "Legacy.ps1"
    legacy.write_text(LEGACY.replace("-Name $Other", "-Name 'Signing'"), encoding="utf-8")
    code, output = check(repo, ".", "--baseline", "baseline.json")
    assert code == 1
    assert output.splitlines()[0] == (
        "baseline.json:7:1: RB905 unused-suppression: baseline entry matches no finding: "
        "RB101 in runbooks/Legacy.ps1 (`$Other`) [warning]"
    )
    assert "= help: the finding is gone: remove the entry with --prune-baseline" in output

    code, output = check(repo, ".", "--baseline", "baseline.json", "--prune-baseline")
    assert code == 0
    assert "removed 1 finding that no longer match, kept 2 entries" in output
    assert check(repo, ".", "--baseline", "baseline.json")[0] == 0


def test_prune_adds_nothing(repo: Path) -> None:
    write(repo)
    (repo / "runbooks" / "New.ps1").write_text(
        "param($n)\nGet-AutomationVariable -Name $n\n", encoding="utf-8"
    )
    before = (repo / "baseline.json").read_bytes()
    assert check(repo, ".", "--baseline", "baseline.json", "--prune-baseline")[0] == 0
    assert (repo / "baseline.json").read_bytes() == before
    assert check(repo, ".", "--baseline", "baseline.json")[0] == 1


def test_checking_one_folder_leaves_the_other_entries_alone(repo: Path) -> None:
    write(repo)
    code, output = check(repo, "runbooks", "--baseline", "baseline.json")
    assert code == 0, output
    assert "RB905" not in output
    assert check(repo, "runbooks", "--baseline", "baseline.json", "--prune-baseline")[0] == 0
    document = json.loads((repo / "baseline.json").read_text(encoding="utf-8"))
    assert len(document["findings"]) == 3


def test_a_deleted_file_makes_its_entries_stale(repo: Path) -> None:
    write(repo)
    (repo / "other" / "Old.ps1").unlink()
    code, output = check(repo, "runbooks", "--baseline", "baseline.json")
    assert code == 1
    assert "RB101 in other/Old.ps1 (`$N`)" in output


def test_entries_of_rules_that_did_not_run_are_not_stale(repo: Path) -> None:
    write(repo)
    code, output = check(repo, ".", "--baseline", "baseline.json", "--select", "RB103,RB905")
    assert (code, "RB905" in output) == (0, False)


def test_paths_are_relative_to_the_baseline_file(repo: Path) -> None:
    write(repo)
    code, output = check(repo / "runbooks", ".", "--baseline", "../baseline.json")
    assert code == 0, output
    assert "2 findings hidden by the baseline" in output


def test_the_file_is_deterministic(repo: Path) -> None:
    write(repo)
    first = (repo / "baseline.json").read_bytes()
    write(repo)
    assert (repo / "baseline.json").read_bytes() == first
    assert first.endswith(b"\n") and b"\r" not in first


def test_machine_formats_say_on_stderr_what_the_baseline_hid(repo: Path) -> None:
    write(repo)
    code, output = check(repo, ".", "--baseline", "baseline.json", "--format", "json")
    assert code == 0
    assert "runbook-analyzer: not shown: 3 findings hidden by the baseline" in output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "baseline.json: baseline file not found; create it with `runbook-analyzer check"),
        ("{not json", "baseline.json:1:2: not valid JSON"),
        ('{"version": 1}', 'baseline.json: not a runbook-analyzer baseline (no "findings" list)'),
        ('{"version": 9, "findings": []}', "baseline format version 9 is not 1"),
        ('{"version": 1, "findings": [{"rule": 1}]}', "entry 1 needs the strings rule, path"),
    ],
)
def test_a_bad_baseline_is_a_usage_error(repo: Path, content: str | None, message: str) -> None:
    if content is not None:
        (repo / "baseline.json").write_text(content, encoding="utf-8")
    code, output = check(repo, ".", "--baseline", "baseline.json")
    assert code == 2
    assert output.startswith("runbook-analyzer: error: ")
    assert message in output


def test_writing_needs_a_baseline_path(repo: Path) -> None:
    code, output = check(repo, ".", "--write-baseline")
    assert code == 2
    assert "--write-baseline and --prune-baseline need --baseline FILE" in output


def test_the_configuration_can_name_the_baseline(repo: Path) -> None:
    (repo / ".runbook-analyzer.toml").write_text(
        'baseline = "ci/baseline.json"\n', encoding="utf-8"
    )
    (repo / "ci").mkdir()
    code, output = invoke(["check", ".", "--write-baseline"], repo)
    assert code == 0, output
    assert (repo / "ci" / "baseline.json").is_file()
    code, output = invoke(["check", "runbooks", "--no-source"], repo / "runbooks" / "..")
    assert code == 0, output
    assert "2 findings hidden by the baseline" in output
    # Resolved against the configuration's folder, whatever the working directory.
    code, output = invoke(["check", "."], repo / "runbooks")
    assert (code, "2 findings hidden by the baseline" in output) == (0, True)


def test_add_ignores_leaves_what_the_baseline_hides(repo: Path) -> None:
    write(repo)
    new = repo / "runbooks" / "New.ps1"
    new.write_text("param($n)\n$v = Get-AutomationVariable -Name $n\n", encoding="utf-8")
    legacy = (repo / "runbooks" / "Legacy.ps1").read_bytes()
    code, output = check(repo, ".", "--baseline", "baseline.json", "--add-ignores")
    assert code == 0, output
    assert (repo / "runbooks" / "Legacy.ps1").read_bytes() == legacy
    assert "# runbook-analyzer: ignore[RB101]" in new.read_text(encoding="utf-8")
    assert check(repo, ".", "--baseline", "baseline.json")[0] == 0


def test_a_baseline_that_cannot_be_written_is_a_usage_error(repo: Path) -> None:
    code, output = check(repo, ".", "--baseline", "missing/dir/b.json", "--write-baseline")
    assert code == 2
    assert output.startswith("runbook-analyzer: error: cannot write the baseline: missing/dir")
    assert not (repo / "missing").exists()


def test_a_new_baseline_gets_an_ordinary_file_mode(repo: Path) -> None:
    write(repo)
    mode = (repo / "baseline.json").stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask
