"""``--add-ignores``: where the suppressions go, that they suppress (round trip), that a
second run adds nothing, and that files keep their bytes otherwise."""

from __future__ import annotations

import codecs
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.api import AnalysisResult, analyze
from analyzer.cli import main
from analyzer.config import Config
from analyzer.engine.add_ignores import add_ignores
from analyzer.frontends.comment_sites import comment_sites
from analyzer.textio import encode
from tests.conftest import FIXTURES


def _analyze(root: Path, monkeypatch: pytest.MonkeyPatch, *select: str) -> AnalysisResult:
    monkeypatch.chdir(root)
    return analyze(["."], Config(select=select, jobs=1))


def _added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str, *select: str
) -> tuple[str, list[str]]:
    """The file's text after --add-ignores, and the problems reported."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    result = _analyze(tmp_path, monkeypatch, *select)
    assert result.diagnostics, "the case must have findings"
    outcome = add_ignores(result, result.diagnostics)
    assert not outcome.failed
    after = path.read_bytes().decode("utf-8") if path.exists() else ""
    return after, outcome.problems


def _suppressed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *select: str) -> None:
    """The round trip: nothing is reported any more, and no RB905 appeared."""
    again = _analyze(tmp_path, monkeypatch, *select, "RB905")
    assert [(d.path, d.code, d.message) for d in again.diagnostics] == []


# ---------------------------------------------------------------- placement


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        pytest.param(
            "Run.ps1",
            "$n = 'Ops'\n$c = Get-AutomationConnection -Name $n\n",
            "$n = 'Ops'\n"
            "$c = Get-AutomationConnection -Name $n  # runbook-analyzer: ignore[RB101]\n",
            id="end-of-line",
        ),
        pytest.param(
            "Run.ps1",
            "$n = 'Ops'\n$c = Get-AutomationConnection -Name $n",
            "$n = 'Ops'\n$c = Get-AutomationConnection -Name $n  # runbook-analyzer: ignore[RB101]",
            id="end-of-file-without-newline",
        ),
        pytest.param(
            "Run.ps1",
            "$rg = 'rg'; $aa = 'aa'\n"
            "    $c = Get-AzAutomationConnection -ResourceGroupName $rg `\n"
            "        -AutomationAccountName $aa -Name 'Ops'\n"
            "Write-Output $c.TenantId\n",
            "$rg = 'rg'; $aa = 'aa'\n"
            "    # runbook-analyzer: ignore[RB103]\n"
            "    $c = Get-AzAutomationConnection -ResourceGroupName $rg `\n"
            "        -AutomationAccountName $aa -Name 'Ops'\n"
            "Write-Output $c.TenantId\n",
            id="backtick-continued-line-above-with-indentation",
        ),
        pytest.param(
            "Run.ps1",
            "$n = 'Ops'\n$c = Get-AutomationConnection `\n    -Name $n `\n    -ErrorAction Stop\n",
            "$n = 'Ops'\n"
            "# runbook-analyzer: ignore[RB101]\n"
            "$c = Get-AutomationConnection `\n"
            "    -Name $n `\n"
            "    -ErrorAction Stop\n",
            id="middle-of-a-continued-command-above-its-first-line",
        ),
        pytest.param(
            "Run.ps1",
            "$n = 'Ops'\n"
            '$c = Get-AutomationConnection -Name $n; $body = @"\n'
            "Tenant: $($c.TenantId)\n"
            '"@\n',
            "$n = 'Ops'\n"
            "# runbook-analyzer: ignore[RB101]\n"
            '$c = Get-AutomationConnection -Name $n; $body = @"\n'
            "Tenant: $($c.TenantId)\n"
            '"@\n',
            id="line-ends-in-a-here-string",
        ),
        pytest.param(
            "Run.ps1",
            "$n = 'Ops'\n$c = Get-AutomationConnection -Name $n  # the operations connection\n",
            "$n = 'Ops'\n"
            "# runbook-analyzer: ignore[RB101]\n"
            "$c = Get-AutomationConnection -Name $n  # the operations connection\n",
            id="line-ends-in-another-comment",
        ),
        pytest.param(
            "Run.ps1",
            "$prefix = 'x'\n$c = Get-AutomationConnection -Name ($prefix +\n    'Ops')\n",
            "$prefix = 'x'\n"
            "# runbook-analyzer: ignore[RB101]\n"
            "$c = Get-AutomationConnection -Name ($prefix +\n    'Ops')\n",
            id="a-comment-at-the-end-would-enter-the-name-expression",
        ),
        pytest.param(
            "run.py",
            "import automationassets\n"
            "NAME = 'Ops'\n"
            "\n"
            "def main():\n"
            "    conn = automationassets.get_automation_connection(NAME); doc = '''\n"
            "    text'''\n"
            "    return conn, doc\n",
            "import automationassets\n"
            "NAME = 'Ops'\n"
            "\n"
            "def main():\n"
            "    # runbook-analyzer: ignore[RB101]\n"
            "    conn = automationassets.get_automation_connection(NAME); doc = '''\n"
            "    text'''\n"
            "    return conn, doc\n",
            id="python-line-ends-in-a-triple-quoted-string",
        ),
        pytest.param(
            "run.py",
            "import automationassets\n"
            "NAME = 'Ops'\n"
            "conn = automationassets.get_automation_connection(NAME)\n",
            "import automationassets\n"
            "NAME = 'Ops'\n"
            "conn = automationassets.get_automation_connection(NAME)"
            "  # runbook-analyzer: ignore[RB101]\n",
            id="python-end-of-line",
        ),
    ],
)
def test_placement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str, expected: str
) -> None:
    after, problems = _added(tmp_path, monkeypatch, name, text, "RB101", "RB103")
    assert problems == []
    assert after == expected
    _suppressed(tmp_path, monkeypatch, "RB101", "RB103")


@pytest.mark.parametrize(
    ("name", "text", "select", "where"),
    [
        pytest.param(
            "Run.ps1",
            '$n = \'Ops\'\n$x = "header\n" + (Get-AutomationVariable -Name $n) + `\n    "tail"\n',
            ("RB101",),
            "Run.ps1:3: no safe place for `# runbook-analyzer: ignore[RB101]` (the end of the "
            "line: it ends with a line continuation; above its line: it starts inside a string "
            "or comment)",
            id="powershell-line-starts-in-a-string-and-continues",
        ),
        pytest.param(
            "run.py",
            "import automationassets\n"
            "NAME = 'Ops'\n"
            'text = """header\n'
            '""" + automationassets.get_automation_variable(NAME) + \\\n'
            '    "tail"\n',
            ("RB101",),
            "run.py:4: no safe place for `# runbook-analyzer: ignore[RB101]` (the end of the "
            "line: it ends with a line continuation; above its line: it starts inside a string "
            "or comment)",
            id="python-line-starts-in-a-string-and-continues",
        ),
        pytest.param(
            "Run.ps1",
            "$n = 'Ops'\n"
            '$x = "header\n'
            '" + (Get-Date) + `\n'
            "    (Get-AutomationVariable -Name $n) + `\n"
            '    "tail"\n',
            ("RB101",),
            "Run.ps1:4: no safe place for `# runbook-analyzer: ignore[RB101]` (the end of the "
            "line: it ends with a line continuation; above line 3 (where its command starts): "
            "it starts inside a string or comment)",
            id="powershell-continued-command-starts-in-a-string",
        ),
        pytest.param(
            "legacy.py",
            "#!/usr/bin/env python2\nprint 'hello'\n",
            ("RB903",),
            "legacy.py:1: no safe place for `# runbook-analyzer: ignore[RB903]` (the end of the "
            "line: it ends in a comment; above its line: nothing may go above the shebang or "
            "encoding line)",
            id="shebang-line",
        ),
    ],
)
def test_no_safe_place_is_reported_and_nothing_written(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    text: str,
    select: tuple[str, ...],
    where: str,
) -> None:
    after, problems = _added(tmp_path, monkeypatch, name, text, *select)
    assert after == text
    assert problems == [f"{where}; use --baseline, or a file-ignore comment, for this finding"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "$rg = 'rg'; $aa = 'aa'; $n = 'Ops'\n"
            "$c = Get-AzAutomationConnection -ResourceGroupName $rg -AutomationAccountName $aa "
            "-Name $n  # runbook-analyzer: ignore[RB103] the migration is planned\n"
            "Write-Output $c.TenantId\n",
            "$rg = 'rg'; $aa = 'aa'; $n = 'Ops'\n"
            "$c = Get-AzAutomationConnection -ResourceGroupName $rg -AutomationAccountName $aa "
            "-Name $n  # runbook-analyzer: ignore[RB103,RB101] the migration is planned\n"
            "Write-Output $c.TenantId\n",
            id="same-line",
        ),
        pytest.param(
            "$rg = 'rg'; $aa = 'aa'; $n = 'Ops'\n"
            "# runbook-analyzer: ignore[RB103]\n"
            "$c = Get-AzAutomationConnection -ResourceGroupName $rg -AutomationAccountName $aa "
            "-Name $n\n"
            "Write-Output $c.TenantId\n",
            "$rg = 'rg'; $aa = 'aa'; $n = 'Ops'\n"
            "# runbook-analyzer: ignore[RB103,RB101]\n"
            "$c = Get-AzAutomationConnection -ResourceGroupName $rg -AutomationAccountName $aa "
            "-Name $n\n"
            "Write-Output $c.TenantId\n",
            id="line-above",
        ),
    ],
)
def test_merged_into_the_suppression_that_covers_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, expected: str
) -> None:
    after, problems = _added(tmp_path, monkeypatch, "Run.ps1", text, "RB101", "RB103")
    assert problems == []
    assert after == expected
    _suppressed(tmp_path, monkeypatch, "RB101", "RB103")


def test_a_configuration_with_its_brace_on_the_next_line_stays_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "configuration WebServer\n{\n    Node 'localhost' { }\n}\n"
    after, problems = _added(tmp_path, monkeypatch, "Baseline.ps1", text, "RB401")
    assert problems == []
    assert after.splitlines()[0] == "configuration WebServer  # runbook-analyzer: ignore[RB401]"
    _suppressed(tmp_path, monkeypatch, "RB401")


def test_several_rules_on_one_line_share_one_comment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "$rg = 'rg'; $aa = 'aa'; $n = 'Ops'\n"
        "$c = Get-AzAutomationConnection -ResourceGroupName $rg -AutomationAccountName $aa "
        "-Name $n\n"
        "Write-Output $c.TenantId\n"
    )
    after, problems = _added(tmp_path, monkeypatch, "Run.ps1", text, "RB101", "RB103")
    assert problems == []
    assert after.splitlines()[1].endswith("-Name $n  # runbook-analyzer: ignore[RB101,RB103]")
    _suppressed(tmp_path, monkeypatch, "RB101", "RB103")


# ------------------------------------------------------- bytes, encodings


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        pytest.param("utf-8", codecs.BOM_UTF8, id="utf8-bom"),
        pytest.param("utf-16-le", codecs.BOM_UTF16_LE, id="utf16le-bom"),
        pytest.param("cp1252", b"", id="windows1252"),
    ],
)
def test_encoding_bom_and_crlf_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str, bom: bytes
) -> None:
    text = (
        "# Caf\u00e9 \u2013 the operations runbook\r\n"
        "$n = 'Ops'\r\n"
        "$c = Get-AutomationConnection `\r\n"
        "    -Name $n `\r\n"
        "    -ErrorAction Stop\r\n"
        "$d = Get-AutomationVariable -Name $n\r\n"
    )
    expected = (
        "# Caf\u00e9 \u2013 the operations runbook\r\n"
        "$n = 'Ops'\r\n"
        "# runbook-analyzer: ignore[RB101]\r\n"
        "$c = Get-AutomationConnection `\r\n"
        "    -Name $n `\r\n"
        "    -ErrorAction Stop\r\n"
        "$d = Get-AutomationVariable -Name $n  # runbook-analyzer: ignore[RB101]\r\n"
    )
    path = tmp_path / "Run.ps1"
    path.write_bytes(bom + encode(text, encoding))
    result = _analyze(tmp_path, monkeypatch, "RB101")
    assert len(result.diagnostics) == 2
    outcome = add_ignores(result, result.diagnostics)
    assert (outcome.added, outcome.files, outcome.problems) == (2, 1, [])
    assert path.read_bytes() == bom + encode(expected, encoding)
    _suppressed(tmp_path, monkeypatch, "RB101")


def test_graphical_and_inventory_findings_are_skipped_with_the_alternatives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(FIXTURES / "rules" / "unused-asset" / "bad_unused", tmp_path / "repo")
    shutil.copy(
        FIXTURES
        / "rules"
        / "management-cmdlet-in-runbook"
        / "bad_graphical_connection_fields.graphrunbook",
        tmp_path / "repo" / "Graphical.graphrunbook",
    )
    root = tmp_path / "repo"
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    monkeypatch.chdir(root)
    result = analyze(["."], Config(select=("RB103", "RB203"), jobs=1, inventory=("inventory",)))
    assert {d.code for d in result.diagnostics} == {"RB103", "RB203"}
    outcome = add_ignores(result, result.diagnostics)
    assert (outcome.added, outcome.failed) == (0, False)
    assert outcome.skipped == len(result.diagnostics)
    assert outcome.problems == [
        "Graphical.graphrunbook: 1 finding not suppressed: a graphical runbook has no "
        "comments to hold a suppression; add a per-file-ignores entry to the configuration "
        "or use --baseline",
        "inventory/account.json: 2 findings not suppressed: an inventory file has no place "
        "for inline suppressions; add a per-file-ignores entry to the configuration or use "
        "--baseline",
    ]
    assert outcome.summary() == "Added no suppressions; 3 findings not suppressed (see above)"
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_a_failed_write_leaves_the_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "$n = 'Ops'\n$c = Get-AutomationConnection -Name $n\n"
    (tmp_path / "Run.ps1").write_text(text, encoding="utf-8")
    result = _analyze(tmp_path, monkeypatch, "RB101")

    def fail(*args: object) -> None:
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", fail)
    outcome = add_ignores(result, result.diagnostics)
    assert outcome.failed
    assert outcome.problems == ["Run.ps1: cannot write: Permission denied; the file is unchanged"]
    assert (tmp_path / "Run.ps1").read_text(encoding="utf-8") == text
    assert [p.name for p in tmp_path.iterdir()] == ["Run.ps1"]


def test_a_file_changed_since_the_analysis_is_not_touched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "Run.ps1").write_text("$c = Get-AutomationConnection -Name $n\n", encoding="utf-8")
    result = _analyze(tmp_path, monkeypatch, "RB101")
    (tmp_path / "Run.ps1").write_text("# rewritten\n", encoding="utf-8")
    outcome = add_ignores(result, result.diagnostics)
    assert outcome.failed
    assert "changed on disk since it was analysed" in outcome.problems[0]
    assert (tmp_path / "Run.ps1").read_text(encoding="utf-8") == "# rewritten\n"


# ---------------------------------------------------------------- the CLI


def _cli(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(main, ["check", "--isolated", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_round_trip_and_idempotence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "fixes" / "repo", root, ignore=shutil.ignore_patterns("expected*"))
    code, _, _ = _cli(["."], root, monkeypatch)
    assert code == 1
    code, out, err = _cli(["--add-ignores", "."], root, monkeypatch)
    assert (code, out) == (0, "")
    assert err.strip() == "Added 4 suppressions in 3 files"
    first = {p.name: p.read_bytes() for p in root.iterdir()}
    code, out, _ = _cli(["--no-source", "."], root, monkeypatch)
    assert code == 0
    assert out == "No findings in 3 files; not shown: 4 findings suppressed inline.\n"
    code, _, err = _cli(["--add-ignores", "."], root, monkeypatch)
    assert (code, err.strip()) == (0, "Added no suppressions")
    assert {p.name: p.read_bytes() for p in root.iterdir()} == first


# ------------------------------------------------------------ comment sites


def _sites(text: str, language: str) -> tuple[list[bool], list[bool]]:
    sites = comment_sites(text, language)
    lines = text.count("\n") + 1
    return (
        [sites.at_end(n) for n in range(1, lines + 1)],
        [sites.above(n) for n in range(1, lines + 1)],
    )


def test_powershell_comment_sites() -> None:
    text = (
        "#!/usr/bin/env pwsh\n"  # 1 a shebang: nothing above it, its end is a comment
        "$a = 1 # note\n"  # 2 ends in a comment
        "Get-X -A 1 `\n"  # 3 continued
        "    -B 2\n"  # 4 above it would break the continuation
        "$h = @'\n"  # 5 ends in a here-string
        "body\n"  # 6 inside
        "'@\n"  # 7 the terminator line starts inside the string
        "<# block\n"  # 8 ends in a block comment
        "#>\n"  # 9 starts in it
        "Get-Y `  \n"  # 10 a backtick before blanks counts as meant
        "    -C 3\n"  # 11
        "$s = \u2018multi\n"  # 12 a typographic quote opens a string too
        "line\u2019\n"  # 13
        "\n"  # 14 blank: no end-of-line comment
    )
    end, above = _sites(text, "powershell")
    assert end[:14] == [
        False, False, False, True, False, False, True, False, True, False, True, False, True,
        False,
    ]  # fmt: skip
    assert above[:14] == [
        False, True, True, False, True, False, False, True, False, True, False, True, False,
        True,
    ]  # fmt: skip


def test_python_comment_sites() -> None:
    text = (
        "# -*- coding: latin-1 -*-\n"  # 1 the encoding declaration stays on line 1
        "x = 1 + \\\n"  # 2 continued
        "    2\n"  # 3
        's = """a\n'  # 4 ends in a string
        'b"""\n'  # 5 starts in it
        "y = f(a,\n"  # 6 open bracket: a comment is fine
        "      b)  # c\n"  # 7 ends in a comment
    )
    end, above = _sites(text, "python")
    assert end[:7] == [False, False, True, False, True, True, False]
    assert above[:7] == [False, True, False, True, False, True, True]


def test_unparsable_regions_take_no_comment() -> None:
    end, above = _sites("$a = 1\n$b = (\n", "powershell")
    assert end[:1] == [True]
    assert not any(end[1:]) and not any(above[1:])


def test_an_unused_suppression_is_not_suppressed_but_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "$c = Get-AutomationConnection -Name 'Ops'  # runbook-analyzer: ignore[RB101]\n"
    (tmp_path / "Run.ps1").write_text(text, encoding="utf-8")
    result = _analyze(tmp_path, monkeypatch, "RB101", "RB905")
    assert [d.code for d in result.diagnostics] == ["RB905"]
    outcome = add_ignores(result, result.diagnostics)
    assert (outcome.added, outcome.skipped, outcome.failed) == (0, 1, False)
    assert outcome.problems == [
        "Run.ps1:1: RB905 is not suppressed inline: remove or correct the suppression it "
        "reports instead"
    ]
    assert (tmp_path / "Run.ps1").read_text(encoding="utf-8") == text
