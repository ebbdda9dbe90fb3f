"""Nothing vanishes silently.

After every recovery path of the PowerShell frontend (merge-conflict markers, misleading
backticks, backtick escapes outside strings, ERROR regions read as text, typographic
punctuation, the swallowed-parameter fix, here-strings, unbalanced delimiters) the
lookups that follow are still extracted with their kind, name and line; where PowerShell
itself would not read them as code, the file gets an RB901 that says lookups may be
missing. The fixtures in ``fixtures/recovery`` are realistic files checked exactly; the
loops and the property test below put each construct in front of (and, where it can
hold one, around) a known lookup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.frontends.powershell import extract
from analyzer.model.facts import FileFacts
from tests.conftest import FIXTURES

RECOVERY = FIXTURES / "recovery"
EXPECTED = json.loads((RECOVERY / "expected.json").read_text(encoding="utf-8"))["files"]

#: What RB901 says when lookups may be missing: an imbalance, an unreadable lookup.
_INCOMPLETE = ("may be missing", "may be incomplete")


def _rb901(facts: FileFacts) -> list[tuple[int, int, str]]:
    return [
        (p.span.line, p.span.column, p.message)
        for p in facts.problems
        if p.code == "RB901" and p.span is not None
    ]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_recovery_fixture(name: str) -> None:
    expected = EXPECTED[name]
    facts = extract(name, (RECOVERY / name).read_text(encoding="utf-8"))
    refs = [
        [
            r.span.line if r.span else None,
            r.kind,
            r.callee,
            r.name.literal if r.name else None,
            r.name.expression if r.name else None,
            r.name.resolved if r.name else None,
        ]
        for r in facts.refs
    ]
    assert refs == expected["refs"]
    calls = [[c.span.line if c.span else None, c.callee, c.child.literal] for c in facts.calls]
    assert calls == expected["calls"]
    reported = _rb901(facts)
    assert [(line, column) for line, column, _ in reported] == [
        (line, column) for line, column, _ in expected["rb901"]
    ]
    for (_, _, message), (_, _, part) in zip(reported, expected["rb901"], strict=True):
        assert part in message
    for problem in facts.problems:
        if problem.message.startswith(("unterminated", "unexpected", "`")):
            # An imbalance: the reader must learn that lookups near it may be missing.
            assert any(words in (problem.help or "") for words in _INCOMPLETE)


def test_every_recovery_path_has_a_fixture() -> None:
    paths = " ".join(entry["path"] for entry in EXPECTED.values())
    for path in (
        "merge-conflict markers",
        "misleading backticks that break",
        "misleading backticks where PowerShell skips",
        "backtick escapes outside strings",
        "ERROR regions (text fallback)",
        "typographic quotes and dashes",
        "swallowed-parameter fix",
        "here-strings",
        "unbalanced delimiters: a block",
        "unbalanced delimiters: a string",
    ):
        assert path in paths
    assert sorted(p.name for p in RECOVERY.glob("*.ps1")) == sorted(EXPECTED)


# --- Each construct in front of each kind of lookup ------------------------------------


@dataclass(frozen=True)
class Construct:
    """Troublesome code; ``{lookup}`` marks a place inside it that can hold a statement.

    ``hides`` is for constructs after which PowerShell itself does not read the lookup
    as code (an unterminated string): there an RB901 saying so is the guarantee.
    """

    name: str
    text: str
    hides: bool = False


CONSTRUCTS = [
    Construct(
        "merge-conflict",
        "<<<<<<< HEAD\n$region = 'westeurope'\n=======\n$region = 'northeurope'\n"
        ">>>>>>> feature/region\n",
    ),
    Construct("backtick-space-breaks", "Get-AzVM -Name $vm `  \n    -ResourceGroupName $rg\n"),
    Construct(
        "backtick-space-hashtable", "$params = @{ ` \n    Name = $name ` \n    Force = $true\n}\n"
    ),
    Construct(
        "backtick-space-args", "$cred = New-Object PSCredential( ` \n    $user, ` \n    $pw)\n"
    ),
    Construct("escape-newline-string", 'Write-Verbose -Verbose `n"Connecting with $name"\n'),
    Construct("escape-tab-variable", "Write-Output `t$name\n"),
    Construct("escape-crlf", "Write-Output `r`n\n"),
    Construct("escape-inside-token", 'Write-Output Status`t"of $name"\n'),
    Construct("escape-single-quoted", "Write-Output `n'done at' (Get-Date)\n"),
    Construct("escaped-quotes", 'Write-Output `"quoted`" words\n'),
    Construct("escaped-spaces", "Write-Output Storage` account` for` logs:\n"),
    Construct(
        "dsc-method-value",
        "Configuration Web {\n    param([PSCredential] $Admin)\n    Node localhost {\n"
        "        User Admin {\n            UserName = $Admin.GetNetworkCredential().UserName\n"
        "            Password = {lookup}\n        }\n    }\n}\n",
    ),
    Construct(
        "inlinescript-pscomputername",
        "workflow Restart-Farm {\n    param([string[]] $Servers)\n    InlineScript {\n"
        "        Restart-WebAppPool -Name 'Default'\n    } -PSComputerName $Servers\n"
        "    $x = {lookup}\n}\n",
    ),
    Construct(
        "foreach-parallel-throttlelimit",
        "workflow Stop-Farm {\n    param([string[]] $Servers)\n"
        "    foreach -parallel -throttlelimit 5 ($s in $Servers) {\n        $x = {lookup}\n"
        "    }\n}\n",
    ),
    Construct(
        "loop-label", ":outer foreach ($a in 1..3) {\n    $x = {lookup}\n    break outer\n}\n"
    ),
    Construct("jagged-array-type", "[string[][]] $matrix = @(@('a'), @('b'))\n"),
    Construct("typographic", "Write-Output \u201cStarting $name\u201d \u2013NoEnumerate\n"),
    Construct("here-string-verbatim", "$t = @'\nif ($x) { ) } ] \" '\n'@\n"),
    Construct("here-string-expandable", '$t = @"\n{ "at": "$(Get-Date)" ) }\n"@\n'),
    Construct(
        "calculated-property", "Get-AzVM | Select-Object Name, @{ N = 'Size'; E = { $_.X } }\n"
    ),
    Construct("unclosed-brace", "if ($ready) {\n    Write-Output 'ready'\n\n"),
    Construct("stray-brace", "Write-Output 'done' }\n"),
    Construct("unclosed-paren", "$n = ($items.Count + 1\n"),
    Construct("unterminated-single-quote", "Write-Output 'Reading settings\n", hides=True),
    Construct("unterminated-double-quote", 'Write-Output "Reading settings\n', hides=True),
]


@dataclass(frozen=True)
class Lookup:
    text: str
    kind: str
    literal: str | None = None
    expression: str | None = None


LOOKUPS = [
    Lookup("Get-AutomationVariable -Name 'Region'", "variable", literal="Region"),
    Lookup(
        "Get-AutomationConnection -Name $ConnectionName", "connection", expression="$ConnectionName"
    ),
    Lookup("Get-AutomationPSCredential 'SqlAdmin'", "credential", literal="SqlAdmin"),
    Lookup("Get-AutomationCertificate -Name:'Signing'", "certificate", literal="Signing"),
    Lookup(
        "Get-AutomationVariable \u2013Name \u201cRetention Days\u201d",
        "variable",
        literal="Retention Days",
    ),
    Lookup(
        'Get-AutomationConnection -Name "$($Prefix)-Spn"',
        "connection",
        expression='"$($Prefix)-Spn"',
    ),
]

_PREAMBLE = "$ConnectionName = 'OpsConnection'\n$Prefix = 'Contoso'\n"
_EPILOGUE = "Write-Output 'finished'\n"


def _text(constructs: list[Construct], lookup: Lookup, inside: bool) -> tuple[str, int]:
    """The file and the 1-based line of the lookup."""
    parts = [_PREAMBLE]
    for index, construct in enumerate(constructs):
        last = index == len(constructs) - 1
        body = construct.text
        if "{lookup}" in body:
            body = body.replace("{lookup}", "@@LOOKUP@@" if inside and last else "'filler'")
        parts.append(body)
    text = "".join(parts)
    if "@@LOOKUP@@" in text:
        text = text.replace("@@LOOKUP@@", lookup.text) + _EPILOGUE
    else:
        text = text + f"$found = {lookup.text}\n" + _EPILOGUE
    line = text[: text.index(lookup.text)].count("\n") + 1
    return text, line


def _assert_found_or_reported(constructs: list[Construct], lookup: Lookup, inside: bool) -> None:
    text, line = _text(constructs, lookup, inside)
    facts = extract("probe.ps1", text)
    found = [r for r in facts.refs if r.span is not None and r.span.line == line]
    ok = len(found) == 1 and (
        found[0].kind == lookup.kind
        and found[0].name is not None
        and found[0].name.literal == lookup.literal
        and found[0].name.expression == lookup.expression
    )
    if ok:
        return
    assert any(c.hides for c in constructs), (
        f"lookup on line {line} lost after {[c.name for c in constructs]}: {found}\n{text}"
    )
    # Not code for PowerShell either; then the file must say that lookups may be missing.
    assert any(
        any(words in (p.help or "") + p.message for words in _INCOMPLETE)
        for p in facts.problems
        if p.code == "RB901"
    ), f"silent loss after {[c.name for c in constructs]}\n{text}"


@pytest.mark.parametrize("lookup", LOOKUPS, ids=lambda lookup: lookup.text[:40])
@pytest.mark.parametrize("construct", CONSTRUCTS, ids=lambda construct: construct.name)
def test_lookup_after_construct(construct: Construct, lookup: Lookup) -> None:
    _assert_found_or_reported([construct], lookup, inside=False)


@pytest.mark.parametrize("lookup", LOOKUPS, ids=lambda lookup: lookup.text[:40])
@pytest.mark.parametrize(
    "construct", [c for c in CONSTRUCTS if "{lookup}" in c.text], ids=lambda c: c.name
)
def test_lookup_inside_construct(construct: Construct, lookup: Lookup) -> None:
    _assert_found_or_reported([construct], lookup, inside=True)


_TRANSPARENT = [
    c for c in CONSTRUCTS if not c.hides and "brace" not in c.name and "paren" not in c.name
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(_TRANSPARENT), min_size=1, max_size=4),
    st.sampled_from(LOOKUPS),
    st.booleans(),
)
def test_lookup_after_any_sequence_of_constructs(
    constructs: list[Construct], lookup: Lookup, inside: bool
) -> None:
    """Recoveries compose: a lookup after several troublesome constructs is still found.
    (Unbalanced ones are left out: one unclosed bracket changes what every later one
    means.)"""
    _assert_found_or_reported(constructs, lookup, inside)


def test_hiding_constructs_are_always_reported() -> None:
    """After a construct that hides code from PowerShell, RB901 says lookups may be
    missing whether or not the text fallback happened to find them; and the ``hides``
    flag is needed (some lookup is lost), else it would excuse nothing."""
    for construct in (c for c in CONSTRUCTS if c.hides):
        lost = 0
        for lookup in LOOKUPS:
            text, line = _text([construct], lookup, inside=False)
            facts = extract("probe.ps1", text)
            lost += not [r for r in facts.refs if r.span and r.span.line == line]
            assert any(words in (p.help or "") for p in facts.problems for words in _INCOMPLETE), (
                construct.name
            )
        assert lost, construct.name


# --- The text fallback reads arguments as PowerShell binds them ------------------------

_DSC = (
    "Configuration Web {{\n"
    "    param([PSCredential] $Admin, [string] $CredentialName = 'WebAdmin')\n"
    "    Node localhost {{\n        User Admin {{\n"
    "            UserName = $Admin.GetNetworkCredential().UserName\n"
    "            Password = {value}\n        }}\n    }}\n}}\n"
)


@pytest.mark.parametrize(
    ("value", "literal", "expression", "resolved", "tags"),
    [
        (
            "Get-AutomationPSCredential -Name $CredentialName",
            None,
            "$CredentialName",
            "WebAdmin",
            set(),
        ),
        (
            "Get-AutomationPSCredential -ErrorAction Stop -Name 'WebAdmin'",
            "WebAdmin",
            None,
            None,
            set(),
        ),
        ("Get-AutomationPSCredential -Na 'WebAdmin'", "WebAdmin", None, None, set()),
        (
            "Get-AutomationPSCredential -Name:$CredentialName",
            None,
            "$CredentialName",
            "WebAdmin",
            set(),
        ),
        ("Get-AutomationPSCredential 'WebAdmin'", "WebAdmin", None, None, {"positional"}),
        (
            "Get-AutomationPSCredential `\n                -Name 'WebAdmin'",
            "WebAdmin",
            None,
            None,
            set(),
        ),
        ("Get-AutomationPSCredential @credentialArgs", None, "@credentialArgs", None, set()),
        (
            "Orchestrator.AssetManagement.Cmdlets\\Get-AutomationPSCredential -Name 'WebAdmin'",
            "WebAdmin",
            None,
            None,
            set(),
        ),
    ],
)
def test_fallback_binds_like_a_parsed_command(
    value: str, literal: str | None, expression: str | None, resolved: str | None, tags: set[str]
) -> None:
    facts = extract("Web.ps1", _DSC.format(value=value))
    refs = [r for r in facts.refs if r.span and r.span.line == 6]
    assert len(refs) == 1
    ref = refs[0]
    assert "fallback" in ref.tags  # this really is the text path
    assert ref.name is not None
    assert (ref.name.literal, ref.name.expression, ref.name.resolved) == (
        literal,
        expression,
        resolved,
    )
    assert tags <= ref.tags
    assert facts.problems == []


def test_fallback_never_takes_a_parameter_for_the_name() -> None:
    """The old scan read ``-Name`` itself as a literal asset name (a false RB102)."""
    facts = extract(
        "Web.ps1", _DSC.format(value="Get-AutomationPSCredential -Name $CredentialName")
    )
    assert all(r.name is None or r.name.literal != "-Name" for r in facts.refs)


@pytest.mark.parametrize(
    "value",
    [
        "Get-AutomationPSCredential",
        "Get-AutomationPSCredential -ErrorAction Stop",
        "Get-AutomationPSCredential -Name",
    ],
)
def test_unreadable_lookup_in_an_error_region_is_reported(value: str) -> None:
    """A lookup whose name cannot be read is never dropped silently."""
    facts = extract("Web.ps1", _DSC.format(value=value))
    assert not [r for r in facts.refs if r.span and r.span.line == 6]
    [problem] = facts.problems
    assert (problem.code, problem.span and problem.span.line) == ("RB901", 6)
    assert "`Get-AutomationPSCredential`" in problem.message
    assert "may be incomplete" in problem.message


def test_fallback_skips_strings_comments_and_local_functions() -> None:
    text = _DSC.format(
        value="Get-AutomationPSCredential -Name 'WebAdmin' # Get-AutomationVariable -Name 'X'"
    ).replace(
        "Configuration Web",
        "function Get-AutomationVariable { param($Name) 'local' }\nConfiguration Web",
    )
    facts = extract("Web.ps1", text)
    assert [(r.span.line, r.callee) for r in facts.refs if r.span] == [
        (7, "Get-AutomationPSCredential")
    ]
