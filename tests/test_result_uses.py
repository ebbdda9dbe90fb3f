"""How lookup results are used (ResultUse) and whether a file runs as a job: the facts
behind RB103's premise, checked on the PowerShell frontend directly."""

from __future__ import annotations

import pytest

from analyzer.frontends.powershell import extract

MGMT = "-ResourceGroupName 'rg' -AutomationAccountName 'aa'"


def _uses(text: str) -> list[tuple[str, str | None, str | None]]:
    facts = extract("Runbook.ps1", text)
    return [(u.how, u.member, u.parameter) for u in facts.result_uses]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (f"$null = Get-AzAutomationVariable {MGMT} -Name 'X' -ea 0", [("discarded", None, None)]),
        (f"Get-AzAutomationVariable {MGMT} -Name 'X' | Out-Null", [("discarded", None, None)]),
        (f"[void](Get-AzAutomationVariable {MGMT} -Name 'X')", [("discarded", None, None)]),
        (f"if (Get-AzAutomationVariable {MGMT} -Name 'X') {{ 1 }}", [("tested", None, None)]),
        (
            f"if (-not (Get-AzAutomationVariable {MGMT} -Name 'X')) {{ 1 }}",
            [("tested", None, None)],
        ),
        (f"(Get-AzAutomationVariable {MGMT} -Name 'X').Value", [("member", "Value", None)]),
        (
            f"Get-AzAutomationVariable {MGMT} -Name 'X' | Select-Object -ExpandProperty Value",
            [("member", "Value", None)],
        ),
        (f"Get-AzAutomationVariable {MGMT} -Name 'X' | % Value", [("member", "Value", None)]),
        (
            f"$c = Get-AzAutomationConnection {MGMT} -Name 'C'\n"
            "Connect-AzAccount -ServicePrincipal -Tenant $c.TenantId",
            [("member", "TenantId", None)],
        ),
        (
            f"$c = Get-AzAutomationCredential {MGMT} -Name 'C'\nNew-PSSession -Credential $c",
            [("passed", None, "Credential")],
        ),
        (
            f"$c = Get-AzAutomationCredential {MGMT} -Name 'C'\n$c.GetNetworkCredential().Password",
            [("member", "GetNetworkCredential", None)],
        ),
        (
            "$c = Get-AutomationConnection -Name 'C'\n$c['TenantId']; $c.Item('ApplicationId')",
            [("member", "TenantId", None), ("member", "ApplicationId", None)],
        ),
        (f"Get-AzAutomationVariable {MGMT} -Name 'X'", [("output", None, None)]),
    ],
)
def test_result_use(code: str, expected: list) -> None:
    assert _uses(code) == expected


def test_a_variable_reused_later_belongs_to_its_last_assignment() -> None:
    facts = extract(
        "Runbook.ps1",
        f"$x = Get-AzAutomationVariable {MGMT} -Name 'A'\n$x.Description\n"
        f"$x = Get-AzAutomationVariable {MGMT} -Name 'B'\n$x.Value\n",
    )
    by_ref = {(facts.refs[u.ref].name.literal, u.member) for u in facts.result_uses}
    assert by_ref == {("A", "Description"), ("B", "Value")}


def test_uses_follow_refs_when_facts_are_sorted() -> None:
    """Refs are sorted by position after extraction; use indexes must be remapped."""
    facts = extract(
        "Runbook.ps1",
        "configuration C {\n"
        f"  $a = Get-AzAutomationCredential {MGMT} -Name 'A'\n"
        "  Node localhost { User U { Password = $a } }\n}\n",
    )
    use = facts.result_uses[0]
    assert facts.refs[use.ref].name.literal == "A"
    assert (use.how, use.parameter) == ("passed", "Password")


def test_management_lookup_records_its_account() -> None:
    facts = extract(
        "Runbook.ps1",
        "foreach ($a in $accounts) { Get-AzAutomationVariable -ResourceGroupName 'rg' "
        "-AutomationAccountName $a.Name -Name 'X' }\nGet-AutomationVariable -Name 'Y'\n",
    )
    management, internal = facts.refs
    assert management.account is not None and management.account.dynamic
    assert management.account.effective is None
    assert internal.account is None


@pytest.mark.parametrize(
    ("code", "evidence"),
    [
        ("Connect-AzAccount -Identity\n", ()),
        ("Connect-AzAccount @splat\n", ()),
        ("Connect-AzAccount -ServicePrincipal -Tenant $t -Credential $c\n", ()),
        ("Connect-AzAccount\n", ("interactive Connect-AzAccount (line 1)",)),
        ("Connect-AzAccount -Subscription 'x'\n", ("interactive Connect-AzAccount (line 1)",)),
        ("$rg = Read-Host 'group'\n", ("Read-Host needs a console (line 1)",)),
        ("Get-AzVM | Out-GridView -PassThru\n", ("Out-GridView needs a console (line 1)",)),
        (
            "#Requires -RunAsAdministrator\nWrite-Output 1\n",
            ("#Requires -RunAsAdministrator (line 1)",),
        ),
        (
            "foreach ($a in Get-AzAutomationAccount) { $a.Name }\n",
            ("Get-AzAutomationAccount enumerates Automation accounts (line 1)",),
        ),
        ("# Read-Host in a comment\n$x = 'Out-GridView'\n", ()),
    ],
)
def test_admin_script_evidence(code: str, evidence: tuple[str, ...]) -> None:
    runbook = extract("Script.ps1", code).runbook
    assert runbook is not None
    assert runbook.interactive == evidence
    assert runbook.runs_as_job == (not evidence)


def test_a_name_read_from_another_lookup_records_its_source() -> None:
    """Microsoft's classic Run As sample names the certificate by a connection field."""
    facts = extract(
        "Runbook.ps1",
        "$Conn = Get-AutomationConnection -Name 'AzureClassicRunAsConnection'\n"
        "$CertificateAssetName = $Conn.CertificateAssetName\n"
        "$cert = Get-AutomationCertificate -Name $CertificateAssetName\n"
        "$other = Get-AutomationVariable -Name (Get-AutomationConnection -Name 'C').Setting\n"
        "$plain = Get-AutomationVariable -Name $Unrelated\n",
    )
    by_name = {(r.name.literal or r.name.expression): r.name_from for r in facts.refs}
    assert facts.refs[by_name["$CertificateAssetName"]].name.literal == (
        "AzureClassicRunAsConnection"
    )
    assert facts.refs[by_name["(Get-AutomationConnection -Name 'C').Setting"]].name.literal == "C"
    assert by_name["$Unrelated"] is None


def test_wrapper_called_through_a_splat_keeps_its_lookup() -> None:
    facts = extract(
        "Runbook.ps1",
        "function Connect-Ops([string]$Name) { Get-AutomationConnection -Name $Name }\n"
        "$p = @{ Name = 'OpsConnection' }\nConnect-Ops @p\n",
    )
    (ref,) = facts.refs
    assert ref.name.expression == "$Name"
    assert ref.name.origin is None  # calls exist, so not "no call passes it"
    assert "resolved-at-calls" not in ref.tags


def test_wrapper_called_with_literals_is_looked_up_at_each_call() -> None:
    facts = extract(
        "Runbook.ps1",
        "function Connect-Ops([string]$Name = 'Default') {\n"
        "  Get-AutomationConnection -Name $Name\n}\n"
        "Connect-Ops -Name 'A'\nConnect-Ops 'B'\nConnect-Ops\n",
    )
    inner, *calls = facts.refs
    assert "resolved-at-calls" in inner.tags
    assert [(r.span.line, r.name.literal) for r in calls] == [(4, "A"), (5, "B"), (6, "Default")]
    assert all("through-function" in r.tags for r in calls)


@pytest.mark.parametrize(
    "code",
    [
        "if (-not $PSPrivateMetadata.JobId) { Connect-AzAccount }\n"
        "else { Connect-AzAccount -Identity }\n",
        "if ($env:AUTOMATION_ASSET_ACCOUNTID) { Connect-AzAccount -Identity }\n"
        "else { $cred = Get-Credential; Connect-AzAccount -Credential $cred }\n",
    ],
)
def test_a_local_run_branch_is_no_admin_evidence(code: str) -> None:
    runbook = extract("Runbook.ps1", code).runbook
    assert runbook is not None
    assert runbook.interactive == ()


def test_a_shim_defined_only_for_local_runs_does_not_hide_the_lookups() -> None:
    """In the job the internal cmdlets exist, the shim is never defined, and the calls
    are lookups; a function defined unconditionally would replace the cmdlet."""
    shim = (
        "if (-not (Get-Command Get-AutomationVariable -ErrorAction SilentlyContinue)) {\n"
        "    function Get-AutomationVariable([string]$Name) { $env:($Name) }\n"
        "    function Get-AutomationPSCredential([string]$Name) { Get-Credential }\n"
        "}\n"
        "$region = Get-AutomationVariable -Name 'Region'\n"
        "$cred = Get-AutomationPSCredential -Name 'Ops'\n"
    )
    facts = extract("Runbook.ps1", shim)
    assert [(r.kind, r.name.literal) for r in facts.refs] == [
        ("variable", "Region"),
        ("credential", "Ops"),
    ]
    assert facts.runbook is not None and facts.runbook.runs_as_job
    override = (
        "function Get-AutomationVariable([string]$Name) { 'x' }\nGet-AutomationVariable 'Region'\n"
    )
    assert extract("Runbook.ps1", override).refs == []
