"""Child-runbook calls the workspace infers or finds satisfied (issue 7, items 5 and 9).

Item 5: a runbook the same script creates, imports or publishes exists when it is
started. Item 9: a workflow runbook's bare command that cannot be a cmdlet, activity,
keyword, alias or program is an inline child call, which RB201 can report as missing.
"""

from __future__ import annotations

import pytest
from analyzer.rules.rb201_missing_child_runbook import MissingChildRunbook

from analyzer.data import powershell_commands
from analyzer.engine.rule import RuleContext
from analyzer.frontends import analyze_text
from analyzer.model.facts import FileFacts
from analyzer.workspace.workspace import Workspace, bare_child_evidence


def _facts(path: str, text: str) -> FileFacts:
    return analyze_text(path, text, "powershell")


def _workspace(*files: tuple[str, str]) -> Workspace:
    return Workspace([_facts(path, text) for path, text in files])


def _rb201(workspace: Workspace) -> list[tuple[str, int, str]]:
    rule = MissingChildRunbook()
    return [
        (d.path, d.span.line if d.span else 0, d.severity)
        for d in rule.check_workspace(workspace, RuleContext(workspace))
    ]


# ------------------------------------------------------------------------- data
def test_approved_verbs_are_get_verb() -> None:
    verbs = powershell_commands().approved_verbs
    assert len(verbs) == 100
    assert {"get", "checkpoint", "convertto", "build", "deploy", "use"} <= verbs
    assert not {"delete", "create", "foreach", "where", "sort", "login"} & verbs


def test_known_names_are_lower_case() -> None:
    known = powershell_commands().known
    assert {"%", "?", "echo", "cmd", "robocopy", "inlinescript", "persist", "node"} <= known
    assert all(name == name.lower() for name in known)


# --------------------------------------------------------------- classification
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("childVmDelete", "not-verb-noun"),
        ("StopAllVms", "not-verb-noun"),
        ("Stop_AllVms", "not-verb-noun"),
        ("Delete-OldSnapshots", "unapproved-verb"),
        ("child-vm-delete", "unapproved-verb"),
        ("vmcleanup", "lowercase-word"),
        ("VMCLEANUP", "lowercase-word"),
        # cmdlets and module functions: approved verb
        ("Get-AzVM", None),
        ("Stop-VMsNow", None),
        ("Checkpoint-Workflow", None),
        ("Start-Sleep", None),
        ("ConvertTo-Json", None),
        # shipped with an unapproved verb
        ("ForEach-Object", None),
        ("where-object", None),
        ("Login-AzureRmAccount", None),
        # workflow keywords and activities, language and DSC keywords
        ("InlineScript", None),
        ("Parallel", None),
        ("Sequence", None),
        ("Persist", None),
        ("Node", None),
        ("Else", None),
        # aliases and programs
        ("echo", None),
        ("cls", None),
        ("Robocopy", None),
        ("ping", None),
        ("AzCopy", None),
        ("manage-bde", None),
        # not a name at all
        ("Get-", None),
        ("-Name", None),
    ],
)
def test_bare_child_evidence(name: str, expected: str | None) -> None:
    assert bare_child_evidence(name) == expected


# --------------------------------------------------------------------- frontend
_ACCOUNT = "-ResourceGroupName 'rg' -AutomationAccountName 'aa'"


@pytest.mark.parametrize(
    ("source", "name"),
    [
        (f"Import-AzAutomationRunbook -Name 'Child' -Path 'C:\\x\\Other.ps1' {_ACCOUNT}", "Child"),
        (f"Import-AzAutomationRunbook -Path '.\\runbooks\\Child.ps1' {_ACCOUNT}", "Child"),
        (f"Import-AzureRmAutomationRunbook -Path 'C:/deploy/Child.py' {_ACCOUNT}", "Child"),
        ("Import-AzAutomationRunbook 'rg' 'aa' 'D:\\Child.graphrunbook'", "Child"),
        (f'$p = "$env:TEMP\\Child.ps1"\nImport-AzAutomationRunbook -Path $p {_ACCOUNT}', "Child"),
        (
            f"$p = Join-Path $env:TEMP 'Child.ps1'\nImport-AzAutomationRunbook -Path $p {_ACCOUNT}",
            "Child",
        ),
        (
            "$p = Join-Path -Path $root -ChildPath 'Child.ps1'\n"
            f"Import-AzAutomationRunbook -Path $p {_ACCOUNT}",
            "Child",
        ),
        (f'Import-AzAutomationRunbook -Path "$PSScriptRoot/Child.ps1" {_ACCOUNT}', "Child"),
        (f"New-AzAutomationRunbook -Name 'Child' -Type PowerShell {_ACCOUNT}", "Child"),
        (f"$n = 'Child'\nNew-AzureRmAutomationRunbook -Name $n {_ACCOUNT}", "Child"),
        (f"Publish-AzAutomationRunbook -RunbookName 'Child' {_ACCOUNT}", "Child"),
        ("Publish-AzAutomationRunbook 'rg' 'aa' 'Child'", "Child"),
        ("New-AzureAutomationRunbook 'classic-aa' 'Child'", "Child"),
        (
            "$a = @{ Name = 'Child'; ResourceGroupName = 'rg' }\nPublish-AzAutomationRunbook @a",
            "Child",
        ),
        # a name the file cannot prove: recorded, but never a name
        (f"New-AzAutomationRunbook -Name $ChildName {_ACCOUNT}", None),
        (f'Import-AzAutomationRunbook -Path "$dir\\$name.ps1" {_ACCOUNT}', None),
        (f'Import-AzAutomationRunbook -Path "$env:TEMP\\$prefix-Child.ps1" {_ACCOUNT}', None),
        (f"Import-AzAutomationRunbook -Path $file.FullName {_ACCOUNT}", None),
        (f"Import-AzAutomationRunbook -Path 'C:\\x\\child.txt' {_ACCOUNT}", None),
    ],
)
def test_runbook_definitions(source: str, name: str | None) -> None:
    (definition,) = _facts("Deploy.ps1", source).runbook_definitions
    assert definition.name.effective == name


def test_runbook_definitions_keep_the_command_for_other_rules() -> None:
    facts = _facts("Deploy.ps1", f"Import-AzureRmAutomationRunbook -Name 'Child' {_ACCOUNT}")
    assert [c.name for c in facts.commands] == ["Import-AzureRmAutomationRunbook"]
    assert facts.calls == []


def test_here_string_source_is_no_definition() -> None:
    source = "$s = @'\nNew-AzAutomationRunbook -Name 'InText'\n'@\n"
    assert _facts("Deploy.ps1", source).runbook_definitions == []


def test_bare_commands_in_script_blocks_are_tagged() -> None:
    source = (
        "workflow W {\n"
        "  childOne\n"
        "  Invoke-Command -ScriptBlock { childTwo }\n"
        "  $x | ForEach-Object { childThree }\n"
        "  parallel { childFour }\n"
        "}\n"
    )
    tags = {
        c.child.literal: "scriptblock" in c.tags for c in _facts("W.ps1", source).candidate_calls
    }
    assert tags == {
        "childOne": False,
        "Invoke-Command": False,
        "childTwo": True,
        "ForEach-Object": False,
        "childThree": True,
        "childFour": False,
    }


# -------------------------------------------------------------------- workspace
_WORKFLOW = "workflow Stop-AllVms {\n  param([string]$S)\n  childVmDelete -SubscriptionName $S\n}\n"


def test_workflow_call_of_a_missing_child_is_inferred() -> None:
    workspace = _workspace(("Stop-AllVms.ps1", _WORKFLOW))
    (call,) = workspace.calls(workspace.files[0])
    assert (call.call.child.literal, call.inferred, call.strong) == (
        "childVmDelete",
        "not-verb-noun",
        True,
    )
    assert _rb201(workspace) == [("Stop-AllVms.ps1", 3, "error")]


def test_sibling_in_the_tree_is_a_call_not_an_inference() -> None:
    child = "workflow childVmDelete {\n  param([string]$SubscriptionName)\n}\n"
    workspace = _workspace(("childVmDelete.ps1", child), ("Stop-AllVms.ps1", _WORKFLOW))
    (parent,) = [f for f in workspace.files if f.path == "Stop-AllVms.ps1"]
    (call,) = workspace.calls(parent)
    assert call.inferred is None
    assert [t.path for t in call.targets] == ["childVmDelete.ps1"]
    assert _rb201(workspace) == []


@pytest.mark.parametrize(
    "other",
    [
        # a module in the tree exports it
        ("modules/VmTools.psm1", "function childVmDelete { param($SubscriptionName) }\n"),
        # a module's Public/*.ps1 source defines it
        ("modules/Public/Remove.ps1", "function childVmDelete { param($SubscriptionName) }\n"),
        # a deployment script imports it
        (
            "Deploy.ps1",
            "Import-AzAutomationRunbook -Path '.\\childVmDelete.ps1' -Type PowerShellWorkflow "
            + _ACCOUNT,
        ),
    ],
)
def test_defined_or_created_elsewhere_is_silent(other: tuple[str, str]) -> None:
    assert _rb201(_workspace(("Stop-AllVms.ps1", _WORKFLOW), other)) == []


@pytest.mark.parametrize(
    ("path", "source"),
    [
        # a script that defines and runs a workflow compiles it when it runs
        ("Run.ps1", "$ErrorActionPreference = 'Stop'\n" + _WORKFLOW + "Stop-AllVms -S 'x'\n"),
        # a module's workflow is no runbook
        ("Tools.psm1", _WORKFLOW),
        # PowerShell script run by an activity
        ("W.ps1", "workflow W {\n  Invoke-Command -ScriptBlock { childVmDelete }\n}\n"),
        # defined in the same file
        ("W.ps1", "workflow W {\n  function childVmDelete { 1 }\n  childVmDelete\n}\n"),
        # a file PowerShell rejects
        ("W.ps1", "workflow W {\n  childVmDelete -S 1\n  if ($x {\n  }\n}\n"),
    ],
)
def test_no_inference_without_the_premise(path: str, source: str) -> None:
    assert _rb201(_workspace((path, source))) == []


def test_one_finding_per_child_and_file_with_related_calls() -> None:
    source = (
        "workflow Stop-AllVms {\n"
        "  childVmDelete -S 1\n"
        "  Delete-Snapshots -S 1\n"
        "  childvmdelete -S 2\n"
        "  vmcleanup\n"
        "}\n"
    )
    workspace = _workspace(("Stop-AllVms.ps1", source))
    rule = MissingChildRunbook()
    found = list(rule.check_workspace(workspace, RuleContext(workspace)))
    assert [(d.span.line if d.span else 0, d.severity) for d in found] == [
        (2, "error"),
        (3, "warning"),
        (5, "info"),
    ]
    assert [(r.span.line if r.span else 0) for r in found[0].related] == [4]
    assert "publishing the workflow fails" in found[0].message
    assert '"Delete"' in (found[1].help or "")


def test_created_child_started_by_the_same_script_is_satisfied() -> None:
    source = (
        "$src = @'\nWrite-Output 'child'\n'@\n"
        "$path = Join-Path $env:TEMP 'Test-Child.ps1'\n"
        "Set-Content -Path $path -Value $src\n"
        f"Import-AzAutomationRunbook -Path $path -Type PowerShell -Published {_ACCOUNT}\n"
        f"Start-AzAutomationRunbook -Name 'Test-Child' {_ACCOUNT}\n"
        f"Start-AzAutomationRunbook -Name 'Test-Other' {_ACCOUNT}\n"
    )
    workspace = _workspace(("Test-Jobs.ps1", source))
    created, other = workspace.calls(workspace.files[0])
    assert [d.name.effective for _, d in created.created] == ["Test-Child"]
    assert other.created == ()
    assert _rb201(workspace) == [("Test-Jobs.ps1", 8, "error")]


def test_unprovable_creation_in_the_same_file_lowers_the_finding() -> None:
    source = (
        f'Import-AzAutomationRunbook -Path "$dir\\$Name.ps1" {_ACCOUNT}\n'
        f"Start-AzAutomationRunbook -Name 'Test-Child' {_ACCOUNT}\n"
    )
    workspace = _workspace(("Test-Jobs.ps1", source))
    assert _rb201(workspace) == [("Test-Jobs.ps1", 2, "warning")]


def test_graph_marks_a_created_child_as_existing() -> None:
    """The dependency report must not call a child missing that the parent deploys."""
    workspace = _workspace(
        (
            "Deploy-Cleanup.ps1",
            "Import-AzAutomationRunbook -ResourceGroupName 'rg' -AutomationAccountName 'aa' "
            '-Path "$PSScriptRoot\\Remove-StaleDisks.ps1" -Type PowerShell -Published\n'
            "Start-AzAutomationRunbook -ResourceGroupName 'rg' -AutomationAccountName 'aa' "
            "-Name 'Remove-StaleDisks'\n"
            "Start-AzAutomationRunbook -ResourceGroupName 'rg' -AutomationAccountName 'aa' "
            "-Name 'Remove-StaleSnapshots'\n",
        ),
    )
    nodes = workspace.graph.nodes
    assert nodes["runbook/Remove-StaleDisks"]["missing"] is False
    assert nodes["runbook/Remove-StaleSnapshots"]["missing"] is True
