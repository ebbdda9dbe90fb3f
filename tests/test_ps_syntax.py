"""PowerShell RB901: real syntax errors are found, valid PowerShell is never reported."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.api import analyze
from analyzer.config import Config
from analyzer.frontends.powershell import extract
from analyzer.frontends.powershell.problems import misleading_backticks, unbalanced
from analyzer.frontends.powershell.text import normalise
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
    problems = misleading_backticks("Get-X `  \r\n  -Name 'a' `\n  -B 1 `\t\n  -C 2\n")
    assert [(p.span.line, p.span.column, p.span.end_column) for p in problems] == [
        (1, 7, 10),
        (3, 8, 10),
    ]
    assert "`-Name` on the next line is not part of the command" in problems[0].message
    assert "`-C` on the next line" in problems[1].message


#: A backtick before trailing blanks escapes the first blank, so PowerShell sees a plain
#: newline there. These break the statement the author meant to continue.
BREAKING = [
    # The next line is a parameter: "Missing expression after unary operator '-'".
    ("Get-AzVM -Name $vm `  \n    -ResourceGroupName $rg\n", "`-ResourceGroupName` on the"),
    # A hashtable value is a statement: the newline ends it, `-Bar` is no key.
    ("$h = @{\n  Name = Get-Foo ` \n    -Bar 1\n}\n", "`-Bar` on the next line"),
    # A parenthesised pipeline ends at a newline too ("Missing closing ')'").
    ("$x = (Get-Foo ` \n  -Bar 1)\n", "`-Bar` on the next line"),
    ("if ($a -ne $null ` \n    -and $b) { }\n", "`-and` on the next line"),
    ('$c = "$(Get-Foo ` \n  -Bar)"\n', "`-Bar` on the next line"),
    ("$vms | ForEach-Object { Stop-AzVM ` \n  -Force }\n", "`-Force` on the next line"),
    # The command or parameter that ends the line loses what follows.
    ("$v = Get-AutomationVariable ` \n  'Region'\n", "`'Region'` on the next line is not"),
    ("Invoke-Command -ScriptBlock ` \n  { hostname }\n", "`{` on the next line is not part"),
    ("$vms | ForEach-Object ` \n  { $_.Name }\n", "`{` on the next line is not part"),
]

#: Where PowerShell skips a newline or expects one, the misleading backtick changes
#: nothing: no RB901 (Microsoft's gallery runbooks are full of these).
HARMLESS = [
    # An empty pipe element in Windows PowerShell 5.1, a continued pipeline in PowerShell 7:
    # the runtime is not known, so precision first.
    "Get-AzVM ` \n  | Stop-AzVM\n",
    "$params = @{ ` \n    ResourceGroupName = $rg ` \n    Name = $name\n}\n",
    "$tiers = @{ Up = 'PremiumV3'; ` \n    Down = 'Standard' }\n",
    "$h = @{ 'Key' = 1 ` \n    \"Other\" = 2 ` \n}\n",
    "$cred = New-Object PSCredential( ` \n    $user, ` \n    $pass)\n",
    "$s = [string]::Format('{0} {1}', ` \n    $a, ` \n    $b)\n",
    "$list = @( ` \n    'a', ` \n    'b' ` \n)\n",
    "$ok = $a -and ` \n    $b\n",
    "$n = $a + ` \n    $b\n",
    "$text = '{0}' -f ` \n    $a\n",
    "Get-AzVM | ` \n    Stop-AzVM\n",
    "$x = ` \n    Get-AzVM\n",
    "if ($x) { ` \n    Write-Output 1\n}\n",
    "if ($x) { 'y' } ` \nelse { 'n' }\n",
    "try { Get-AzVM } ` \ncatch { throw }\n",
    "Write-Output 'a' ` \n\nWrite-Output 'b'\n",
    "Write-Output 'a' ` \n# next\nWrite-Output 'b'\n",
    "Write-Output 'a' ` \n$b = Get-AzVM\n",
    "param(\n    [Parameter(Mandatory = $true)] ` \n    [string] $Name\n)\n",
    # A value after a value: either reading is plausible, so nothing is said.
    "Write-Output $a ` \n    $b\n",
    # Not code: strings, here-strings and comments keep their backticks.
    '$s = "line one ` \nline two"\n',
    "$h = @'\nGet-AzVM ` \n    -Name x\n'@\n",
    "<#\nGet-AzVM ` \n    -Name x\n#>\n",
    "# Get-AzVM ` \n",
    "Write-Output 'last line' ` \n",
]


@pytest.mark.parametrize(("source", "consequence"), BREAKING)
def test_misleading_backtick_that_breaks_the_statement(source: str, consequence: str) -> None:
    problems = misleading_backticks(source)
    assert len(problems) == 1
    assert consequence in problems[0].message
    assert len(problems[0].message) <= 160


@pytest.mark.parametrize("source", HARMLESS)
def test_harmless_misleading_backtick_is_silent(source: str) -> None:
    assert misleading_backticks(source) == []
    assert unbalanced(source) is None


@pytest.mark.parametrize("source", [*HARMLESS, *(s for s, _ in BREAKING)])
def test_normalised_text_keeps_every_line_length(source: str) -> None:
    """The parser's text differs only where PowerShell reads something else, and never
    in the length of a line: columns of facts are those of the original."""
    normalized = normalise(source)
    assert [len(line) for line in normalized.split("\n")] == [
        len(line) for line in source.split("\n")
    ]


def test_harmless_backtick_is_parsed_as_a_newline() -> None:
    """As a line continuation this hashtable would read ``Name = 'Region' ErrorAction =
    'Stop'`` and not parse; PowerShell reads two entries, and so does the frontend."""
    facts = extract(
        "t.ps1",
        "$params = @{ ` \n    Name = 'Region' ` \n    ErrorAction = 'Stop'\n}\n"
        "$region = Get-AutomationVariable @params\n",
    )
    assert [(r.span.line, r.name.literal) for r in facts.refs if r.name] == [(5, "Region")]
    assert facts.problems == []


def test_breaking_backtick_is_parsed_as_the_author_meant() -> None:
    """RB901 says the statement breaks; the lookup still gets the name that was meant."""
    facts = extract("t.ps1", "$region = Get-AutomationVariable `  \n    -Name 'Region'\n")
    assert [(r.span.line, r.name.literal) for r in facts.refs if r.name] == [(1, "Region")]
    assert [p.span.line for p in facts.problems] == [1]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="(){}[]'\"`$@#<>\n x", max_size=60))
def test_scanner_never_raises(source: str) -> None:
    unbalanced(source)


def _rb901(source: str) -> list[tuple[int, int, str]]:
    from analyzer.frontends.powershell import extract

    facts = extract("Runbook.ps1", source)
    return [(p.span.line, p.span.column, p.message) for p in facts.problems if p.span]


def test_indented_here_string_terminator_is_reported() -> None:
    """PowerShell: "White space is not allowed before the string terminator"."""
    source = (
        '$body = @"\n<p>Certificates expiring soon</p>\n    "@\n'
        "$cred = Get-AutomationPSCredential -Name 'Smtp'\n"
    )
    ((line, column, message),) = _rb901(source)
    assert (line, column) == (1, 9)
    assert 'closing `"@` on line 3 is indented' in message


def test_here_string_terminator_at_the_line_start_is_fine() -> None:
    assert _rb901('$body = @"\n  indented content is fine\n"@\nWrite-Output $body\n') == []


@pytest.mark.parametrize(
    ("source", "column"),
    [
        ('Write-Warning "Skipping $subscription: $($_.Exception.Message)"\n', 25),
        ('"$server:"\n', 2),
    ],
)
def test_drive_qualified_variable_without_a_name_is_reported(source: str, column: int) -> None:
    ((line, found, message),) = _rb901(source)
    assert (line, found) == (1, column)
    assert "is not a valid variable reference" in message


@pytest.mark.parametrize(
    "source",
    [
        '"$env:COMPUTERNAME: up"\n',
        '"${server}: up"\n',
        '"$($server): up"\n',
        '"$using:cred"\n',
        "'$server: single quotes are verbatim'\n",
        '"$server:80"\n',
        '# "$server: in a comment"\n',
    ],
)
def test_valid_colons_after_variables_are_silent(source: str) -> None:
    assert _rb901(source) == []
