"""Focused PowerShell extraction cases (the labelled corpus covers realistic files)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.frontends.powershell import extract
from analyzer.frontends.powershell.cmdlets import CMDLETS, Element, bind


def refs(source: str) -> list[tuple]:
    facts = extract("Test.ps1", source)
    return [
        (
            r.kind,
            r.operation,
            r.name.literal if r.name else None,
            r.name.resolved if r.name else None,
        )
        for r in facts.refs
    ]


def names(source: str) -> list[str | None]:
    return [r.name.effective if r.name else None for r in extract("Test.ps1", source).refs]


@pytest.mark.parametrize(
    "source",
    [
        "Get-AutomationVariable -Name 'Region'",
        "Get-AutomationVariable -Name:'Region'",
        "Get-AutomationVariable -Name Region",
        'Get-AutomationVariable -Name "Region"',
        "Get-AutomationVariable 'Region'",
        "Get-AutomationVariable -N 'Region'",
        "Get-AutomationVariable -Nam 'Region'",
        "GET-AUTOMATIONVARIABLE -name 'Region'",
        "Get-AutomationVariable \u2013Name 'Region'",
        "Get-AutomationVariable \u2014Name:'Region'",
        "Get-AutomationVariable \u2015Name 'Region'",
        "Get-AutomationVariable -Name \u201cRegion\u201d",
        "Get-AutomationVariable -Name \u2018Region\u2019",
        "Get-AutomationVariable -DoNotDecrypt 'Region'",
        "Get-AutomationVariable -Verbose -Name 'Region'",
        "Get-AutomationVariable `\n    -Name 'Region'",
        "$x = (Get-AutomationVariable -Name 'Region')",
        "Write-Output \"$(Get-AutomationVariable -Name 'Region')\"",
        "$p = @{ Name = 'Region' }\nGet-AutomationVariable @p",
        "$p = @{ 'Name' = 'Region'; Verbose = $true }\nGet-AutomationVariable @p",
    ],
)
def test_name_binding(source: str) -> None:
    assert names(source) == ["Region"]


@pytest.mark.parametrize(
    "source",
    [
        "# Get-AutomationVariable -Name 'Region'",
        "<# Get-AutomationVariable -Name 'Region' #>",
        "$s = 'Get-AutomationVariable -Name Region'",
        '$s = "Get-AutomationVariable -Name Region"',
        "$h = @'\nGet-AutomationVariable -Name 'Region'\n'@",
        '$h = @"\nGet-AutomationVariable -Name Region\n"@',
        "$map = @{ 'Get-AutomationVariable' = 'Get-AzAutomationVariable' }",
        "Write-Output Get-AutomationVariable",
        "function Get-AutomationVariable { 'x' }\nGet-AutomationVariable -Name 'Region'",
    ],
)
def test_not_calls(source: str) -> None:
    assert extract("Test.ps1", source).refs == []


def test_whatif_probe_is_tagged() -> None:
    (ref,) = extract("T.ps1", "Get-AutomationVariable -Name DummyVar -WhatIf").refs
    assert "whatif" in ref.tags


def test_management_enumeration_has_no_name() -> None:
    (ref,) = extract(
        "T.ps1", "Get-AzAutomationConnection -ResourceGroupName rg -AutomationAccountName aa"
    ).refs
    assert ref.operation == "management" and ref.name is None and "enumeration" in ref.tags


def test_management_positional_name_is_third() -> None:
    assert refs("Get-AzAutomationVariable rg aa 'Region'") == [
        ("variable", "management", "Region", None)
    ]
    assert refs("Get-AzureAutomationCredential aa 'Cred'") == [
        ("credential", "management", "Cred", None)
    ]


@pytest.mark.parametrize(
    ("source", "resolved"),
    [
        ("param($N = 'A')\nGet-AutomationVariable -Name $N", "A"),
        ("$N = 'A'\nGet-AutomationVariable -Name $N", "A"),
        ("[string]$N = 'A'\nGet-AutomationVariable -Name $N", "A"),
        ("if ($x) { $N = 'A' } else { $N = 'A' }\nGet-AutomationVariable -Name $N", "A"),
        ("if ($x) { $N = 'A' } else { $N = 'B' }\nGet-AutomationVariable -Name $N", None),
        ("$N = 'A'\n$N = 'B'\nGet-AutomationVariable -Name $N", None),
        ("param([Parameter(Mandatory)]$N)\nGet-AutomationVariable -Name $N", None),
        ("param($N = 'A')\n$N = $N.Trim()\nGet-AutomationVariable -Name $N", None),
        ("param($N)\n$N = $N\nGet-AutomationVariable -Name $N", None),
        ("foreach ($N in 'A','B') { Get-AutomationVariable -Name $N }", None),
        ("$N = 'A'\n# $N = 'B'\nGet-AutomationVariable -Name $N", "A"),
        ("$N = 'A'\n$N += 'B'\nGet-AutomationVariable -Name $N", None),
        ("$e = 'prod'\nGet-AutomationVariable -Name \"Sql-$e\"", "Sql-prod"),
        ("$e = 'prod'\nGet-AutomationVariable -Name \"Sql-$($e)\"", "Sql-prod"),
        ("$e = 'prod'\nGet-AutomationVariable -Name \"Sql-$($e.ToUpper())\"", None),
        ("$a = 'X'\n$N = $a\nGet-AutomationVariable -Name $N", "X"),
        ("$N = 'A'\nfunction F { Get-AutomationVariable -Name $N }", "A"),
        ("$N = 'A'\nfunction F { $N = 'B'; Get-AutomationVariable -Name $N }", "B"),
        ("function F {\n  param($N = 'B')\n  Get-AutomationVariable -Name $N\n}\n$N = 'A'", "B"),
        ("Get-ChildItem | ForEach-Object { Get-AutomationVariable -Name $_.Name }", None),
        ("Get-AutomationVariable -Name $env:REGION", None),
        (
            "param($C = 'Use default')\n"
            "if ($C -eq 'Use default') { Get-AutomationPSCredential -Name 'Fallback' }\n"
            "else { Get-AutomationPSCredential -Name $C }",
            None,
        ),
        (
            "workflow W {\n  $N = 'A'\n  InlineScript { Get-AutomationVariable -Name $Using:N }\n}",
            "A",
        ),
        ("workflow W {\n  $N = 'A'\n  InlineScript { Get-AutomationVariable -Name $N }\n}", None),
        ("$script:N = 'A'\nfunction F { Get-AutomationVariable -Name $script:N }", "A"),
    ],
)
def test_constant_resolution(source: str, resolved: str | None) -> None:
    facts = extract("Test.ps1", source)
    dynamic = [r for r in facts.refs if r.name and r.name.dynamic]
    assert len(dynamic) == 1
    assert dynamic[0].name.resolved == resolved


def test_dsc_property_value_lookup() -> None:
    source = (
        "Configuration C {\n  Node localhost {\n    User U {\n"
        "      UserName = 'svc'\n      Password = Get-AutomationPSCredential -Name 'Svc'\n"
        "    }\n  }\n}\n"
    )
    facts = extract("C.ps1", source)
    assert [(r.kind, r.name.literal, r.span.line) for r in facts.refs] == [("credential", "Svc", 5)]
    assert facts.runbook.kind == "dsc-configuration"
    assert [d.name for d in facts.runbook.declarations] == ["C"]


@pytest.mark.parametrize(
    ("source", "child", "callee"),
    [
        (
            "Start-AzAutomationRunbook -Name 'Child' -ResourceGroupName rg -AutomationAccount aa",
            "Child",
            "Start-AzAutomationRunbook",
        ),
        ("Start-AzAutomationRunbook rg aa 'Child'", "Child", "Start-AzAutomationRunbook"),
        (
            "Start-AzAutomationRunbook -RunbookName 'Child' -ResourceGroupName rg -Automation aa",
            "Child",
            "Start-AzAutomationRunbook",
        ),
        (
            "start-azurermautomationrunbook -Name Child -ResourceGroup rg -AutomationAccount aa",
            "Child",
            "start-azurermautomationrunbook",
        ),
        ("Start-AzureAutomationRunbook aa 'Child'", "Child", "Start-AzureAutomationRunbook"),
        ("Start-AutomationRunbook 'Child'", "Child", "Start-AutomationRunbook"),
        (".\\Child.ps1", "Child", ".\\Child.ps1"),
        ("& .\\Child.ps1 -P 1", "Child", ".\\Child.ps1"),
        (". ./Child.ps1", "Child", "./Child.ps1"),
        ('& "$PSScriptRoot\\Child.ps1"', "Child", '"$PSScriptRoot\\Child.ps1"'),
        (
            "$s = @{ Name = 'Child'; ResourceGroupName = 'rg' }\nStart-AzAutomationRunbook @s",
            "Child",
            "Start-AzAutomationRunbook",
        ),
        (
            "param($C = 'Child')\nStart-AutomationRunbook -Name $C",
            "Child",
            "Start-AutomationRunbook",
        ),
    ],
)
def test_child_calls(source: str, child: str, callee: str) -> None:
    (call,) = extract("Parent.ps1", source).calls
    assert call.child.effective == child
    assert call.callee == callee


def test_bare_names_are_candidates_only_in_workflows() -> None:
    workflow = extract(
        "W.ps1",
        "workflow W {\n  Stop-LabVms -ResourceGroup 'lab'\n  InlineScript { Other-Thing }\n}",
    )
    assert [c.callee for c in workflow.candidate_calls] == ["Stop-LabVms"]
    script = extract("S.ps1", "Stop-LabVms -ResourceGroup 'lab'\n")
    assert script.candidate_calls == []


def test_field_uses() -> None:
    source = (
        "$c = Get-AutomationConnection -Name 'Ops'\n"
        "$c.TenantId\n$c['ApplicationId']\n$c.Item('SubscriptionId')\n"
        "$c.Keys; $c.Count\n"
        "Connect-AzAccount -Tenant $c.Item('Tenant2')\n"
        "(Get-AutomationConnection -Name 'Ops').CertificateThumbprint\n"
        "$v = Get-AutomationVariable -Name 'V'\n$v.Length\n"
    )
    facts = extract("T.ps1", source)
    assert [(u.field, u.span.line) for u in facts.field_uses] == [
        ("TenantId", 2),
        ("ApplicationId", 3),
        ("SubscriptionId", 4),
        ("Tenant2", 6),
        ("CertificateThumbprint", 7),
    ]


def test_merge_conflict_keeps_both_sides() -> None:
    source = (
        "Configuration C {\n<<<<<<< HEAD\n  $a = Get-AutomationPSCredential -Name 'A'\n"
        "=======\n  $a = Get-AutomationPSCredential -Name 'B'\n>>>>>>> branch\n}\n"
    )
    facts = extract("C.ps1", source)
    assert [r.name.literal for r in facts.refs] == ["A", "B"]
    assert [(p.code, p.span.line) for p in facts.problems] == [("RB901", 2)]


def test_syntax_error_reported_and_rest_extracted() -> None:
    source = (
        "$c = Get-AutomationConnection -Name 'A'\nif ($x) { ) }\nGet-AutomationVariable -Name 'B'\n"
    )
    facts = extract("T.ps1", source)
    assert [r.name.literal for r in facts.refs] == ["A", "B"]
    assert [p.code for p in facts.problems] == ["RB901"]


def test_prefix_ambiguity_does_not_bind() -> None:
    spec = CMDLETS["start-azautomationrunbook"]
    assert spec.lookup("R") is None  # ResourceGroupName, RunOn, RunbookName
    assert spec.lookup("Na").name == "Name"
    assert spec.lookup("runbookname").name == "Name"
    assert spec.lookup("HybridWorker").name == "RunOn"


def test_bind_switch_and_positional() -> None:
    spec = CMDLETS["get-automationvariable"]
    binding = bind(
        spec,
        [Element("param", "DoNotDecrypt", None), Element("arg", "'X'", "node")],
    )
    assert binding.get("Name") == ("node", True)
    assert "DoNotDecrypt" in binding.switches


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Get-AutomationVariable",
                "-Name",
                "'X'",
                '"$y"',
                "$x",
                "=",
                "{",
                "}",
                "(",
                ")",
                "@{",
                "workflow",
                "W",
                "InlineScript",
                "`\n",
                "\n",
                "<#",
                "#>",
                "#",
                "@'",
                "'@",
                "\u201c",
                "\u2013Name",
                ":",
                ";",
                "|",
                ".\\C.ps1",
                "&",
                "Configuration",
                "<<<<<<< HEAD",
                "=======",
                "$c.Item('a')",
                "param(",
                "[string]",
                ",",
            ]
        ),
        max_size=40,
    )
)
def test_never_raises_on_garbage(tokens: list[str]) -> None:
    facts = extract("Fuzz.ps1", " ".join(tokens))
    assert facts.runbook is not None
