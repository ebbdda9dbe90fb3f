"""PowerShell RB901: real syntax errors are found, valid PowerShell is never reported."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.api import analyze
from analyzer.config import Config
from analyzer.frontends.powershell.problems import misleading_backticks, unbalanced
from tests.conftest import FIXTURES

#: Fixture files that contain a real PowerShell syntax error on purpose.
KNOWN_BROKEN = {
    "FileServer.ps1",  # merge-conflict markers
    "Get-VmSizingReport.ps1",  # backticks followed by spaces
    "Get-StorageKeys.ps1",  # Python saved as .ps1 (analysed as Python)
    "merge_conflict_markers.ps1",
    "backtick_trailing_spaces.ps1",
    "python_as_ps1.ps1",
}


def test_no_parse_errors_in_valid_powershell_fixtures() -> None:
    """The grammar rejects parts of these files; none of them is a user error."""
    folders = [
        FIXTURES / "extraction" / "powershell",
        FIXTURES / "grammar",
        FIXTURES / "demo",
    ]
    result = analyze([str(f) for f in folders], Config(select=("RB901",), jobs=1))
    reported = sorted(
        f"{d.path}:{d.span.line}: {d.message}"
        for d in result.diagnostics
        if d.path.rsplit("/", 1)[-1] not in KNOWN_BROKEN
    )
    assert reported == []
    broken = {d.path.rsplit("/", 1)[-1] for d in result.diagnostics}
    assert broken == KNOWN_BROKEN - {"Get-StorageKeys.ps1", "python_as_ps1.ps1"}


@pytest.mark.parametrize(
    "source",
    [
        '$a = @{ k = @(1, 2); s = "x $(Get-Date) y" }\n',
        "$h = @'\n ) } ] \" '\n'@\n",
        '$h = @"\n ) } $(Get-Date) "\n"@\n',
        "# ( { [\n<# ) } ] #>\nWrite-Output 'it''s'\n",
        'Write-Output "a `" b `$( c"\n',
        'Write-Output "say ""hi"" ("\n',
        "$x = \"$($y.Split(')')[0])\"\n",
        "Get-Thing -Filter { $_.Name -like '*)' }\n",
        "${env:ProgramFiles(x86)}\n",
        "Write-Output a#b ( )\n",
    ],
)
def test_balanced(source: str) -> None:
    assert unbalanced(source) is None


@pytest.mark.parametrize(
    ("source", "line", "column", "message"),
    [
        ("if ($x) {\n  Write-Output 1\n", 1, 9, "`{` opened here is never closed"),
        ("if ($x) { ) }\n", 1, 11, "unexpected `)`: the `{` opened at line 1, column 9"),
        ("Write-Output 1 }\n", 1, 16, "unexpected `}`: nothing is open here to close"),
        ("Write-Output 'abc\n", 1, 14, "unterminated string: the `'`"),
        ('Write-Output "abc\n', 1, 14, 'unterminated string: the `"`'),
        ("$h = @'\nabc\n", 1, 6, "unterminated here-string"),
        ("<# help\nWrite-Output 1\n", 1, 1, "unterminated block comment"),
        ('Write-Output "$(Get-Date"\n', 1, 25, 'unterminated string: the `"`'),
    ],
)
def test_unbalanced(source: str, line: int, column: int, message: str) -> None:
    problem = unbalanced(source)
    assert problem is not None
    assert (problem.span.line, problem.span.column) == (line, column)
    assert message in problem.message


def test_misleading_backticks() -> None:
    problems = misleading_backticks("Get-X `  \r\n  -Name 'a' `\n  -B 1 `\t\n")
    assert [(p.span.line, p.span.column, p.span.end_column) for p in problems] == [
        (1, 7, 10),
        (3, 8, 10),
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="(){}[]'\"`$@#<>\n x", max_size=60))
def test_scanner_never_raises(source: str) -> None:
    unbalanced(source)
